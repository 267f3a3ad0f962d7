package org.esabridge.jdbc.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;
import org.esabridge.jdbc.dialect.Faults;

/**
 * {@code getCurrentTime} in binlog mode: a time T such that every transaction committed before the call is in the
 * change index at or before T and every later commit lands after T.
 *
 * <p>On the node whose reader runs, where the engine's log position can be read and compared, the call writes
 * nothing: it reads where the log ends and waits until the reader has written the log through there
 * ({@link PositionFence}). Elsewhere, and where that cannot tell, the call inserts a marker into {@code esa_fence}
 * (auto-commit, so the log holds it after every transaction committed before it) and waits until the reader has
 * passed it: the reader writes everything before the marker and the marker's {@code reached_stamp} in one batch,
 * whose stamp is T, and everything after it in later batches with larger stamps. A waiter on the leader's node is
 * woken at once; one on another node reads the marker's row with a short back-off. Calls that arrive together share
 * one marker ({@link SharedMarkers}).
 *
 * <p>How long it waits: {@code capture-fence-timeout-seconds} (and up to one look interval, a third of the lease and
 * half a second, more) while the capture is stuck (its leader renews the lease and does not move, or no reader
 * runs); longer while it is on its way ({@link CaptureProgress}: the reader
 * moves, the lease changes hands, or a dead leader's lease is running out), so that a takeover shows the host
 * latency, not a fault — at most the timeout twice plus the lease's time to live (the wait, a takeover by expiry,
 * the new reader's catch-up). Past that it is DATABASE_UNAVAILABLE: the host retries, it is never answered a time
 * the index has not reached.
 */
public final class CaptureFence implements org.esabridge.jdbc.write.CommitStamps {
    private static final long MAX_POLL_MILLIS = 20;

    private final DataSource ds;
    private final Dialect dialect;
    private final String table;
    private final StateTables state;
    private final Duration timeout;
    private final Duration leaseTtl;
    /** Between two looks at the capture's progress: longer than the leader's renewal period (a third of the lease). */
    private final long lookNanos;
    private final Map<Long, CompletableFuture<Instant>> waiters = new ConcurrentHashMap<>();
    private final SharedMarkers markers = new SharedMarkers();
    /** The fence by the log's position, or null where the engine has none. */
    private final PositionFence position;

    /** A fence that always sets a marker row. */
    public CaptureFence(DataSource ds, Dialect dialect, StateTables state, Duration timeout, Duration leaseTtl) {
        this(ds, dialect, state, timeout, leaseTtl, null, null);
    }

    /**
     * With the log's {@code head} and this node's {@code writtenThrough} (an engine whose log position can be read
     * and compared), the fence reads the position first and sets a marker only where that cannot tell
     * ({@link PositionFence}).
     */
    public CaptureFence(DataSource ds, Dialect dialect, StateTables state, Duration timeout, Duration leaseTtl,
                        LogHead head, WrittenThrough writtenThrough) {
        this.position = head == null ? null : new PositionFence(ds, head, writtenThrough);
        this.ds = ds;
        this.dialect = dialect;
        this.table = state.fence();
        this.state = state;
        this.timeout = timeout;
        this.leaseTtl = leaseTtl;
        this.lookNanos = leaseTtl.toNanos() / 3 + TimeUnit.MILLISECONDS.toNanos(500);
    }

    /** Sets a fence and answers its stamp once the reader has passed it. */
    @Override
    public Instant fence() throws EsaException {
        return fence(true);
    }

    /**
     * Waits until the index holds every transaction committed before the call, as {@link #fence()} does, for a read
     * or a write that needs no stamp: by position, it takes the index's last stamp however old, never a new one.
     */
    @Override
    public void reachPresent() throws EsaException {
        fence(false);
    }

