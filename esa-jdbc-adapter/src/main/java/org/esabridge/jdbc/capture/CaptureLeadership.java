package org.esabridge.jdbc.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.esabridge.jdbc.cluster.Lease;
import org.esabridge.jdbc.cluster.NodeId;
import org.esabridge.jdbc.dialect.StateTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log reader per database across all nodes, whatever the engine: the node that holds the {@value #LEASE} lease
 * runs a {@link LogReader} from the index's stored position and renews the lease every third of its time to live;
 * the index checks it in every write, so a deposed reader stops at its next flush. A renewal that fails or loses a
 * race while the stored row still names this node is not a loss (a lock wait behind the reader's own flush, which
 * renews the lease in its last moment before its commit). A reader that fails, or falls silent longer than the engine's limit,
 * is replaced by a new one from the stored position; meanwhile this node does not claim to lead.
 *
 * <p>The others look every follow interval: they take the lease when it is free or expired, or at once when the
 * engine finds its holder reads nothing ({@link Log#takeOver}: its connection to the log is gone), and read on from
 * the position stored with the last batch. This node's part is its {@link CaptureStatus}.
 */
public final class CaptureLeadership<R extends LogReader> implements CaptureStatus {
    /** The lease's name on every engine (a fence's look at the capture's progress reads it by this name). */
    public static final String LEASE = "binlog-capture";
    private static final Logger LOG = LoggerFactory.getLogger(CaptureLeadership.class);
    private static final long RETRY_MILLIS = 1000;

    /** The engine's part: how its reader starts, how a dead holder is seen, what a gap means. */
    public interface Log<R extends LogReader> {
        /** Where this node reads when it leads, for the log line that says so. */
        String source();

        /** A reader from the index's stored position (recording a gap first where the log lost it). */
        R open(Connection c) throws SQLException, ChangeIndex.LostLeadershipException;

        /**
         * Called while another node holds the lease: takes it over ({@link Lease#takeOver}) and answers true when its
         * holder evidently reads nothing.
         */
        boolean takeOver(Connection c, Lease lease) throws SQLException;

        /** At each look while {@code reader} runs (naming its connection in the lease, measuring lag). */
        default void look(R reader) {
        }

        /** {@code reader} ended in {@link LogReader.Outcome#GAP}: the log from the stored position is gone. */
        default void gap(R reader) {
        }
    }

    /**
     * How often this node looks.
     *
     * @param followMillis how often a node that does not lead looks whether it should (at most; a third of the lease
     *                     when that is shorter)
     * @param lookMillis   how often the leader looks at its reader
     * @param silentMillis how long a reader may hear nothing from the server before it is replaced
     */
    public record Timing(long followMillis, long lookMillis, long silentMillis) {
    }

    private final String name;
    private final String threads;
    private final DataSource ds;
    private final Lease lease;
    private final Duration ttl;
    private final Timing timing;
    private final Log<R> log;
    private final CaptureStats stats = new CaptureStats();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;
    private volatile R reader;
    private volatile boolean leader;
    /** Stopped as if the node had died: the lease is left to expire or be taken over (tests of the takeover). */
    private volatile boolean halted;

    /**
     * @param name    the capture's name in log lines ({@code binlog capture})
     * @param threads the prefix of its threads' names ({@code esa-binlog})
     * @param ds      the capture's own connections
     */
    public CaptureLeadership(String name, String threads, DataSource ds, StateTables state, Duration leaseTtl,
                             Timing timing, Log<R> log) {
        this.name = name;
        this.threads = threads;
        this.ds = ds;
        this.ttl = leaseTtl;
        this.timing = timing;
        this.log = log;
        this.lease = new Lease(ds, state.dialect(), state, LEASE, NodeId.next(LEASE), leaseTtl);
        this.thread = new Thread(this::lead, threads + "-capture");
        this.thread.setDaemon(true);
    }

    /** The lease, which the change index checks in every write. */
    public Lease lease() {
        return lease;
    }

    /** Counters of this node's readers. */
    public CaptureStats stats() {
        return stats;
    }

    /** Starts leading, or waiting to lead, in the background. */
    public void start() {
        thread.start();
    }

    private void lead() {
        while (closing.getCount() > 0) {
            if (!acquire()) {
                leader = false;
                await(Math.min(timing.followMillis(), ttl.toMillis() / 3));
                continue;
            }
            if (!leader) {
                LOG.info("{}: this node now reads {}", name, log.source());
            }
            leader = true;
            LogReader.Outcome outcome = readOnce();
            if (outcome == LogReader.Outcome.LOST_LEADERSHIP) {
                leader = false;
            } else if (outcome == LogReader.Outcome.FAILED) {
                // Not reading: another node may take over meanwhile (the engine sees this one's connection gone).
                leader = false;
                await(RETRY_MILLIS);
            }
        }
        leader = false;
        if (halted) {
            return;
        }
        // Given back at JVM exit too (a server's clean stop runs in a shutdown hook): a database server of its own is
        // still there, and the next start takes the lease at once instead of taking it over from a node that stopped.
        // An embedded server stopping alongside may be gone already: the release then fails within the pool's
        // connection timeout and the lease expires by itself.
        try {
            lease.release();
        } catch (SQLException e) {
            LOG.debug("capture lease not released ({}); it expires by itself", e.getMessage());
        }
    }

    /** Takes (or renews) the lease when it is free, expired or ours, or when the engine finds its holder gone. */
    private boolean acquire() {
        try (Connection c = ds.getConnection()) {
            return lease.tryAcquire(c) || log.takeOver(c, lease);
        } catch (SQLException e) {
            LOG.debug("capture lease not taken: {}", e.getMessage());
            return false;
        }
    }

    /** Renews the lease: false when another node has it (see the class comment on failed renewals). */
    private boolean renew() {
        try (Connection c = ds.getConnection()) {
            return lease.tryAcquire(c) || lease.holderId().equals(lease.currentHolder(c));
        } catch (SQLException e) {
            LOG.debug("capture lease not renewed this time: {}", e.getMessage());
            return true;
        }
    }

    /** One reader from the stored position until it ends; renews the lease meanwhile. */
    private LogReader.Outcome readOnce() {
        R r;
        try (Connection c = ds.getConnection()) {
            r = log.open(c);
        } catch (SQLException | ChangeIndex.LostLeadershipException e) {
            LOG.warn("{}: cannot start reading: {}", name, e.getMessage());
            return LogReader.Outcome.FAILED;
        }
        reader = r;
        LogReader.Outcome[] outcome = {LogReader.Outcome.FAILED};
        Thread t = new Thread(() -> outcome[0] = r.run(), threads + "-reader");
        t.setDaemon(true);
        t.start();
        long renewNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(100, ttl.toMillis() / 3));
        long renewedAt = System.nanoTime();
        try {
            while (t.isAlive()) {
                t.join(timing.lookMillis());
                if (closing.getCount() == 0 || r.ended()) {
                    // Closing, or the reader's writer stopped it: make sure its connection is gone too.
                    r.abort();
                    continue;
                }
                if (!t.isAlive()) {
                    break;
                }
                log.look(r);
                if (r.silentMillis() > timing.silentMillis()) {
                    LOG.warn("{}: no word from the server for {} ms; reconnecting", name, r.silentMillis());
                    r.abort();
                    t.join();
                    return LogReader.Outcome.FAILED;
                }
                if (System.nanoTime() - renewedAt < renewNanos) {
                    continue;
                }
                renewedAt = System.nanoTime();
                if (!renew()) {
                    LOG.warn("{}: the lease was lost; this node stops reading", name);
                    r.abort();
                    t.join();
                    return LogReader.Outcome.LOST_LEADERSHIP;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.abort();
            return LogReader.Outcome.CLOSED;
        } finally {
            reader = null;
        }
        if (outcome[0] == LogReader.Outcome.FAILED && jvmShuttingDown()) {
            // An embedded server's own shutdown hook stops it alongside ours: an expected end, not news.
            closing.countDown();
            return LogReader.Outcome.CLOSED;
        }
        switch (outcome[0]) {
            case GAP -> log.gap(r);
            case FAILED -> LOG.warn("{}: the reader stopped ({}); starting again from the stored position", name,
                    r.failure());
            case LOST_LEADERSHIP -> LOG.warn("{}: {}; this node stops reading", name, r.failure());
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
        R r = reader;
        return r == null ? 0 : r.writer().lagSeconds();
    }

    @Override
    public long lagEvents() {
        R r = reader;
        return r == null ? 0 : r.writer().lagEvents();
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
        R r = reader;
        return r != null && r.writer().lagSeconds() <= maxLagSeconds && r.silentMillis() <= timing.silentMillis();
    }

    /** Stops reading as a node that dies does: the lease is left behind, for another node to take over. */
    public void halt() {
        halted = true;
        close();
    }

    /** Stops reading and gives the lease up, so another node takes over at once. */
    public void close() {
        closing.countDown();
        R r = reader;
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
