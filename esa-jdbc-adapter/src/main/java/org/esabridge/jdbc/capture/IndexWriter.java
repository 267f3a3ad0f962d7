package org.esabridge.jdbc.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * A log reader's writer thread: takes the segments of {@link PendingChanges} that the reading thread assembled and
 * writes each to the change index in one transaction, so that reading and writing overlap. Fences passed in a segment
 * are answered at its stamp; a segment that writes nothing (only the adapter's own writes, or other schemas') is not
 * written, its position is stored with the next real batch, so the reader never feeds itself — unless a fence asked
 * for a new stamp ({@link PendingChanges#wantStamp}). After each segment,
 * written or not, {@code written} hears its end: that much of the log is safely in the index.
 */
public final class IndexWriter {
    /** Old fence markers are purged ({@link ChangeIndex#purgeFences}) once in this many flushes. */
    private static final int PURGE_EVERY = 1000;

    /** How the writer stops its reader: the first reason given wins. */
    @FunctionalInterface
    public interface Stop {
        void end(LogReader.Outcome outcome, String why);
    }

    private final DataSource ds;
    private final ChangeIndex index;
    private final PendingChanges pending;
    private final BiConsumer<List<Long>, Instant> fencesReached;
    private final CaptureStats stats;
    private final Consumer<BinlogPosition> written;
    private final BooleanSupplier ended;
    private final Stop stop;
    private final Thread thread;
    private final AtomicLong flushes = new AtomicLong();
    private volatile ChangeIndex.State stored;
    private volatile PendingChanges.Segment inFlight;

    /**
     * @param start         what the index holds when the reader starts
     * @param fencesReached told of each flush's fences with their stamp
     * @param written       told each segment's end once it is in the index (or had nothing to write)
     * @param ended         whether the reader has stopped: the writer then ends once nothing is pending
     */
    public IndexWriter(String threadName, DataSource ds, ChangeIndex index, ChangeIndex.State start,
                       PendingChanges pending, BiConsumer<List<Long>, Instant> fencesReached, CaptureStats stats,
                       Consumer<BinlogPosition> written, BooleanSupplier ended, Stop stop) {
        this.ds = ds;
        this.index = index;
        this.stored = start;
        this.pending = pending;
        this.fencesReached = fencesReached;
        this.stats = stats;
        this.written = written;
        this.ended = ended;
        this.stop = stop;
        this.thread = new Thread(this::writeLoop, threadName);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Waits for the writer to end (after the reader closed {@link PendingChanges}). */
    public void join() throws InterruptedException {
        thread.join();
    }

    /** What the index holds now (after this writer's last flush). */
    public ChangeIndex.State stored() {
        return stored;
    }

    /** Seconds the oldest transaction read but not yet in the index has waited; 0 when none waits. */
    public double lagSeconds() {
        PendingChanges.Segment s = inFlight;
        long oldest = s != null && s.writesSomething() ? s.firstCommitMillis : pending.oldestPendingCommitMillis();
        return oldest == 0 ? 0 : Math.max(0, (System.currentTimeMillis() - oldest) / 1000.0);
    }

    /** Rows read but not yet in the index. */
    public long lagEvents() {
        return pending.pendingEntries();
    }

    private void writeLoop() {
        try (Connection c = ds.getConnection()) {
            // Every flush is a transaction: switched off once, not off and on around each flush (a round trip each,
            // on a fence's path). What runs between flushes is committed at once (no commit is sent for nothing).
            c.setAutoCommit(false);
            while (true) {
                PendingChanges.Segment s = pending.take(1000);
                index.stampLateFences(c);
                c.commit();
                if (s == null) {
                    if (ended.getAsBoolean()) {
                        return;
                    }
                    continue;
                }
                if (s.end == null) {
                    s.end = stored.position(); // a flush for a new stamp before any segment was read
                }
                if (s.writesSomething()) {
                    write(c, s);
                }
                written.accept(s.end);
                pending.written(s);
            }
        } catch (ChangeIndex.LostLeadershipException e) {
            stop.end(LogReader.Outcome.LOST_LEADERSHIP, e.getMessage());
        } catch (SQLException | RuntimeException e) {
            stop.end(LogReader.Outcome.FAILED, "writing the change index failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.end(LogReader.Outcome.CLOSED, null);
        }
    }

    private void write(Connection c, PendingChanges.Segment s)
            throws SQLException, ChangeIndex.LostLeadershipException {
        inFlight = s;
        try {
            stored = index.flush(c, stored, s.spill, s.entries, s.fences, s.end, s.gap);
        } finally {
            inFlight = null;
        }
        stats.flushed(s.entries.size() + (s.spill == null ? 0 : s.spill.seqs()), s.gap);
        if (!s.fences.isEmpty()) {
            fencesReached.accept(s.fences, stored.lastStamp());
        }
        if (flushes.incrementAndGet() % PURGE_EVERY == 0) {
            index.purgeFences(c);
            c.commit();
        }
    }
}
