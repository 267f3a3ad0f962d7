package org.esabridge.jdbc.mariadb.capture;

import org.esabridge.jdbc.capture.CaptureStatus;
import org.esabridge.jdbc.capture.LogCapture;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.cluster.Lease;
import org.esabridge.jdbc.cluster.NodeId;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binlog change capture on one node: exactly one reader per database across all nodes, through the
 * {@code binlog-capture} lease. The leader runs a {@link BinlogReader}, renews the lease every third of its time to
 * live, checks it in every write, and names its replication connection in the lease ({@link Lease#watch}). The
 * others look every {@value #FOLLOW_MILLIS} ms: they take the lease over as soon as that connection is gone from the
 * server (the leader's process died or its connection was killed; seen with the same account or the PROCESS
 * privilege), else when the lease expires, and read on from the position stored with the last batch. A reader that
 * fails is replaced by a new one from the stored position (this node no longer claims to lead meanwhile); a
 * position the server no longer has is recorded as a gap ({@link ChangeIndex#recordGap}), counted and logged.
 */
public final class BinlogCapture implements LogCapture {
    private static final Logger LOG = LoggerFactory.getLogger(BinlogCapture.class);

    /** The catalog as the reader sees it: the served table of that name, or null. */
    @FunctionalInterface
    public interface Tables {
        Table find(String name);
    }

    static final String LEASE = "binlog-capture";
    /** A connection silent for this long (heartbeats come every second) is taken for dead. */
    private static final long SILENT_MILLIS = 10_000;
    private static final long RETRY_MILLIS = 1000;
    /** How often a node that does not lead looks whether it should (at most; a third of a short lease). */
    static final long FOLLOW_MILLIS = 500;
    /** How often the leader looks at its reader (the lease is renewed every third of its time to live). */
    private static final long WATCH_MILLIS = 100;
    private final DataSource ds;
    private final BinlogEndpoint endpoint;
    private final String schema;
    private final Lease lease;
    private final Duration ttl;
    private final ChangeIndex index;
    private final TableTargets targets;
    private final CaptureFence fence;
    private final CaptureStats stats = new CaptureStats();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;
    private volatile BinlogReader reader;
    private volatile boolean leader;
    /** Stopped as if the node had died: the lease is left to expire (tests of the takeover). */
    private volatile boolean halted;

    private BinlogCapture(DataSource ds, DataSource callPool, Dialect dialect, StateTables state, BinlogEndpoint endpoint,
                          String schema, boolean namesFolded, BinlogCapture.Tables tables, Duration leaseTtl,
                          Duration fenceTimeout) {
        this.ds = ds;
        this.endpoint = endpoint;
        this.schema = schema;
        this.ttl = leaseTtl;
        this.lease = new Lease(ds, dialect, state, LEASE, NodeId.next(LEASE), leaseTtl);
        this.index = new ChangeIndex(lease, state);
        this.targets = new TableTargets(ds, tables, schema, state, namesFolded);
        this.fence = new CaptureFence(callPool, dialect, state, fenceTimeout, leaseTtl);
        this.thread = new Thread(this::lead, "esa-binlog-capture");
        this.thread.setDaemon(true);
    }

    /**
     * Starts capturing in the background (leading or waiting to lead).
     *
     * @param ds       the capture's own connections (the reader holds one while it runs)
     * @param callPool the calls' connections, for getCurrentTime's fence
     * @param schema  the adapter's schema: only its tables' row events are read
     * @param served  the tables served at start, checked for ids the log can spell
     * @param tables  the catalog, asked at each table map
     */
    public static BinlogCapture start(DataSource ds, DataSource callPool, Dialect dialect, StateTables state,
                                      BinlogEndpoint endpoint, String schema, List<Table> served,
                                      BinlogCapture.Tables tables, Duration leaseTtl, Duration fenceTimeout)
            throws SQLException {
        boolean namesFolded;
        try (Connection c = ds.getConnection(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT @@lower_case_table_names")) {
            namesFolded = rs.next() && rs.getInt(1) != 0;
        }
        BinlogCapture capture = new BinlogCapture(ds, callPool, dialect, state, endpoint, schema, namesFolded, tables,
                leaseTtl, fenceTimeout);
        try (Connection c = ds.getConnection()) {
            capture.targets.check(c, served);
            // The first start's position is taken here, not by the reader thread: a fence set once start returns
            // is then surely after it (INSERT IGNORE: whichever node starts first fixes it).
            capture.index.loadOrStart(c);
        }
        capture.thread.start();
        return capture;
    }

    /** getCurrentTime's fence. */
    public CaptureFence fence() {
        return fence;
    }

    /**
     * Checks tables served after the start (a catalog refresh) against what the log can spell, so that every node,
     * not only the reader's, knows at once which tables need polling ({@link #uncapturable()}).
     */
    public void check(Connection c, List<Table> served) throws SQLException {
        targets.check(c, served);
    }

    /** Served tables whose ids the binary log cannot spell, with the reason: they need polling. */
    public Map<String, String> uncapturable() {
        return targets.uncapturable();
    }

    private void lead() {
        while (closing.getCount() > 0) {
            if (!acquire()) {
                leader = false;
                await(Math.min(FOLLOW_MILLIS, ttl.toMillis() / 3));
                continue;
            }
            if (!leader) {
                LOG.info("binlog capture: this node now reads the binary log of {}", schema);
            }
            leader = true;
            BinlogReader.Outcome outcome = readOnce();
            if (outcome == BinlogReader.Outcome.LOST_LEADERSHIP) {
                leader = false;
            } else if (outcome == BinlogReader.Outcome.FAILED) {
                // Not reading: another node may take over meanwhile (its watched connection is gone).
                leader = false;
                await(RETRY_MILLIS);
            }
        }
        leader = false;
        if (halted || jvmShuttingDown()) {
            return; // at JVM exit the server may be gone already; the lease expires by itself
        }
        try {
            lease.release();
        } catch (SQLException e) {
            LOG.debug("capture lease not released ({}); it expires by itself", e.getMessage());
        }
    }

    /** Takes (or renews) the lease when it is free, expired or ours, or when its holder's connection is gone. */
    private boolean acquire() {
        try (Connection c = ds.getConnection()) {
            if (lease.tryAcquire(c)) {
                return true;
            }
            if (lease.takeOverIfHolderGone(c)) {
                LOG.info("binlog capture: the reading node's replication connection is gone; taking over");
                return true;
            }
            return false;
        } catch (SQLException e) {
            LOG.debug("capture lease not taken: {}", e.getMessage());
            return false;
        }
    }

    /**
     * Renews the lease: false when another node has it. A renewal that failed or lost a race (a lock wait behind the
     * reader's own flush, which renews the lease in its last moment before its commit) while the lease is still ours
     * by the stored row is not a loss; lost for real, the next flush finds out ({@link Lease#stillHeld}) and stops the
     * reader.
     */
    private boolean renew() {
        try (Connection c = ds.getConnection()) {
            return lease.tryAcquire(c) || lease.holderId().equals(lease.currentHolder(c));
        } catch (SQLException e) {
            LOG.debug("capture lease not renewed this time: {}", e.getMessage());
            return true;
        }
    }

    /** Names the reader's replication connection in the lease, so that its end is seen by the other nodes. */
    private void watch(long connectionId) {
        try (Connection c = ds.getConnection()) {
            if (!lease.watch(c, connectionId)) {
                LOG.debug("binlog capture: replication connection {} is not visible to this node's own connections;"
                        + " another node takes over only when the lease expires", connectionId);
            }
        } catch (SQLException e) {
            LOG.debug("binlog capture: replication connection not named in the lease: {}", e.getMessage());
        }
    }

    /** One reader from the stored position until it ends; renews the lease meanwhile. */
    private BinlogReader.Outcome readOnce() {
        ChangeIndex.State start;
        try (Connection c = ds.getConnection()) {
            start = index.loadOrStart(c);
        } catch (SQLException e) {
            LOG.warn("binlog capture: cannot read its position: {}", e.getMessage());
            return BinlogReader.Outcome.FAILED;
        }
        BinlogReader r = new BinlogReader(endpoint, schema, ds, index, start, targets, fence::reached, stats);
        reader = r;
        BinlogReader.Outcome[] outcome = {BinlogReader.Outcome.FAILED};
        Thread t = new Thread(() -> outcome[0] = r.run(), "esa-binlog-reader");
        t.setDaemon(true);
        t.start();
        long renewNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(100, ttl.toMillis() / 3));
        long renewedAt = System.nanoTime();
        long watched = 0;
        try {
            while (t.isAlive()) {
                t.join(WATCH_MILLIS);
                if (closing.getCount() == 0 || r.ended()) {
                    // Closing, or the reader's writer stopped it: make sure its connection is gone too.
                    r.close();
                    continue;
                }
                if (!t.isAlive()) {
                    break;
                }
                long connection = r.connectionId();
                if (connection != 0 && connection != watched) {
                    watched = connection;
                    watch(connection);
                }
                if (System.nanoTime() - renewedAt < renewNanos) {
                    continue;
                }
                renewedAt = System.nanoTime();
                if (!renew()) {
                    LOG.warn("binlog capture: the lease was lost; this node stops reading");
                    r.close();
                    t.join();
                    return BinlogReader.Outcome.LOST_LEADERSHIP;
                } else if (r.silentMillis() > SILENT_MILLIS) {
                    LOG.warn("binlog capture: no word from the server for {} ms; reconnecting", r.silentMillis());
                    r.close();
                    t.join();
                    return BinlogReader.Outcome.FAILED;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.close();
            return BinlogReader.Outcome.CLOSED;
        } finally {
            reader = null;
        }
        if (outcome[0] == BinlogReader.Outcome.FAILED && jvmShuttingDown()) {
            // The embedded MariaDB's own shutdown hook stops the server alongside ours: an expected end, not news.
            closing.countDown();
            return BinlogReader.Outcome.CLOSED;
        }
        switch (outcome[0]) {
            case GAP -> recordGap(r);
            case FAILED -> LOG.warn("binlog capture: the reader stopped ({}); starting again from the stored position",
                    r.failure());
            case LOST_LEADERSHIP -> LOG.warn("binlog capture: {}; this node stops reading", r.failure());
            default -> {
            }
        }
        return outcome[0];
    }

    /** Whether the JVM runs its shutdown hooks (a hook can no longer be added then). */
    private static boolean jvmShuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    private void recordGap(BinlogReader r) {
        try (Connection c = ds.getConnection()) {
            ChangeIndex.State before = r.stored();
            ChangeIndex.State after = index.recordGap(c, before);
            stats.gap();
            LOG.warn("binlog capture: GAP - the binary log from {} is no longer on the server ({}); reading on from {}."
                    + " Changes in between are not in the index: getModified for an earlier 'after' reads whole"
                    + " tables, getDeleted answers NOT_SUPPORTED (compare ids). Keep binary logs longer than the"
                    + " longest reader outage (expire_logs_days / embedded-binlog-retention-days)", before.position(),
                    r.failure(), after.position());
        } catch (SQLException | ChangeIndex.LostLeadershipException e) {
            LOG.warn("binlog capture: could not record a gap: {}", e.getMessage());
        }
    }

    private void await(long millis) {
        try {
            // Woken early by close(); otherwise this is the retry period of a follower, not a synchronisation.
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

    @Override
    public double lagSeconds() {
        BinlogReader r = reader;
        return r == null ? 0 : r.lagSeconds();
    }

    @Override
    public long lagEvents() {
        BinlogReader r = reader;
        return r == null ? 0 : r.lagEvents();
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
        BinlogReader r = reader;
        if (!leader) {
            return true;
        }
        return r != null && r.lagSeconds() <= maxLagSeconds && r.silentMillis() <= SILENT_MILLIS;
    }

    /** Whether this node, not leading, saw the leader's replication connection alive at its last look. */
    boolean seesLeaderAlive() {
        return !leader && lease.seesHolderAlive();
    }

    /** Stops reading as a node that dies does: without giving the lease up, so another node waits for it to expire. */
    void halt() {
        halted = true;
        close();
    }

    /** Stops reading and gives the lease up, so another node takes over at once. */
    @Override
    public void close() {
        closing.countDown();
        BinlogReader r = reader;
        if (r != null) {
            r.close();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
