package org.esabridge.jdbc.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
 * <p>The call inserts a marker into {@code esa_fence} (auto-commit, so the binary log holds it after every
 * transaction committed before it) and waits until the reader has passed it: the reader writes everything before
 * the marker and the marker's {@code reached_stamp} in one batch, whose stamp is T, and everything after it in
 * later batches with larger stamps. A waiter on the leader's node is woken at once; one on another node reads the
 * marker's row with a short back-off. No reader passing within {@code capture-fence-timeout-seconds} (none
 * running, the database lagging) is DATABASE_UNAVAILABLE: the host retries, it is never answered a time the index
 * has not reached.
 */
public final class CaptureFence {
    private static final long MAX_POLL_MILLIS = 20;

    private final DataSource ds;
    private final Dialect dialect;
    private final String table;
    private final Duration timeout;
    private final Map<Long, CompletableFuture<Instant>> waiters = new ConcurrentHashMap<>();

    public CaptureFence(DataSource ds, Dialect dialect, StateTables state, Duration timeout) {
        this.ds = ds;
        this.dialect = dialect;
        this.table = state.fence();
        this.timeout = timeout;
    }

    /** Sets a fence and answers its stamp once the reader has passed it. */
    public Instant fence() throws EsaException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection c = ds.getConnection()) {
            long id = insertMarker(c);
            CompletableFuture<Instant> reached = new CompletableFuture<>();
            waiters.put(id, reached);
            try {
                long pause = 1;
                while (true) {
                    Instant stamp = reachedStamp(c, id);
                    if (stamp != null) {
                        return stamp;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new EsaException(ErrorCode.DATABASE_UNAVAILABLE, "getCurrentTime: the change capture did"
                                + " not reach the present within " + timeout.toSeconds() + " s (is a binlog reader running?)");
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
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "getCurrentTime");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EsaException(ErrorCode.DATABASE_UNAVAILABLE, "getCurrentTime: interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("fence futures are only ever completed normally", e);
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

    private long insertMarker(Connection c) throws SQLException {
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
