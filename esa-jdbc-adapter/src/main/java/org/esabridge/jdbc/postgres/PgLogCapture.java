package org.esabridge.jdbc.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.capture.BinlogPosition;
import org.esabridge.jdbc.capture.CaptureFence;
import org.esabridge.jdbc.capture.CaptureLeadership;
import org.esabridge.jdbc.capture.CaptureStatus;
import org.esabridge.jdbc.capture.ChangeIndex;
import org.esabridge.jdbc.capture.LogCapture;
import org.esabridge.jdbc.capture.TablesByReason;
import org.esabridge.jdbc.capture.WrittenThrough;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.cluster.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL's exact capture on one node: logical decoding with {@code pgoutput} through a replication slot and a
 * publication that esa-bridge creates and names ({@code capture-slot}, {@code capture-publication}), into the same
 * change index as MariaDB's binary log.
 *
 * <p>One reader per database across nodes ({@link CaptureLeadership}: the {@code binlog-capture} lease, renewed every
 * third of its time to live, checked in every write of the index). A follower also watches the slot: when the slot has no walsender
 * ({@code pg_replication_slots.active} false) at two looks in a row while another node holds the lease, that node
 * is not reading (its process died and its connection with it), and the follower takes the lease over at once
 * instead of waiting for it to expire. A leader that was only between two connections loses nothing by that: its
 * next write finds the lease gone and it stops; the index's position check keeps the two from ever both writing.
 *
 * <p>The slot is the server's record of how far a reader confirmed; the index's stored position (the LSN after the
 * last transaction written, in {@code esa_capture.binlog_pos}) is ours. A reader starts from the stored position;
 * the server resumes from the later of the two, and transactions committed before the stored position are skipped,
 * so none is applied twice or missed. A slot that is gone (dropped, or invalidated by
 * {@code max_slot_wal_keep_size}) is made afresh and recorded as a gap.
 */
public final class PgLogCapture implements LogCapture {
    private static final Logger LOG = LoggerFactory.getLogger(PgLogCapture.class);

    /** PostgreSQL's log capture for {@link org.esabridge.jdbc.dialect.Engine#logCapture()}. */
    static final Support SUPPORT = new Support() {
        @Override
        public String logName() {
            return "the write-ahead log";
        }

        @Override
        public List<String> missing(Connection c, JdbcAdapterConfig config, Server server) throws SQLException {
            return PgLogSetup.missing(c, PgLogSetup.slotName(c, config.captureSlot()),
                    PgLogSetup.publicationName(config.capturePublication()));
        }

        @Override
        public LogCapture start(Start start) throws SQLException {
            return PgLogCapture.start(start);
        }

        @Override
        public List<String> uninstall(Connect connect, JdbcAdapterConfig config) throws SQLException {
            try (Connection c = connect.open()) {
                return PgLogSetup.drop(c, PgLogSetup.slotName(c, config.captureSlot()),
                        PgLogSetup.publicationName(config.capturePublication()));
            }
        }
    };

    private final DataSource ds;
    private final PgLogReader.Endpoint endpoint;
    private final String slot;
    private final String publication;
    private final String stateSchema;
    private final String schema;
    private final long heartbeatMillis;
    private final CaptureLeadership<PgLogReader> leadership;
    private final ChangeIndex index;
    private final CaptureFence fence;
    /** How far this node's reader has written, for the fence by the WAL's position ({@link WalHead}). */
    private final WrittenThrough through;
    private final PgLogTargets targets;
    private final Map<String, String> uncapturable = new ConcurrentHashMap<>();
    /** Served tables the account could not add to the publication, with the cause. */
    private final Map<String, String> unpublished = new ConcurrentHashMap<>();
    /** Tables a {@link #check} after the start found polled, warned of by the {@link #refresh} that follows it. */
    private final Map<String, String> unwarned = new LinkedHashMap<>();
    /** Served tables that are unlogged: polled until they are set logged. */
    private final Set<String> unlogged = ConcurrentHashMap.newKeySet();
    /** The account's name as SQL spells it, for remedies; read when first needed. */
    private volatile String account;
    private final SlotLag slotLag = new SlotLag();
    private final PgLogJoins joins;
    /** Looks in a row at which the slot had no walsender while another node held the lease (the capture thread's). */
    private int inactiveLooks;

