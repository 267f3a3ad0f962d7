package org.esabridge.jdbc.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.esabridge.api.EsaException;

/**
 * The fence without a row, on the node whose reader runs: reads where the log ends now ({@link LogHead#now}: a
 * commit acknowledged before the call is in the log up to there) and waits until this node's reader has written the
 * log through that position ({@link WrittenThrough}), then answers the stamp of the index's last flush, once that is
 * not earlier than the database's clock at the call (else the writer flushes a new stamp). Everything committed
 * before the call is in the index at or before it; everything not yet written lands in a later flush, with a larger
 * stamp.
 *
 * <p>It answers null, and the fence takes a marker instead within the same deadline, when it cannot tell: the engine
 * has no such position, no reader runs here (another node leads), the reader reads another server, or the reader
 * ends while it waits. It also takes a marker after {@link #MARKERS_AFTER_NANOS}: a head that no transaction of the
 * log moves past (a group the reader does not count as a transaction) is passed by the marker's own.
 */
final class PositionFence {
    static final long MARKERS_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final DataSource ds;
    private final LogHead log;
    private final WrittenThrough through;

    PositionFence(DataSource ds, LogHead log, WrittenThrough through) {
        this.ds = ds;
        this.log = log;
        this.through = through;
    }

    /**
     * The stamp to answer, or null: take a marker.
     *
     * @param fresh whether the stamp must not be older than the database's clock at the call (getCurrentTime's
     *              answer; a read only needs the index to have passed the call)
     */
    Instant await(FenceDeadline deadline, long start, boolean fresh)
            throws SQLException, EsaException, InterruptedException {
        if (!through.ready()) {
            return null;
        }
        LogHead.Head head;
        try (Connection c = ds.getConnection()) {
            head = log.now(c);
        }
        if (head == null) {
            return null;
        }
        if (!fresh) {
            head = new LogHead.Head(head.position(), head.server(), null);
        }
        CompletableFuture<Instant> answer = through.await(head);
        try {
            while (!answer.isDone()) {
                long markersIn = MARKERS_AFTER_NANOS - (System.nanoTime() - start);
                if (markersIn <= 0) {
                    return null;
                }
                long left = deadline.left(ds);
                if (left <= 0) {
                    throw deadline.expired();
                }
                try {
                    return answer.get(Math.min(left, markersIn), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    // a look at the capture's progress is due, or the time to take a marker
                } catch (ExecutionException e) {
                    throw new IllegalStateException("position fences are only ever answered normally", e);
                }
            }
            return answer.getNow(null);
        } finally {
            through.forget(answer);
        }
    }
}
