package org.esabridge.jdbc.capture;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far this node's log reader has written the log into the change index, for the {@link PositionFence}: the end
 * of the last segment its writer wrote (or found nothing to write in), and the stamp of the index's last flush then.
 * Everything in the log up to that end is in the index at or before that stamp; everything after it lands in a
 * later flush, with a larger stamp. A waiter is answered that stamp only when it is not earlier than the database's
 * clock at the call; an older one (an idle log flushes nothing) makes the writer flush once more, with nothing but a
 * new stamp, for all who wait ({@link PendingChanges#wantStamp}).
 *
 * <p>One {@link Run} per reader on this node; only the current one counts. Waiters for a position are answered by
 * the writer as soon as it has written through it, and with null (take a marker) when the run ends, when the fast
 * path is switched off, or when this node's reader reads another server than the waiter's.
 */
public final class WrittenThrough {
    private static final Logger LOG = LoggerFactory.getLogger(WrittenThrough.class);

    private final LogHead log;
    private final Object lock = new Object();
    /** The reader running on this node, or null (guarded by lock). */
    private Run current;
    /** Switched off for good (guarded by lock). */
    private boolean off;
    private final List<Waiter> waiters = new ArrayList<>();
    /** How many wait, read by the reader's thread at each transaction without the lock. */
    private volatile int waiting;

    public WrittenThrough(LogHead log) {
        this.log = log;
    }

    private static final class Waiter {
        final LogHead.Head head;
        final CompletableFuture<Instant> answer = new CompletableFuture<>();
        /** The reader has read through the head and closed its segment for it. */
        boolean cut;

        Waiter(LogHead.Head head) {
            this.head = head;
        }
    }

    /**
     * A reader starting on this node from what the index holds: it replaces any earlier run.
     *
     * @param pending what the reader has read and its writer not yet written: a fence closes the segment holding its
     *                position ({@link PendingChanges#cut}) or asks for a flush with a new stamp, even with nothing to
     *                write ({@link PendingChanges#wantStamp})
     */
    public Run start(ChangeIndex.State from, PendingChanges pending) {
        synchronized (lock) {
            // Waiters of an earlier run asked about its server; this one's is not known yet: they take markers.
            answerAll(null);
            Run run = new Run(from.position(), from.lastStamp(), pending);
            current = run;
            return run;
        }
    }

    /**
     * Switches the position fence off for good (the log broke an assumption it rests on): every fence takes a marker
     * from now on. Logged once.
     */
    public void switchOff(String why) {
        synchronized (lock) {
            if (off) {
                return;
            }
            off = true;
            LOG.warn("capture fence: {}; getCurrentTime sets a marker row from now on", why);
            answerAll(null);
        }
    }

    /**
     * Whether a reader runs here whose server is known, with the fast path on: else a fence takes a marker without
     * reading the log's head first (calls arriving together then reach the marker together, to share it).
     */
    boolean ready() {
        synchronized (lock) {
            return !off && current != null && current.server != null && current.stamp != null;
        }
    }

    /**
     * A future answered with the stamp to give once this node's reader has written the log through {@code head},
     * at once when it has already; answered with null when it cannot tell (no reader here, another server, switched
     * off, or the reader ends first): then the fence takes a marker. When the reader has read through the head
     * already (a commit just before the call: no later transaction comes to close the segment holding it), the
     * segment is closed now, so that the writer takes it at once rather than when the log idles or the segment ages.
     */
    CompletableFuture<Instant> await(LogHead.Head head) {
        Run run;
        Waiter w;
        boolean covered;
        synchronized (lock) {
            run = current;
            if (off || run == null || run.stamp == null || run.server == null || !run.server.equals(head.server())) {
                return CompletableFuture.completedFuture(null);
            }
            covered = log.covers(run.written, head.position());
            if (covered && fresh(run.stamp, head)) {
                return CompletableFuture.completedFuture(run.stamp);
            }
            w = new Waiter(head);
            waiters.add(w);
            waiting = waiters.size();
            // After publishing the waiter: a reader that read the head before it saw no waiter (Run#read), so its
            // position, set before it looked, is seen here.
            BinlogPosition read = run.readThrough;
            if (!covered && read != null && log.covers(read, head.position())) {
                w.cut = true;
            }
        }
        if (covered) {
            run.pending.wantStamp();
        } else if (w.cut) {
            run.pending.cut();
        }
        run.wake.run();
        return w.answer;
    }

    /** A waiter that gave up (its deadline, or it takes a marker now). */
    void forget(CompletableFuture<Instant> answer) {
        synchronized (lock) {
            waiters.removeIf(w -> w.answer == answer);
            waiting = waiters.size();
        }
    }

    private static boolean fresh(Instant stamp, LogHead.Head head) {
        return head.clock() == null || !stamp.isBefore(head.clock());
    }

    private void answerAll(Instant stamp) {
        for (Waiter w : waiters) {
            w.answer.complete(stamp);
        }
        waiters.clear();
        waiting = 0;
    }

    /** One reader's part: its reading thread and its writer tell how far they are. */
    public final class Run {
        private final PendingChanges pending;
        /** Where the reader's last transaction read ends (written by its thread without the lock), or null. */
        private volatile BinlogPosition readThrough;
        /** Told of each new waiter ({@link #wakeOnWait}); nothing by default. */
        private volatile Runnable wake = () -> { };
        private BinlogPosition written;
        private Instant stamp;
        private String server;

        private Run(BinlogPosition written, Instant stamp, PendingChanges pending) {
            this.written = written;
            this.stamp = stamp;
            this.pending = pending;
        }

        /** The server this reader reads (as {@link LogHead#now} names it): until it is known, fences take markers. */
        public void server(String id) {
            synchronized (lock) {
                server = id;
            }
        }

        /**
         * The reader has read (not yet written) the log through {@code end}, its transactions handed to the pending
         * changes: whether a fence waits for a position at or before it, so that the segment holding it should be
         * written now rather than when it fills or idles. Each waiter asks once (here or when it starts waiting).
         */
        public boolean read(BinlogPosition end) {
            readThrough = end; // before looking at the waiters: a fence publishes itself before it looks here (await)
            if (waiting == 0) {
                return false;
            }
            synchronized (lock) {
                boolean cut = false;
                if (current == this) {
                    for (Waiter w : waiters) {
                        if (!w.cut && log.covers(end, w.head.position())) {
                            w.cut = true;
                            cut = true;
                        }
                    }
                }
                return cut;
            }
        }

        /** The writer has written the log through {@code end}; {@code lastStamp} is the index's last flush's. */
        public void written(BinlogPosition end, Instant lastStamp) {
            boolean stale = false;
            synchronized (lock) {
                written = log.advance(written, end);
                stamp = lastStamp;
                if (current != this) {
                    return;
                }
                for (Iterator<Waiter> i = waiters.iterator(); i.hasNext(); ) {
                    Waiter w = i.next();
                    if (log.covers(written, w.head.position())) {
                        if (fresh(lastStamp, w.head)) {
                            w.answer.complete(lastStamp);
                            i.remove();
                        } else {
                            stale = true;
                        }
                    }
                }
                waiting = waiters.size();
            }
            if (stale) {
                pending.wantStamp();
            }
        }

        /**
         * Tells {@code wake} of each fence that starts to wait: a reader that polls its stream between naps looks at
         * once rather than when its nap ends.
         */
        public void wakeOnWait(Runnable wake) {
            this.wake = wake;
        }

        /** Whether a fence waits now (read without the lock): a reader that polls its stream may look sooner. */
        public boolean awaited() {
            return waiting > 0;
        }

        /** The reader has stopped: its waiters take markers. */
        public void ended() {
            synchronized (lock) {
                if (current == this) {
                    current = null;
                    answerAll(null);
                }
            }
        }
    }
}