    private PgLogCapture(Support.Start s, String slot) {
        JdbcAdapterConfig config = s.config();
        this.ds = s.capturePool();
        this.endpoint = new PgLogReader.Endpoint(s.server().jdbcUrl(), s.server().user(), s.server().password());
        this.slot = slot;
        this.publication = PgLogSetup.publicationName(config.capturePublication());
        this.stateSchema = s.state().schema().orElseThrow();
        this.schema = s.schema();
        this.heartbeatMillis = config.captureHeartbeat().toMillis();
        long ttl = config.captureLease().toMillis();
        // Followers look every second; the leader every third of the lease (at most a second, measuring the slot's
        // lag); a reader that heard nothing, not even the heartbeat, for three heartbeats (at least 10 s) is replaced.
        CaptureLeadership.Timing timing = new CaptureLeadership.Timing(1000, Math.max(100, Math.min(1000, ttl / 3)),
                Math.max(10_000, 3 * heartbeatMillis));
        this.leadership = new CaptureLeadership<>("log capture", "esa-pglog", ds, s.state(), config.captureLease(),
                timing, new Reading());
        this.index = new ChangeIndex(leadership.lease(), s.state(), this::slotHead);
        WalHead head = new WalHead(slot, s.state().dialect().now());
        this.through = new WrittenThrough(head);
        this.fence = new CaptureFence(s.callPool(), s.state().dialect(), s.state(), config.captureFenceTimeout(),
                config.captureLease(), head, through);
        this.targets = new PgLogTargets(ds, s.state().dialect(), stateSchema, schema, s.tables(),
                t -> uncapturable.containsKey(t) && !unpublished.containsKey(t));
        this.joins = new PgLogJoins(publication, schema, s.state());
    }

    static PgLogCapture start(Support.Start s) throws SQLException {
        try (Connection c = s.capturePool().getConnection()) {
            return start(s, c);
        }
    }

    private static PgLogCapture start(Support.Start s, Connection c) throws SQLException {
        PgLogCapture capture = new PgLogCapture(s, PgLogSetup.slotName(c, s.config().captureSlot()));
        PgLogSetup.ensurePublication(c, capture.publication, capture.stateSchema);
        boolean first = capture.index.load(c) == null;
        capture.check(c, s.served(), first);
        if (first) {
            // The tables are in the publication before the slot exists: the slot's consistent point, where the index
            // begins, sees them all; their marks say so to every later start.
            Set<String> published = PgLogSetup.published(c, capture.publication, capture.schema);
            capture.joins.markFromTheStart(c, s.served().stream().map(Table::name)
                    .filter(t -> published.contains(t) && !capture.uncapturable.containsKey(t)).toList());
            capture.ensureSlot(c);
        }
        capture.index.loadOrStart(c);
        capture.leadership.start();
        return capture;
    }

    /** The log's position a fresh index starts from: the slot's confirmed LSN. */
    private BinlogPosition slotHead(Connection c) throws SQLException {
        PgLogSetup.Slot s = PgLogSetup.slot(c, slot);
        long lsn = s == null ? PgLogSetup.createSlot(c, slot) : s.confirmedLsn();
        return new BinlogPosition("", null, lsn);
    }

    /** Makes the slot if there is none; true when it was made. */
    private boolean ensureSlot(Connection c) throws SQLException {
        PgLogSetup.Slot s = PgLogSetup.slot(c, slot);
        if (s != null && !"lost".equals(s.walStatus())) {
            return false;
        }
        if (s != null) {
            PgLogSetup.drop(c, slot, "");
        }
        PgLogSetup.createSlot(c, slot);
        return true;
    }