    /** @param fresh whether the stamp must not be older than the database's clock at the call */
    private Instant fence(boolean fresh) throws EsaException {
        long start = System.nanoTime();
        FenceDeadline deadline = deadline(start);
        try {
            if (position != null) {
                Instant stamp = position.await(deadline, start, fresh);
                if (stamp != null) {
                    return stamp;
                }
            }
            // The marker before the waiting connection: calls waiting to share one hold no connection meanwhile.
            long id = markers.marker(sending -> {
                try (Connection m = ds.getConnection()) {
                    // Registered before the marker commits: a reader may pass it before this thread hears the commit.
                    return insertMarker(m, new CompletableFuture<>(), sending);
                }
            });
            return await(id, deadline, "getCurrentTime");
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "getCurrentTime");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EsaException(ErrorCode.DATABASE_UNAVAILABLE, "getCurrentTime: interrupted");
        }
    }

    /**
     * Sets a marker in {@code c}'s open transaction: it commits with the transaction's changes, so the reader writes
     * its answer in the same batch as their entries, at the same stamp ({@link #stampOf}).
     */
    @Override
    public long mark(Connection c) throws SQLException {
        return insertMarkerRow(c);
    }

    /** The stamp of the batch that held a committed marker of {@link #mark}: its transaction's stamp in the index. */
    @Override
    public Instant stampOf(long marker) throws EsaException {
        return await(marker, deadline(System.nanoTime()), "waiting for a write's stamp");
    }

    private FenceDeadline deadline(long start) {
        return new FenceDeadline(dialect, state, timeout, leaseTtl, lookNanos, start);
    }

    /** Waits for a marker's answer (within {@code deadline}) on a connection of its own. */
    private Instant await(long id, FenceDeadline deadline, String doing) throws EsaException {
        try (Connection c = ds.getConnection()) {
            return awaitReached(c, id, deadline);
        } catch (SQLException e) {
            throw Faults.of(dialect, e, doing);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EsaException(ErrorCode.DATABASE_UNAVAILABLE, doing + ": interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("fence futures are only ever completed normally", e);
        }
    }

    private Instant awaitReached(Connection c, long id, FenceDeadline deadline)
            throws SQLException, EsaException, InterruptedException, ExecutionException {
        // Calls sharing a marker share its future: the reader completes one per marker.
        CompletableFuture<Instant> reached = waiters.computeIfAbsent(id, k -> new CompletableFuture<>());
        try {
            long pause = 1;
            while (true) {
                Instant stamp = reachedStamp(c, id);
                if (stamp != null) {
                    return stamp;
                }
                long left = deadline.left(c);
                if (left <= 0) {
                    throw deadline.expired();
                }
                try {
                    return reached.get(Math.min(TimeUnit.MILLISECONDS.toNanos(pause), left), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    pause = Math.min(pause * 2, MAX_POLL_MILLIS);
                }
            }
        } finally {
            waiters.remove(id);
        }
    }

    /** The reader wrote these markers' answers: wakes their local waiters. */
    public void reached(List<Long> ids, Instant stamp) {
        for (Long id : ids) {
            CompletableFuture<Instant> f = waiters.get(id);
            if (f != null) {
                f.complete(stamp);
            }
        }
    }

    /**
     * Inserts the marker and registers {@code reached} as its waiter. Where the marker commits in a transaction of
     * its own (the dialect's {@code durableCommitSql}), the waiter is registered before the commit: the log's sender
     * may send the commit, and the reader pass the marker, before the commit returns here (the commit is in the log
     * before it is visible; a synchronous standby, which the reader may be, holds it invisible until the reader
     * confirms it).
     */
    private long insertMarker(Connection c, CompletableFuture<Instant> reached, Runnable sending) throws SQLException {
        String durable = dialect.durableCommitSql();
        if (durable == null) {
            sending.run();
            long id = insertMarkerRow(c);
            waiters.put(id, reached);
            return id;
        }
        c.setAutoCommit(false);
        long id = -1;
        try {
            try (Statement s = c.createStatement()) {
                s.execute(durable);
            }
            sending.run();
            id = insertMarkerRow(c);
            waiters.put(id, reached);
            c.commit();
            return id;
        } catch (SQLException | RuntimeException e) {
            waiters.remove(id);
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private long insertMarkerRow(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (requested_at) VALUES (" + dialect.now()
                + ")", new String[] {"id"})) {
            ps.executeUpdate();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private Instant reachedStamp(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT reached_stamp FROM " + table + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                LocalDateTime t = rs.next() ? rs.getObject(1, LocalDateTime.class) : null;
                return t == null ? null : t.toInstant(ZoneOffset.UTC);
            }
        }
    }
}
