package org.esabridge.jdbc.capture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Committed transactions read from the database's log and not yet written to the index, cut into segments that are
 * each written in one database transaction. A segment ends after a fence (everything before a fence gets the
 * fence's stamp, nothing after it does), or when it is large; the writer takes a segment when it is closed, when
 * the stream has been idle for a moment, or when its oldest transaction waited long enough. The reader blocks when
 * too much is pending (in entries, or in the memory their ids take), so memory stays bounded however far behind the
 * writer falls. A transaction the reader spilled to the database while reading it ({@link ChangeIndex.Spill}) is a
 * segment of its own: its spilled entries are written before its in-memory ones, after every earlier transaction's.
 */
public final class PendingChanges {
    /** A run of committed transactions written together. */
    public static final class Segment {
        public final Map<ChangeIndex.Key, Character> entries = new LinkedHashMap<>();
        public final List<Long> fences = new ArrayList<>();
        /** The spilled part of the segment's one transaction, written before {@link #entries}; or null. */
        public ChangeIndex.Spill spill;
        long weight;
        public BinlogPosition end;
        public long firstCommitMillis;
        public long events;
        public boolean gap;
        /** A fence wants the stamp of a flush begun after it asked: written even when empty (end null: none read). */
        public boolean stamp;
        boolean closed;

        public boolean writesSomething() {
            return !entries.isEmpty() || !fences.isEmpty() || gap || spill != null || stamp;
        }
    }

    private final int segmentEntries;
    private final int maxPendingEntries;
    private final long maxPendingWeight;
    private final long idleNanos;
    private final long maxDelayNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Segment> segments = new ArrayDeque<>();
    private long pendingEntries;
    /** Segments taken by the writer and not yet written. */
    private int taken;
    private long pendingWeight;
    private long lastCommitNanos;
    private long openedNanos;
    private boolean closed;
    /** A fence wants a flush with a new stamp ({@link #wantStamp}). */
    private boolean stampWanted;
    /** Where the last segment taken ends, or null. */
    private BinlogPosition lastTakenEnd;

    public PendingChanges(int segmentEntries, int maxPendingEntries, long idleMillis, long maxDelayMillis) {
        this(segmentEntries, maxPendingEntries, Long.MAX_VALUE, idleMillis, maxDelayMillis);
    }

    /** @param maxPendingWeight the most memory pending entries may take, as {@link ChangeIndex.Key#weight()} counts */
    public PendingChanges(int segmentEntries, int maxPendingEntries, long maxPendingWeight, long idleMillis,
                   long maxDelayMillis) {
        this.segmentEntries = segmentEntries;
        this.maxPendingEntries = maxPendingEntries;
        this.maxPendingWeight = maxPendingWeight;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(maxDelayMillis);
    }

    /**
     * Adds one committed transaction; blocks while too much is pending.
     *
     * @param entries its changes in log order (a later change of a row replaces an earlier one)
     */
    public void commit(Map<ChangeIndex.Key, Character> entries, List<Long> fences, BinlogPosition end,
                       long commitMillis, long events, boolean gap) throws InterruptedException {
        commit(entries, fences, end, commitMillis, events, gap, null);
    }

    /**
     * Adds one committed transaction; blocks while too much is pending.
     *
     * @param entries its changes in log order after those spilled (a later change of a row replaces an earlier one)
     * @param spill   its changes spilled to the database while it was read, or null
     */
    public void commit(Map<ChangeIndex.Key, Character> entries, List<Long> fences, BinlogPosition end,
                       long commitMillis, long events, boolean gap, ChangeIndex.Spill spill) throws InterruptedException {
        lock.lock();
        try {
            while (!closed && (pendingEntries >= maxPendingEntries || pendingWeight >= maxPendingWeight)) {
                changed.await();
            }
            Segment s = segments.peekLast();
            if (s != null && spill != null) {
                s.closed = true; // a spilled transaction's entries are written after every earlier one's
            }
            if (s == null || s.closed) {
                s = new Segment();
                s.firstCommitMillis = commitMillis;
                segments.addLast(s);
                openedNanos = System.nanoTime();
            }
            for (Map.Entry<ChangeIndex.Key, Character> e : entries.entrySet()) {
                // Moved to the end: seq follows the order of each row's last change.
                if (s.entries.remove(e.getKey()) != null) {
                    pendingEntries--;
                    pendingWeight -= e.getKey().weight();
                    s.weight -= e.getKey().weight();
                }
                s.entries.put(e.getKey(), e.getValue());
                pendingEntries++;
                pendingWeight += e.getKey().weight();
                s.weight += e.getKey().weight();
            }
            s.fences.addAll(fences);
            if (spill != null) {
                s.spill = spill;
            }
            s.end = end;
            s.events += events;
            s.gap |= gap;
            if (!fences.isEmpty() || gap || spill != null || s.entries.size() >= segmentEntries) {
                s.closed = true;
            }
            lastCommitNanos = System.nanoTime();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the open segment, so that the writer takes it now: a fence waits for a transaction in it. */
    public void cut() {
        lock.lock();
        try {
            Segment s = segments.peekLast();
            if (s != null && !s.closed) {
                s.closed = true;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Asks the writer for a flush begun from now on, even with nothing to write: the next segment taken (the open one
     * at once), or an empty one at the end of the last.
     */
    public void wantStamp() {
        lock.lock();
        try {
            stampWanted = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Notes that the stream is alive but has nothing (a heartbeat): an open segment may be written now. */
    public void idle() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next segment due for writing, removed; waits up to {@code maxWaitMillis}, then null.
     */
    public Segment take(long maxWaitMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
        lock.lock();
        try {
            while (!closed) {
                Segment s = segments.peekFirst();
                long now = System.nanoTime();
                if (s != null && (s.closed || stampWanted || segments.size() > 1 || now - lastCommitNanos >= idleNanos
                        || now - openedNanos >= maxDelayNanos)) {
                    segments.removeFirst();
                    s.closed = true;
                    s.stamp = stampWanted;
                    stampWanted = false;
                    taken++;
                    lastTakenEnd = s.end;
                    return s;
                }
                if (s == null && stampWanted) {
                    Segment e = new Segment();
                    e.closed = true;
                    e.stamp = true;
                    e.end = lastTakenEnd;
                    stampWanted = false;
                    taken++;
                    return e;
                }
                long wait = deadline - now;
                if (wait <= 0) {
                    return null;
                }
                if (s != null) {
                    wait = Math.min(wait, Math.min(idleNanos - (now - lastCommitNanos), maxDelayNanos - (now - openedNanos)));
                }
                changed.awaitNanos(Math.max(wait, 1));
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Marks a taken segment written: frees its room for the reader. */
    public void written(Segment s) {
        lock.lock();
        try {
            pendingEntries -= s.entries.size();
            pendingWeight -= s.weight;
            taken--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Rows and fences read but not yet written (the lag in events). */
    public long pendingEntries() {
        lock.lock();
        try {
            return pendingEntries;
        } finally {
            lock.unlock();
        }
    }

    /** The commit time (the log's clock, ms) of the oldest transaction not yet written, or 0 when none. */
    public long oldestPendingCommitMillis() {
        lock.lock();
        try {
            for (Segment s : segments) {
                if (s.writesSomething()) {
                    return s.firstCommitMillis;
                }
            }
            return 0;
        } finally {
            lock.unlock();
        }
    }

    /** Whether every transaction handed over is written (none queued, none being written). */
    public boolean drained() {
        lock.lock();
        try {
            return segments.isEmpty() && taken == 0;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter for good. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