    @Override
    public CaptureFence fence() {
        return fence;
    }

    /** Its warning goes out with the {@link #refresh} that follows it at the same reload: one for the reload. */
    @Override
    public synchronized void check(Connection c, List<Table> served) throws SQLException {
        check(c, served, false);
    }

    /**
     * Finds the served tables the log captures: in the publication (added there before the index starts, or joining
     * it later through {@link PgLogJoins}, polled meanwhile — also a table found there without a mark of when it
     * joined, added by hand) and with a replica identity that carries its id.
     */
    private void check(Connection c, List<Table> served, boolean beforeIndex) throws SQLException {
        Set<String> published = PgLogSetup.published(c, publication, schema);
        Map<String, String> polled = new LinkedHashMap<>();
        for (Table t : served) {
            String problem = ownProblem(c, t);
            if (problem == null && !published.contains(t.name())) {
                if (beforeIndex) {
                    try {
                        PgLogSetup.publish(c, publication, schema, t.name());
                    } catch (SQLException e) {
                        problem = unpublishable(c, t, e);
                    }
                } else {
                    problem = join(c, t);
                }
            } else if (problem == null && !beforeIndex && !joins.contains(t.name()) && !joins.marked(c, t.name())) {
                joins.joinPublished(c, t.name());
            }
            settle(t.name(), problem, polled);
        }
        if (beforeIndex) {
            warnPolled(polled);
        } else {
            unwarned.putAll(polled);
        }
    }

    /**
     * What keeps the table itself from the log, with the remedy, or null: unlogged, or a replica identity that does
     * not carry its id. The start and every reload ask this of each table they consider for the publication.
     */
    private String ownProblem(Connection c, Table t) throws SQLException {
        String problem = unloggedProblem(c, t.name());
        return problem != null ? problem : PgLogSetup.identityProblem(c, schema, t);
    }

    /** Records the table's problem (null: captured, or joining); a new or changed one goes into {@code polled}. */
    private void settle(String table, String problem, Map<String, String> polled) {
        if (problem == null) {
            uncapturable.remove(table);
            unpublished.remove(table);
        } else if (!problem.equals(uncapturable.put(table, problem))) {
            polled.put(table, problem);
        }
    }

    /** One warning for the tables newly polled, each reason once (as the start line names them). */
    private static void warnPolled(Map<String, String> polled) {
        if (!polled.isEmpty()) {
            LOG.warn("log capture: served by their triggers (polling) instead: {}",
                    TablesByReason.of(new TreeMap<>(polled), PostgresDialect::quoteIdent, Integer.MAX_VALUE));
        }
    }

    /**
     * Why an unlogged table is polled, with the remedy, or null when the table is logged: its changes never reach the
     * write-ahead log, so the publication cannot take it (whoever owns it), and its triggers capture it instead.
     */
    private String unloggedProblem(Connection c, String table) throws SQLException {
        List<String> parts = PgLogSetup.unlogged(c, schema, table);
        if (parts.isEmpty()) {
            unlogged.remove(table);
            return null;
        }
        unlogged.add(table);
        if (parts.equals(List.of(table))) {
            return "unlogged, so not in the write-ahead log (to read it from the log: ALTER TABLE "
                    + PostgresDialect.quoteIdent(table) + " SET LOGGED; it joins the log capture at the next catalog"
                    + " reload (startSync))";
        }
        return "unlogged partitions " + parts + ", not in the write-ahead log (to read it from the log: ALTER TABLE"
                + " <partition> SET LOGGED on each; it joins the log capture at the next catalog reload (startSync))";
    }

    /** Adds a table served after the start to the publication ({@link PgLogJoins}); the problem, or null. */
    private String join(Connection c, Table t) throws SQLException {
        try {
            joins.join(c, t.name());
            return null;
        } catch (SQLException e) {
            return unpublishable(c, t, e);
        }
    }

