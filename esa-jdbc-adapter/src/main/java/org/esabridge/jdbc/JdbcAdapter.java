package org.esabridge.jdbc;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.esabridge.api.Cursor;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaParameter;
import org.esabridge.api.ExternalField;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.Relation;
import org.esabridge.api.ResultSink;
import org.esabridge.api.Session;
import org.esabridge.api.helper.DeletionReporter;
import org.esabridge.api.helper.HelperApi;
import org.esabridge.api.helper.HttpHelperApi;
import org.esabridge.jdbc.capture.CaptureFence;
import org.esabridge.jdbc.capture.CaptureMode;
import org.esabridge.jdbc.capture.CaptureSelection;
import org.esabridge.jdbc.catalog.Catalog;
import org.esabridge.jdbc.catalog.CatalogLoader;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.changes.ChangeReader;
import org.esabridge.jdbc.changes.HelperDeletions;
import org.esabridge.jdbc.changes.IndexedChanges;
import org.esabridge.jdbc.changes.Watermark;
import org.esabridge.jdbc.capture.LogCapture;
import org.esabridge.jdbc.capture.CaptureStatus;
import org.esabridge.jdbc.cluster.Lease;
import org.esabridge.jdbc.cluster.NodeId;
import org.esabridge.jdbc.cursor.Cursors;
import org.esabridge.jdbc.changes.CaptureTriggers;
import org.esabridge.jdbc.changes.TableIdentity;
import org.esabridge.jdbc.changes.UnwritableRows;
import org.esabridge.jdbc.changes.VersionTables;
import org.esabridge.jdbc.dialect.DatabaseClock;
import org.esabridge.jdbc.dialect.DatabaseZone;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.Faults;
import org.esabridge.jdbc.dialect.Engine;
import org.esabridge.jdbc.dialect.Engines;
import org.esabridge.jdbc.dialect.StateTables;
import org.esabridge.jdbc.notify.ChangeNotifier;
import org.esabridge.jdbc.write.RecordWriter;
import org.esabridge.jdbc.write.Written;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any database an {@link Engine} serves, as an external system: each table with an id and a modification time
 * (its column, a version table, or in log capture the change index) is a structure (see {@link CatalogLoader} for
 * the rules; the others are named at start, {@link CaptureSummary}). Thread-safe; holds no state that matters beyond the
 * catalog cache (with each table's statements, {@link TableSql}): everything else, {@code needSyncAgain}
 * flags included ({@code esa_sync_again}), lives in {@code esa_} tables, so any node answers any call.
 *
 * <p>Where each call goes: catalog calls → {@link CatalogLoader}; {@code getModified}/{@code getDeleted} →
 * {@link ChangeReader}; writes → {@link RecordWriter}; {@code read}/{@code countRange} → {@link RecordReader};
 * paged calls → {@link Cursors}; {@code needSyncAgain} → {@link SyncAgainFlags}. Every read that serves
 * changes goes through the {@link Watermark}; every time comes from the {@link DatabaseClock}; SQL particular
 * to the engine comes from the {@link Dialect}; which capture runs, and the log capture, from the
 * {@link CaptureSelection}.
 */
public final class JdbcAdapter implements ExternalSystemAdapter {
    /** Pending deletion reports at which the reporter warns and tries to deliver at once (DeletionReporter). */
    private static final int DELETION_REPORT_BOUND = 10_000;
    /** How long startSync waits for the host's answers to getParameter (see HostManagedSettings). */
    private static final Duration HOST_SETTINGS_WAIT = Duration.ofSeconds(2);
    /** Migrations and the demo schema take well under this; a node that died holding the lease frees it then. */
    private static final Duration START_LEASE_TTL = Duration.ofSeconds(60);
    private static final Duration START_LEASE_WAIT = Duration.ofSeconds(150);
    /** An existing table that a reload did not serve is looked at again at most this often. */
    static final Duration MISS_REFRESH_INTERVAL = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(JdbcAdapter.class);

    private final JdbcAdapterConfig config;
    private final Database database;
    private final Dialect dialect;
    private final Engine engine;
    /** Where the adapter's own tables are ({@code state-schema}). */
    private final StateTables state;
    private final DatabaseClock clock;
    private final Lease startLease;
    /** Detected at start: the database is a Galera node (see {@link CaptureSummary#GALERA_POLLING}). */
    private volatile boolean galeraNode;
    private final CatalogLoader loader;
    private final CaptureTriggers triggers;
    private final TableIdentity identity;
    private final ChangeReader changes;
    private final IndexedChanges indexed;
    /** Which capture runs, and the log capture in log mode. */
    private final CaptureSelection capture;
    private final RecordWriter writer;
    private final RecordReader reader;
    private final Paging paging;
    private final Watermark watermark;
    private final Watermark.Mode forcedWatermark;
    private final VersionTables versions;
    private final HelperApi helper;
    private final HelperDeletions helperDeletions;
    private final HostManagedSettings settings;
    private final DeletionReporter deletions;
    private volatile ChangeNotifier notifier;
    /** Tables whose delete trigger could not be installed at the last catalog load, with the database's error code. */
    private volatile Map<String, Integer> missingTriggers = Map.of();
    /** Other triggers (cascade, key-change) that could not be installed at the last catalog load, by name. */
    private volatile Map<String, Integer> otherMissingTriggers = Map.of();
    private final Set<String> versionsEnsured = ConcurrentHashMap.newKeySet();
    /** Unserved tables with their reasons, as named once (by the start's summary, or later in the log). */
    private final Set<String> reportedUnserved = ConcurrentHashMap.newKeySet();
    private final SyncAgainFlags syncAgain;
    /** Records and ids XML cannot carry: left out of answers, reported, looked at again (esa-protocol.md §5). */
    private final UnwritableRows unwritable;
    private final Object initLock = new Object();
    private volatile boolean initialised;
    private volatile Catalog catalog;
    private final UnservableNames unservable = new UnservableNames(MISS_REFRESH_INTERVAL, System::nanoTime);
    private final AtomicLong catalogLoads = new AtomicLong();

    private JdbcAdapter(JdbcAdapterConfig config, Engine engine, Dialect dialect, Database database,
                        Watermark.Mode forcedWatermark, HelperApi helper, CaptureMode forcedCapture) {
        this.engine = engine;
        this.config = config;
        this.dialect = dialect;
        this.state = StateTables.in(dialect, config.stateSchema().isEmpty() ? dialect.defaultStateSchema()
                : config.stateSchema());
        this.clock = new DatabaseClock(dialect);
        this.catalog = new Catalog(Map.of(), dialect);
        this.helper = helper;
        this.database = database;
        this.startLease = new Lease(database.dataSource(), database::renewalPool, dialect, state, "start",
                NodeId.next("start"), START_LEASE_TTL);
        this.capture = new CaptureSelection(config, dialect, state, engine.logCapture(), database.server(),
                database.dataSource(), database::capturePool, forcedCapture);
        this.forcedWatermark = forcedWatermark;
        this.loader = new CatalogLoader(config, dialect, config.demo() ? DemoSchema.TABLES : Set.of());
        this.triggers = new CaptureTriggers(dialect, state);
        this.identity = new TableIdentity(dialect, state);
        this.versions = new VersionTables(dialect);
        int timeout = config.queryTimeoutSeconds();
        this.watermark = new Watermark(dialect, state, config.watermarkFallbackLagSeconds(), timeout);
        this.settings = new HostManagedSettings(config);
        this.changes = new ChangeReader(database.dataSource(), dialect, state, settings::inlineThreshold,
                config.tombstoneRetentionDays(), timeout, watermark);
        this.indexed = new IndexedChanges(database.dataSource(), dialect, state, capture::logged,
                settings::inlineThreshold, timeout, changes, () -> {
                    CaptureFence fence = capture.fence();
                    if (fence != null) {
                        fence.reachPresent();
                    }
                });
        this.unwritable = new UnwritableRows(database.dataSource(), dialect, state, timeout);
        this.paging = new Cursors(database.dataSource(), dialect, state, unwritable, clock, watermark, changes, indexed,
                this::table, settings::pageSize, config.cursorTimeoutMinutes(), config.maxOpenCursors(), timeout);
        this.writer = new RecordWriter(database.dataSource(), dialect, state, clock, timeout, capture::fence,
                config.poolSize());
        this.reader = new RecordReader(database.dataSource(), dialect, timeout);
        this.helperDeletions = new HelperDeletions(database.dataSource(), dialect, clock, timeout);
        this.syncAgain = new SyncAgainFlags(database.dataSource(), dialect, state, timeout);
        this.deletions = helper == null ? null : new DeletionReporter(helper, DELETION_REPORT_BOUND);
    }

    /**
     * Opens the database (the engine's embedded server when no {@code jdbc-url} is configured), runs the migrations
     * of the {@code esa_} tables, creates the demo schema when asked and loads the catalog. {@link #close()}
     * stops all of it. An external database that cannot be reached does not stop the start: calls answer
     * DATABASE_UNAVAILABLE until it can, and the first call after that finishes the start.
     *
     * @throws IllegalStateException when the embedded database does not start or the schema cannot be set up
     */
    public static JdbcAdapter start(JdbcAdapterConfig config) {
        return start(config, null, config.helper() == null ? null : new HttpHelperApi(config.helper()), null);
    }

    /**
     * {@link #start(JdbcAdapterConfig)} reading changes as in {@code captureMode} without starting a binlog reader:
     * tests of the change index's reads write its entries themselves.
     */
    static JdbcAdapter start(JdbcAdapterConfig config, CaptureMode captureMode) {
        return start(config, null, null, captureMode);
    }

    /**
     * {@link #start(JdbcAdapterConfig)} with the watermark's mode chosen instead of detected: tests use
     * {@link Watermark.Mode#OFF} to show the naive read's misses and {@link Watermark.Mode#FIXED_LAG} for the
     * fallback.
     */
    static JdbcAdapter start(JdbcAdapterConfig config, Watermark.Mode forcedWatermark) {
        return start(config, forcedWatermark, null, null);
    }

    private static JdbcAdapter start(JdbcAdapterConfig config, Watermark.Mode forcedWatermark, HelperApi helper,
                                     CaptureMode forcedCapture) {
        Engine engine = Engines.forUrl(config.jdbcUrl());
        Dialect dialect = engine.dialect(config);
        Database database = Database.open(config, engine, dialect);
        JdbcAdapter adapter = new JdbcAdapter(config, engine, dialect, database, forcedWatermark, helper, forcedCapture);
        try {
            adapter.ensureInitialised();
        } catch (EsaException e) {
            if (e.code() != ErrorCode.DATABASE_UNAVAILABLE) {
                adapter.close();
                throw new IllegalStateException("the database could not be prepared: " + e.getMessage(), e);
            }
            LOG.warn("database unreachable at start; calls answer DATABASE_UNAVAILABLE until it is back");
        }
        if (helper != null && config.notifyIntervalSeconds() > 0) {
            adapter.notifier = new ChangeNotifier(database.dataSource(), adapter.dialect, adapter.state,
                    () -> adapter.catalog, helper, adapter.deletions, Duration.ofSeconds(config.notifyIntervalSeconds()),
                    () -> adapter.captureMode() == CaptureMode.BINLOG);
        }
        return adapter;
    }

    /**
     * Records and deleted ids this node left out of answers because XML 1.0 cannot carry a character of them, or the
     * host would trim their id into another's ({@link UnwritableRows}), since start: the
     * {@code esa_unwritable_left_out_total} metric.
     */
    public long unwritableLeftOut() {
        return unwritable.leftOut();
    }

    /**
     * Uninstall: removes what log capture keeps on the database server (a replication slot, ending its reader's
     * connection first, and a publication), so that no slot holds the server's write-ahead log once esa-bridge is
     * gone. Stop every node first: a running node makes the slot again at its next start. Returns what was removed.
     */
    public static List<String> dropLogCapture(JdbcAdapterConfig config) throws SQLException {
        Engine engine = Engines.forUrl(config.jdbcUrl());
        LogCapture.Support log = engine.logCapture();
        if (log == null || config.jdbcUrl() == null) {
            return List.of();
        }
        return log.uninstall(() -> java.sql.DriverManager.getConnection(config.jdbcUrl(), config.jdbcUser(),
                config.jdbcPassword()), config);
    }

    /** Reads whose list of open transactions stayed stale (see {@link Watermark}): for tests and metrics. */
    long staleWatermarkReads() {
        return watermark.staleReads();
    }

    /** Holds every write of this adapter between taking its stamp and storing it (tests; see RecordWriter). */
    void afterWriteStamp(Runnable hook) {
        writer.afterStamp(hook);
    }

    /** How the watermark finds open transactions (detected at start). */
    Watermark.Mode watermarkMode() {
        return watermark.mode();
    }

    /** The configuration this adapter runs with. */
    public JdbcAdapterConfig config() {
        return config;
    }

    /**
     * The connection pool (a HikariDataSource), for the server's pool metrics and nothing else: calls go
     * through the SPI.
     */
    public javax.sql.DataSource dataSource() {
        return database.dataSource();
    }

    /** The cursors, for tests. */
    Paging paging() {
        return paging;
    }

    private void ensureInitialised() throws EsaException {
        if (initialised) {
            return;
        }
        synchronized (initLock) {
            if (initialised) {
                return;
            }
            try (Connection c = database.dataSource().getConnection()) {
                Migrations.createBootstrapTables(c, state);
                startLease.runHolding(c, START_LEASE_WAIT, () -> {
                    Migrations.migrate(c, dialect, state, startLease);
                    if (config.demo()) {
                        DemoSchema.createOnce(c, dialect, state);
                    }
                });
                StateWriters.warn(c, dialect, state);
                galeraNode = dialect.isGaleraNode(c);
                if (forcedWatermark == null) {
                    watermark.detect(c);
                } else {
                    watermark.force(forcedWatermark);
                }
                // Before the catalog: which triggers a table gets depends on the mode (CaptureTriggers).
                capture.choose(c);
                loader.stampFromChangeIndex(capture.mode() == CaptureMode.BINLOG ? state : null);
                loader.useDatabaseZone(DatabaseZone.resolve(c, dialect));
                Catalog loaded = refreshCatalog(c);
                if (!loaded.refusals().isEmpty()) {
                    throw new EsaException(ErrorCode.NOT_CONFIGURED, String.join("; ", loaded.refusals()));
                }
                changes.purgeTombstones(c);
                startCapture(c);
                initialised = true;
            } catch (SQLException e) {
                throw Faults.of(dialect, e, "start");
            }
        }
    }

    /** Starts the log capture once log mode is chosen, with the catalog loaded; then puts the triggers in place. */
    private void startCapture(Connection c) throws SQLException {
        if (!capture.start(c, catalog.tables(), this::capturedTable)) {
            return;
        }
        Catalog served = catalog;
        startLease.runHolding(c, START_LEASE_WAIT, () -> {
            catalog = ensureTriggers(c, served);
            noteUnserved(catalog);
        });
    }

    /** The served table of that name for the log reader, loading the catalog for a table it meets first. */
    private Table capturedTable(String name) {
        Table t = catalog.find(name);
        if (t != null || !loader.mayExpose(name)) {
            return t;
        }
        try {
            return table(name).table();
        } catch (EsaException e) {
            return null;
        }
    }

    /** How changes are found, as chosen at start. */
    public CaptureMode captureMode() {
        return capture.mode();
    }

    /** The log capture's state on this node, for metrics and readiness; null in polling mode. */
    public CaptureStatus captureStatus() {
        return capture.status();
    }

    /**
     * Reloads the catalog; for every structure seen for the first time, sets up its version table (if it
     * uses one; a structure whose version table cannot be set up is not served). Every load then puts the
     * capture triggers in place ({@link CaptureTriggers}, read afresh from the schema) and checks that each
     * captured table is still the one it was ({@link TableIdentity}).
     */
    private Catalog refreshCatalog(Connection c) throws SQLException {
        catalogLoads.incrementAndGet();
        Catalog loaded = loader.load(c);
        if (loaded.tables().stream().noneMatch(this::needsVersionTable) && triggers.inPlace(c, loaded, capture::logged)) {
            return serve(c, loaded);
        }
        // Set-up DDL runs one node at a time, under the start lease: on Galera, CREATE TRIGGER on one table from
        // two nodes at once left both nodes' appliers waiting for the trigger's metadata lock, the whole
        // cluster stalled (seen in GaleraClusterTest, 10.11 + galera-4 26.4).
        Catalog[] fresh = new Catalog[1];
        startLease.runHolding(c, START_LEASE_WAIT, () -> fresh[0] = serve(c, loaded));
        return fresh[0];
    }

    private boolean needsVersionTable(Table t) {
        return t.versionTable() != null && !versionsEnsured.contains(t.name());
    }

    /** Sets up what the loaded tables need (see {@link #refreshCatalog(Connection)}) and serves them. */
    private Catalog serve(Connection c, Catalog loaded) throws SQLException {
        Map<String, Table> served = new java.util.LinkedHashMap<>();
        Map<String, String> dropped = new java.util.LinkedHashMap<>();
        for (Table t : loaded.tables()) {
            if (t.versionTable() != null && !versionsEnsured.contains(t.name())) {
                try {
                    versions.ensure(c, t);
                    versionsEnsured.add(t.name());
                } catch (SQLException e) {
                    dropped.put(t.name(), "its version table could not be set up (" + e.getMessage() + ") - GRANT"
                            + " CREATE, TRIGGER on the schema to the account");
                    continue;
                }
            }
            served.put(t.name(), t);
        }
        Catalog fresh = ensureTriggers(c, loaded.withTables(served, dropped));
        catalog = fresh;
        noteUnserved(fresh);
        return fresh;
    }

    /**
     * After the start, which names every unserved table once in its summary ({@link CaptureSummary}): a table that
     * a later reload does not serve, named once in the log with its reason, so that no table vanishes unexplained.
     */
    private void noteUnserved(Catalog fresh) {
        fresh.unserved().forEach((name, why) -> {
            if (reportedUnserved.add(name + "\u0000" + why) && initialised) {
                LOG.warn("table {} is not served: {}", name, why.replace("<table>", name));
            }
        });
    }

    /**
     * Puts the capture triggers in place ({@link CaptureTriggers}) and checks that each captured table is still the
     * one it was ({@link TableIdentity}). In log mode this waits for the reader, which finds the tables whose
     * changes the log cannot capture (those are polled; {@link CaptureSelection#capturable}).
     */
    private Catalog ensureTriggers(Connection c, Catalog loaded) throws SQLException {
        if (capture.awaitsReader()) {
            return loaded; // until the reader has started (startCapture)
        }
        Catalog fresh = capture.capturable(c, loaded);
        CaptureTriggers.Outcome outcome = triggers.ensure(c, fresh, capture::logged);
        List<String> tracked = fresh.tables().stream()
                .filter(t -> t.deleteStrategy().kind() == DeleteStrategy.Kind.TOMBSTONE)
                .map(Table::name).filter(name -> !outcome.failed().containsKey(name)).toList();
        boolean polled = fresh.tables().stream().anyMatch(t -> tracked.contains(t.name()) && !capture.logged(t));
        identity.check(c, tracked, outcome.created(), polled);
        identity.forget(c, outcome.failed().keySet());
        Map<String, Integer> failedBefore = missingTriggers;
        Map<String, Integer> otherBefore = otherMissingTriggers;
        missingTriggers = Map.copyOf(outcome.failed());
        otherMissingTriggers = Map.copyOf(outcome.otherFailed());
        if (initialised) {
            // The start's summary named the ones it found; a later failure is named once here.
            outcome.failed().keySet().stream().filter(name -> !failedBefore.containsKey(name)).forEach(name ->
                    LOG.warn("no delete trigger could be installed on {} (error {}): getDeleted answers NOT_SUPPORTED"
                            + " there", name, outcome.failed().get(name)));
            outcome.otherFailed().keySet().stream().filter(name -> !otherBefore.containsKey(name)).forEach(name ->
                    LOG.warn("trigger {} could not be installed (error {}): the rows it would record are not captured",
                            name, outcome.otherFailed().get(name)));
        }
        return fresh;
    }

    private Catalog refreshCatalog() throws EsaException {
        ensureInitialised();
        try (Connection c = database.dataSource().getConnection()) {
            return refreshCatalog(c);
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "reading the catalog");
        }
    }

    /**
     * The table of a structure, with its statements. A name the cached catalog does not know reloads it only
     * when a table of that name exists in the schema (one indexed lookup, no reload for names that are not
     * there) and was not found unservable by an earlier reload less than {@link #MISS_REFRESH_INTERVAL} ago (no
     * primary key, say): a new table is served at its first mention, unknown names in a loop never reload the
     * catalog.
     */
    private TableSql table(String structure) throws EsaException {
        ensureInitialised();
        Catalog current = catalog;
        if (current.find(structure) != null) {
            return current.sql(structure);
        }
        String name = structure == null ? "" : structure.trim();
        if (!dialect.isPossibleTableName(name) || !loader.mayExpose(name)) {
            return current.sql(structure);
        }
        try (Connection c = database.dataSource().getConnection()) {
            if (!unservable.reloadDue(name) || !tableExists(c, name)) {
                return catalog.sql(structure);
            }
            Catalog fresh = refreshCatalog(c);
            if (fresh.find(name) == null) {
                unservable.unservable(name);
            }
            return fresh.sql(structure);
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "reading the catalog");
        }
    }

    private boolean tableExists(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.tableExistsSql())) {
            ps.setQueryTimeout(config.queryTimeoutSeconds());
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Two lines for the start's output: what changes and deletions are captured and how, what is not, and what
     * would remedy it (see {@link CaptureSummary}).
     */
    public List<String> captureSummary() {
        if (!initialised) {
            return List.of(CaptureSummary.UNREACHABLE);
        }
        Catalog current = catalog;
        List<String> lines = CaptureSummary.of(current, capture.mode(), capture.missing(), capture.uncapturable(),
                watermark.mode(), config.watermarkFallbackLagSeconds(), new java.util.TreeMap<>(missingTriggers),
                new java.util.TreeMap<>(otherMissingTriggers), galeraNode, dialect);
        if (!current.unserved().isEmpty()) {
            StringBuilder all = new StringBuilder();
            current.unserved().forEach((name, why) -> all.append(all.length() == 0 ? "" : "; ").append(name).append(": ")
                    .append(why.replace("<table>", name)));
            LOG.info("tables not served: {}", all);
        }
        return lines;
    }

    /** How often the catalog was loaded from the database, for tests of the refresh rate. */
    long catalogLoads() {
        return catalogLoads.get();
    }

    // --- session and configuration ---

    @Override
    public String startSync(Session session, String externalSystemId) throws EsaException {
        ensureInitialised();
        try (Connection c = database.dataSource().getConnection()) {
            String stored = ConfigStore.externalSystemId(c, state);
            if (stored != null && externalSystemId != null && !stored.equals(externalSystemId.trim())) {
                throw new EsaException(ErrorCode.UNAUTHORIZED, "this ESA is configured for another external system");
            }
            refreshCatalog(c);
            changes.purgeTombstones(c);
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "startSync");
        }
        syncAgain.clear(session.principal());
        if (helper != null) {
            settings.refreshAtStartSync(helper, HOST_SETTINGS_WAIT);
        }
        return PROTOCOL_VERSION;
    }

    @Override
    public void endSync(Session session) {
        // Nothing to finish: every call commits on its own.
    }

    @Override
    public int getAllowedRunModes() {
        // The database cannot start a sync by itself, so no RUN_MODE_EXTERNAL_REQUEST.
        return RUN_MODE_MANUAL | RUN_MODE_SYNC_ACTIONS;
    }

    @Override
    public String configure(String externalSystemId, boolean force) throws EsaException {
        if (externalSystemId == null || externalSystemId.isBlank()) {
            throw new EsaException(ErrorCode.INVALID_VALUE, "configure needs an external system id");
        }
        ensureInitialised();
        try (Connection c = database.dataSource().getConnection()) {
            return ConfigStore.configure(c, dialect, state, externalSystemId.trim(), force);
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "configure");
        }
    }

    @Override
    public List<EsaParameter> getParametersMeta(String locale) {
        return settings.meta();
    }

    @Override
    public boolean needSyncAgain(Session session) throws EsaException {
        ensureInitialised();
        return syncAgain.isRaised(session.principal());
    }

    @Override
    public void release(Session session) throws EsaException {
        syncAgain.clear(session.principal());
        paging.release(session);
    }

    @Override
    public Instant getCurrentTime() throws EsaException {
        ensureInitialised();
        CaptureFence fence = capture.fence();
        if (fence != null) {
            return fence.fence();
        }
        try (Connection c = database.dataSource().getConnection()) {
            return clock.now(c);
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "getCurrentTime");
        }
    }

    // --- catalog ---

    @Override
    public List<ExternalStructure> getStructureList() throws EsaException {
        return refreshCatalog().structures();
    }

    @Override
    public List<ExternalField> getFieldList(String structure, String locale) throws EsaException {
        return table(structure).table().fields();
    }

    @Override
    public List<Relation> getRelations(String structure, String locale) throws EsaException {
        return table(structure).table().relations();
    }

    // --- change capture ---

    @Override
    public boolean getModified(String structure, Instant after, ResultSink sink) throws EsaException, IOException {
        TableSql t = table(structure);
        Instant from = after == null ? Instant.EPOCH : after;
        UnwritableRows.Filter out = unwritable.filter(t.table(), sink);
        try {
            return indexed.serves(t.table()) ? indexed.getModified(t, from, out) : changes.getModified(t, from, out);
        } finally {
            out.finish();
        }
    }

    @Override
    public boolean getDeleted(String structure, Instant after, ResultSink sink) throws EsaException, IOException {
        TableSql t = table(structure);
        UnwritableRows.Filter out = unwritable.filter(t.table(), sink);
        if (t.table().deleteStrategy().kind() == DeleteStrategy.Kind.HELPER) {
            return helperDeletions.getDeleted(t, helper, settings.inlineThreshold(), out);
        }
        Instant from = after == null ? Instant.EPOCH : after;
        return indexed.serves(t.table()) ? indexed.getDeleted(t, from, out) : changes.getDeleted(t, from, out);
    }

    @Override
    public Cursor getModifiedPaged(Session session, String structure, Instant after) throws EsaException {
        return paging.getModifiedPaged(session, table(structure), after == null ? Instant.EPOCH : after);
    }

    @Override
    public Cursor getDeletedPaged(Session session, String structure, Instant after) throws EsaException {
        TableSql t = table(structure);
        if (t.table().deleteStrategy().kind() == DeleteStrategy.Kind.HELPER) {
            throw HelperDeletions.pagedNotSupported(t.table());
        }
        return paging.getDeletedPaged(session, t, after == null ? Instant.EPOCH : after);
    }

    @Override
    public void readDataPage(Session session, String cursorId, long pageIndex, ResultSink sink)
            throws EsaException, IOException {
        paging.readDataPage(session, cursorId, pageIndex, sink);
    }

    @Override
    public void closeCursor(Session session, String cursorId) throws EsaException {
        paging.closeCursor(session, cursorId);
    }

    @Override
    public void leaseSession(Session session) throws EsaException {
        paging.leaseSession(session);
    }

    // --- records ---

    @Override
    public ExternalRecord read(String structure, String id) throws EsaException {
        return reader.read(table(structure), id);
    }

    @Override
    public long countRange(String structure, String minId, String maxId) throws EsaException {
        return reader.countRange(table(structure), minId, maxId);
    }

    @Override
    public ExternalRecord create(Session session, String structure, ExternalRecord record) throws EsaException {
        return noteOthers(session, writer.create(table(structure), record));
    }

    @Override
    public Instant update(Session session, String structure, Instant lastSeen, ExternalRecord record)
            throws EsaException {
        if (lastSeen == null) {
            throw new EsaException(ErrorCode.INVALID_VALUE, "update needs last-seen");
        }
        return noteOthers(session, writer.update(table(structure), lastSeen, record));
    }

    @Override
    public void delete(Session session, String structure, Instant lastSeen, String id) throws EsaException {
        if (lastSeen == null) {
            throw new EsaException(ErrorCode.INVALID_VALUE, "delete needs last-seen");
        }
        noteOthers(session, writer.delete(table(structure), lastSeen, id));
    }

    private <T> T noteOthers(Session session, Written<T> written) {
        if (written.othersChanged()) {
            syncAgain.raise(session.principal());
        }
        return written.value();
    }

    @Override
    public void beforeCall() {
        if (deletions == null || deletions.pending() == 0) {
            return;
        }
        try {
            // Bounded: a host that does not answer delays this call by helper-flush-wait-millis at most, and
            // the reports go on being sent in the background (see DeletionReporter on the order kept).
            deletions.flushWithin(config.helperFlushWait());
        } catch (EsaException e) {
            LOG.warn("{} deletion reports not delivered to the sync host ({}: {}); kept for the next call",
                    deletions.pending(), e.code(), e.getMessage());
        }
    }

    @Override
    public void close() {
        ChangeNotifier n = notifier;
        if (n != null) {
            n.close();
        }
        capture.close();
        if (deletions != null) {
            deletions.close();
        }
        database.close();
    }
}
