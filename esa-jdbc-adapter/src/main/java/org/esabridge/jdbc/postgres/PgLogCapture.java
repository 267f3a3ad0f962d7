package org.esabridge.jdbc.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.mariadb.capture.BinlogPosition;
import org.esabridge.jdbc.mariadb.capture.CaptureFence;
import org.esabridge.jdbc.mariadb.capture.CaptureStats;
import org.esabridge.jdbc.mariadb.capture.ChangeIndex;
import org.esabridge.jdbc.capture.LogCapture;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.cluster.Lease;
import org.esabridge.jdbc.cluster.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL's exact capture on one node: logical decoding with {@code pgoutput} through a replication slot and a
 * publication that esa-bridge creates and names ({@code capture-slot}, {@code capture-publication}), into the same
 * change index as MariaDB's binary log.
 *
 * <p>One reader per database across nodes, through the {@code binlog-capture} lease (renewed every third of its time
 * to live, checked in every write of the index). A follower also watches the slot: when the slot has no walsender
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
    /** The same lease row as MariaDB's reader: the fence's look at the capture's progress reads it by this name. */
    static final String LEASE = "binlog-capture";
    private static final long RETRY_MILLIS = 1000;

    /** PostgreSQL's log capture for {@link org.esabridge.jdbc.dialect.Engine#logCapture()}. */
    static final Support SUPPORT = new Support() {
        @Override
        public List<String> missing(Connection c, JdbcAdapterConfig config) throws SQLException {
            return PgLogSetup.missing(c, PgLogSetup.slotName(c, config.captureSlot()),
                    PgLogSetup.publicationName(config.capturePublication()));
        }

        @Override
        public LogCapture start(Start start) throws SQLException {
            return PgLogCapture.start(start);
        }

        @Override
        public List<String> uninstall(Connection c, JdbcAdapterConfig config) throws SQLException {
            return PgLogSetup.drop(c, PgLogSetup.slotName(c, config.captureSlot()),
                    PgLogSetup.publicationName(config.capturePublication()));
        }
    };

    private final DataSource ds;
    private final PgLogReader.Endpoint endpoint;
    private final String slot;
    private final String publication;
    private final String stateSchema;
    private final String schema;
    private final Lease lease;
    private final Duration ttl;
    private final long heartbeatMillis;
    private final ChangeIndex index;
    private final CaptureFence fence;
    private final PgLogTargets targets;
    private final CaptureStats stats = new CaptureStats();
    private final Map<String, String> uncapturable = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;
    private volatile PgLogReader reader;
    private volatile boolean leader;
    private volatile boolean halted;
    private final SlotLag slotLag = new SlotLag();
    private final PgLogJoins joins;
    private int inactiveLooks;

    private PgLogCapture(Support.Start s, String slot) {
        JdbcAdapterConfig config = s.config();
        this.ds = s.capturePool();
        this.endpoint = new PgLogReader.Endpoint(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword());
        this.slot = slot;
        this.publication = PgLogSetup.publicationName(config.capturePublication());
        this.stateSchema = s.state().schema().orElseThrow();
        this.schema = s.schema();
        this.ttl = config.captureLease();
        this.heartbeatMillis = config.captureHeartbeat().toMillis();
        this.lease = new Lease(ds, s.state().dialect(), s.state(), LEASE, NodeId.next(LEASE), ttl);
        this.index = new ChangeIndex(lease, s.state(), this::slotHead);
        this.fence = new CaptureFence(s.callPool(), s.state().dialect(), s.state(), config.captureFenceTimeout(),
                ttl);
        this.targets = new PgLogTargets(ds, s.state().dialect(), stateSchema, schema, s.tables(), uncapturable);
        this.joins = new PgLogJoins(publication, schema, s.state());
        this.thread = new Thread(this::lead, "esa-pglog-capture");
        this.thread.setDaemon(true);
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
            // begins, sees them all.
            capture.ensureSlot(c);
        }
        capture.index.loadOrStart(c);
        capture.thread.start();
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

    @Override
    public void check(Connection c, List<Table> served) throws SQLException {
        check(c, served, false);
    }

    /**
     * Finds the served tables the log captures: in the publication (added there before the index starts, or joining
     * it later through {@link PgLogJoins}, polled meanwhile) and with a replica identity that carries its id.
     */
    private void check(Connection c, List<Table> served, boolean beforeIndex) throws SQLException {
        Set<String> published = PgLogSetup.published(c, publication, schema);
        for (Table t : served) {
            String problem = PgLogSetup.identityProblem(c, schema, t);
            if (problem == null && !published.contains(t.name())) {
                if (beforeIndex) {
                    try {
                        PgLogSetup.publish(c, publication, schema, t.name());
                    } catch (SQLException e) {
                        problem = "could not be added to publication " + publication + " (" + e.getMessage()
                                + "; the account must own the table)";
                    }
                } else {
                    problem = join(c, t);
                }
            }
            if (problem == null) {
                uncapturable.remove(t.name());
            } else if (!problem.equals(uncapturable.put(t.name(), problem))) {
                LOG.warn("log capture: {} is served by its triggers (polling): {}", t.name(), problem);
            }
        }
    }

    /** Adds a table served after the start to the publication ({@link PgLogJoins}); the problem, or null. */
    private String join(Connection c, Table t) {
        try {
            joins.join(c, t.name());
            return null;
        } catch (SQLException e) {
            return "could not be added to publication " + publication + " (" + e.getMessage()
                    + "; the account must own the table)";
        }
    }

    /**
     * Keeps the publication on the served tables at every catalog reload: a table created, recreated or renamed in
     * since (a dropped table leaves the publication with its old self) joins it, and joining tables move on.
     */
    @Override
    public void refresh(Connection c, List<Table> served) throws SQLException {
        Set<String> published = PgLogSetup.published(c, publication, schema);
        for (Table t : served) {
            if (!published.contains(t.name()) && !uncapturable.containsKey(t.name()) && !joins.contains(t.name())) {
                String problem = join(c, t);
                if (problem != null && !problem.equals(uncapturable.put(t.name(), problem))) {
                    LOG.warn("log capture: {} is served by its triggers (polling): {}", t.name(), problem);
                }
            }
        }
        joins.advance(c);
    }

    @Override
    public Map<String, String> uncapturable() {
        Map<String, String> all = new java.util.TreeMap<>(uncapturable);
        for (String t : joins.tables()) {
            all.putIfAbsent(t, "joining publication " + publication + " (served after log capture started): polled until"
                    + " the log holds every change of it");
        }
        return Map.copyOf(all);
    }

    private void lead() {
        while (closing.getCount() > 0) {
            if (!acquire()) {
                leader = false;
                slotLag.clear();
                await(Math.min(1000, ttl.toMillis() / 3));
                continue;
            }
            if (!leader) {
                LOG.info("log capture: this node now reads slot {} of {}", slot, schema);
            }
            leader = true;
            PgLogReader.Outcome outcome = readOnce();
            if (outcome == PgLogReader.Outcome.LOST_LEADERSHIP) {
                leader = false;
                slotLag.clear();
            } else if (outcome == PgLogReader.Outcome.FAILED) {
                await(RETRY_MILLIS);
            }
        }
        leader = false;
        if (halted) {
            return;
        }
        try {
            lease.release();
        } catch (SQLException e) {
            LOG.debug("capture lease not released ({}); it expires by itself", e.getMessage());
        }
    }

    /**
     * Takes the lease if it is free or ours; else takes it over when the holder evidently reads nothing: the slot
     * has had no walsender at two looks in a row.
     */
    private boolean acquire() {
        try (Connection c = ds.getConnection()) {
            if (lease.tryAcquire(c)) {
                inactiveLooks = 0;
                return true;
            }
            PgLogSetup.Slot s = PgLogSetup.slot(c, slot);
            inactiveLooks = s != null && !s.active() ? inactiveLooks + 1 : 0;
            if (inactiveLooks >= 2) {
                String holder = lease.currentHolder(c);
                if (holder != null && lease.takeOver(c, holder)) {
                    LOG.warn("log capture: slot {} has no reader while {} holds the lease; this node takes over", slot,
                            holder);
                    inactiveLooks = 0;
                    return true;
                }
            }
            return false;
        } catch (SQLException e) {
            LOG.debug("capture lease not taken: {}", e.getMessage());
            return false;
        }
    }

    private PgLogReader.Outcome readOnce() {
        ChangeIndex.State start;
        try (Connection c = ds.getConnection()) {
            start = index.loadOrStart(c);
            if (ensureSlot(c)) {
                start = index.recordGap(c, start);
                stats.gap();
                LOG.warn("log capture: GAP - replication slot {} was gone (dropped, or invalidated by"
                        + " max_slot_wal_keep_size); made afresh. Changes in between are not in the index: getModified"
                        + " for an earlier 'after' reads whole tables, getDeleted answers NOT_SUPPORTED", slot);
            }
        } catch (SQLException | ChangeIndex.LostLeadershipException e) {
            LOG.warn("log capture: cannot start reading: {}", e.getMessage());
            return PgLogReader.Outcome.FAILED;
        }
        PgLogReader r = new PgLogReader(endpoint, targets, slot, publication, ds, index, start, fence::reached, stats,
                heartbeatMillis);
        reader = r;
        PgLogReader.Outcome[] outcome = {PgLogReader.Outcome.FAILED};
        Thread t = new Thread(() -> outcome[0] = r.run(), "esa-pglog-reader");
        t.setDaemon(true);
        t.start();
        long silentLimit = Math.max(10_000, 3 * heartbeatMillis);
        try {
            while (t.isAlive()) {
                t.join(Math.max(100, Math.min(1000, ttl.toMillis() / 3)));
                measureLag();
                if (closing.getCount() == 0 || r.ended()) {
                    r.abort();
                } else if (t.isAlive() && !lease.tryAcquire()) {
                    LOG.warn("log capture: the lease was lost; this node stops reading");
                    r.abort();
                    t.join();
                    return PgLogReader.Outcome.LOST_LEADERSHIP;
                } else if (r.silentMillis() > silentLimit) {
                    LOG.warn("log capture: nothing from the server for {} ms (not even the heartbeat); reconnecting",
                            r.silentMillis());
                    r.abort();
                    t.join();
                    return PgLogReader.Outcome.FAILED;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.abort();
            return PgLogReader.Outcome.CLOSED;
        } catch (SQLException e) {
            LOG.warn("log capture: the lease could not be renewed ({}); this node stops reading", e.getMessage());
            r.abort();
            return PgLogReader.Outcome.FAILED;
        } finally {
            reader = null;
        }
        if (outcome[0] == PgLogReader.Outcome.FAILED) {
            LOG.warn("log capture: the reader stopped ({}); starting again from the stored position", r.failure());
        } else if (outcome[0] == PgLogReader.Outcome.LOST_LEADERSHIP) {
            LOG.warn("log capture: {}; this node stops reading", r.failure());
        }
        return outcome[0];
    }

    private void measureLag() {
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

    private void await(long millis) {
        try {
            closing.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- CaptureStatus ---

    @Override
    public boolean leader() {
        return leader;
    }

    /**
     * The older of the reader's lag (a transaction read, not yet indexed) and the slot's ({@link SlotLag}: WAL the
     * slot has not confirmed, received or not).
     */
    @Override
    public double lagSeconds() {
        if (!leader) {
            return 0;
        }
        PgLogReader r = reader;
        return Math.max(r == null ? 0 : r.lagSeconds(), slotLag.seconds(System.currentTimeMillis()));
    }

    @Override
    public long lagEvents() {
        PgLogReader r = reader;
        return r == null ? 0 : r.lagEvents();
    }

    @Override
    public long lagBytes() {
        return leader ? slotLag.bytes() : 0;
    }

    @Override
    public long eventsRead() {
        return stats.eventsRead();
    }

    @Override
    public long entriesWritten() {
        return stats.entriesWritten();
    }

    @Override
    public long gaps() {
        return stats.gaps();
    }

    @Override
    public boolean healthy(int maxLagSeconds) {
        if (!leader) {
            return true;
        }
        PgLogReader r = reader;
        return r != null && lagSeconds() <= maxLagSeconds && r.silentMillis() <= Math.max(10_000, 3 * heartbeatMillis);
    }

    /** Stops as a node that dies does: the walsender's connection closes, the lease is left behind. */
    void halt() {
        halted = true;
        close();
    }

    @Override
    public void close() {
        closing.countDown();
        PgLogReader r = reader;
        if (r != null) {
            r.abort();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