    /**
     * Why the table could not be added to the publication, with the remedy (PostgreSQL lets only the owner of both
     * the table and the publication add it); remembered for {@link #unservedReason}.
     */
    private String unpublishable(Connection c, Table t, SQLException e) throws SQLException {
        String cause = PgLogSetup.owns(c, schema, t.name()) ? "the account may not add it (" + oneLine(e.getMessage())
                + ")" : "the account does not own it";
        String problem = "not in publication " + publication + ": " + cause + " (remedy: " + remedy(c, t.name()) + ")";
        unpublished.put(t.name(), cause);
        return problem;
    }

    /** PostgreSQL's message with its DETAIL and HINT lines, on one line: it goes into the start line and the log's. */
    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** Either way of publishing a table; {@link #refresh} notices both. */
    private String remedy(Connection c, String table) throws SQLException {
        if (account == null) {
            account = PgLogSetup.quotedCurrentUser(c);
        }
        return "ALTER TABLE " + PostgresDialect.quoteIdent(table) + " OWNER TO " + account + ", or ALTER PUBLICATION "
                + PostgresDialect.quoteIdent(publication) + " ADD TABLE " + PostgresDialect.quoteIdent(table)
                + " as its owner; it joins the log capture at the next catalog reload (startSync)";
    }

    /**
     * Keeps the publication on the served tables at every catalog reload: a table created, recreated or renamed in
     * since (a dropped table leaves the publication with its old self) joins it, so does one the account could not add
     * and has come to own, or that someone added by hand; and joining tables move on. Each unpublished table is checked
     * as at the start ({@link #ownProblem}): one still unlogged, or whose replica identity still lacks its id, stays
     * polled; one remedied since joins.
     */
    @Override
    public synchronized void refresh(Connection c, List<Table> served) throws SQLException {
        Set<String> published = PgLogSetup.published(c, publication, schema);
        Map<String, String> polled = new LinkedHashMap<>(unwarned);
        unwarned.clear();
        for (Table t : served) {
            String name = t.name();
            if (joins.contains(name)) {
                continue;
            }
            if (published.contains(name)) {
                if (unpublished.containsKey(name)) {
                    // Published by hand since: its changes are indexed from then on (PgLogTargets), so it joins like
                    // one published here. Joining first, then no longer uncapturable: polled without a break.
                    joins.joinPublished(c, name);
                    uncapturable.remove(name);
                    unpublished.remove(name);
                } else if (uncapturable.containsKey(name)) {
                    // Published, polled for its replica identity (its changes are not indexed): remedied since, it
                    // joins as one published by hand.
                    String problem = ownProblem(c, t);
                    if (problem == null) {
                        joins.joinPublished(c, name);
                    }
                    settle(name, problem, polled);
                }
                continue;
            }
            if (unpublished.containsKey(name) && !PgLogSetup.owns(c, schema, name)) {
                continue; // still not the account's to publish: the reason stands
            }
            // A table created or recreated since, one polled for its own state (unlogged, its replica identity) that
            // may have been remedied, or one the account has come to own: checked as the start checks it.
            String problem = ownProblem(c, t);
            if (problem == null) {
                problem = join(c, t);
            }
            settle(name, problem, polled);
        }
        warnPolled(polled);
        joins.advance(c);
    }

    @Override
    public Map<String, String> uncapturable() {
        Map<String, String> all = new TreeMap<>(uncapturable);
        for (String t : joins.tables()) {
            all.putIfAbsent(t, "joining the log capture (publication " + publication + "): polled until the change index"
                    + " holds every change of it");
        }
        return Map.copyOf(all);
    }

    /**
     * A table without a modification column is served only from the change index: while it joins, or when the account
     * could not add it to the publication, it is not served, and the reason says which, with the remedy.
     */
    @Override
    public String unservedReason(String table) {
        if (joins.contains(table)) {
            return "no modification column, joining the log capture (publication " + publication + ") - served once the"
                    + " change index holds every change of it, usually within seconds";
        }
        if (unlogged.contains(table)) {
            return "no modification column, and unlogged (not in the write-ahead log) - ALTER TABLE <table> SET LOGGED"
                    + " (served from the next catalog reload on, once it joined the log capture); or add a modification"
                    + " column, or set structure.<table>.change-tracking=version-table";
        }
        String cause = unpublished.get(table);
        if (cause == null) {
            return null;
        }
        return "no modification column, and not in publication " + publication + " since " + cause + " - ALTER TABLE"
                + " <table> OWNER TO " + account + ", or ALTER PUBLICATION " + PostgresDialect.quoteIdent(publication)
                + " ADD TABLE <table> as its owner (served from the next catalog reload on, once it joined the log"
                + " capture); or add a modification column, or set"
                + " structure.<table>.change-tracking=version-table";
    }

    @Override
    public CaptureStatus status() {
        return leadership;
    }

    @Override
    public long lagBytes() {
        return leadership.leader() ? slotLag.bytes() : 0;
    }

    /**
     * The older of the reader's lag (a transaction read, not yet indexed) and the slot's ({@link SlotLag}: WAL the
     * slot has not confirmed, received or not).
     */
    @Override
    public double lagSeconds() {
        if (!leadership.leader()) {
            return 0;
        }
        return Math.max(leadership.lagSeconds(), slotLag.seconds(System.currentTimeMillis()));
    }

    /** A leader's lag counts the slot's ({@link #lagSeconds}); the rest is the leadership's. */
    @Override
    public boolean healthy(int maxLagSeconds) {
        return leadership.healthy(maxLagSeconds) && lagSeconds() <= maxLagSeconds;
    }

    /** The slot's part in leading: a reader per turn (the slot made afresh as a gap), a dead holder seen by its slot. */
    private final class Reading implements CaptureLeadership.Log<PgLogReader> {
        @Override
        public String source() {
            return "slot " + slot + " of " + schema;
        }

        @Override
        public PgLogReader open(Connection c) throws SQLException, ChangeIndex.LostLeadershipException {
            inactiveLooks = 0;
            slotLag.clear(); // looks taken under an earlier leadership say nothing of this reader's slot
            ChangeIndex.State start = index.loadOrStart(c);
            if (ensureSlot(c)) {
                start = index.recordGap(c, start);
                leadership.stats().gap();
                LOG.warn("log capture: GAP - replication slot {} was gone (dropped, or invalidated by"
                        + " max_slot_wal_keep_size); made afresh. Changes in between are not in the index: getModified"
                        + " for an earlier 'after' reads whole tables, getDeleted answers NOT_SUPPORTED", slot);
            }
            return new PgLogReader(endpoint, targets, slot, publication, ds, index, start, fence::reached,
                    leadership.stats(), heartbeatMillis, through);
        }

        /** The holder evidently reads nothing: the slot has had no walsender at two looks in a row. */
        @Override
        public boolean takeOver(Connection c, Lease lease) throws SQLException {
            PgLogSetup.Slot s = PgLogSetup.slot(c, slot);
            inactiveLooks = s != null && !s.active() ? inactiveLooks + 1 : 0;
            if (inactiveLooks < 2) {
                return false;
            }
            String holder = lease.currentHolder(c);
            if (holder == null || !lease.takeOver(c, holder)) {
                return false;
            }
            LOG.warn("log capture: slot {} has no reader while {} holds the lease; this node takes over", slot, holder);
            inactiveLooks = 0;
            return true;
        }

        @Override
        public void look(PgLogReader r) {
            try (Connection c = ds.getConnection()) {
                long[] positions = PgLogSetup.positions(c, slot);
                if (positions != null) {
                    slotLag.look(System.currentTimeMillis(), positions[0], positions[1]);
                }
                joins.advance(c);
            } catch (SQLException e) {
                LOG.debug("slot lag not measured: {}", e.getMessage());
            }
        }
    }

    /** Stops as a node that dies does: the walsender's connection closes, the lease is left behind. */
    void halt() {
        leadership.halt();
    }

    @Override
    public void close() {
        leadership.close();
    }
}
