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
 * later flush, with a larger stamp.
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
        final BinlogPosition head;
        final CompletableFuture<Instant> answer = new CompletableFuture<>();
        /** The reader has read through the head and closed its segment for it. */
        boolean cut;

        Waiter(BinlogPosition head) {
            this.head = head;
        }
    }

    /** A reader starting on this node from what the index holds: it replaces any earlier run. */
    public Run start(ChangeIndex.State from) {
        synchronized (lock) {
            Run run = new Run(from.position(), from.lastStamp());
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
     * A future answered with the stamp to give once this node's reader has written the log through {@code head},
     * at once when it has already; answered with null when it cannot tell (no reader here, another server, switched
     * off, or the reader ends first): then the fence takes a marker.
     */
    CompletableFuture<Instant> await(LogHead.Head head) {
        synchronized (lock) {
            Run run = current;
            if (off || run == null || run.stamp == null || run.server == null || !run.server.equals(head.server())) {
                return CompletableFuture.completedFuture(null);
            }
            if (log.covers(run.written, head.position())) {
                return CompletableFuture.completedFuture(run.stamp);
            }
            Waiter w = new Waiter(head.position());
            waiters.add(w);
            waiting = waiters.size();
            return w.answer;
        }
    }

    /** A waiter that gave up (its deadline, or it takes a marker now). */
    void forget(CompletableFuture<Instant> answer) {
        synchronized (lock) {
            waiters.removeIf(w -> w.answer == answer);
            waiting = waiters.size();
        }
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
        private BinlogPosition written;
        private Instant stamp;
        private String server;

        private Run(BinlogPosition written, Instant stamp) {
            this.written = written;
            this.stamp = stamp;
        }

        /** The server this reader reads (as {@link LogHead#now} names it): until it is known, fences take markers. */
        public void server(String id) {
            synchronized (lock) {
                server = id;
            }
        }

        /**
         * The reader has read (not yet written) the log through {@code end}: whether a fence waits for a position at
         * or before it, so that the segment holding it should be written now rather than when it fills or idles.
         * Each waiter asks once.
         */
        public boolean read(BinlogPosition end) {
            if (waiting == 0) {
                return false;
            }
            synchronized (lock) {
                boolean cut = false;
                if (current == this) {
                    for (Waiter w : waiters) {
                        if (!w.cut && log.covers(end, w.head)) {
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
            synchronized (lock) {
                written = log.advance(written, end);
                stamp = lastStamp;
                if (current != this) {
                    return;
                }
                for (Iterator<Waiter> i = waiters.iterator(); i.hasNext(); ) {
                    Waiter w = i.next();
                    if (log.covers(written, w.head)) {
                        w.answer.complete(lastStamp);
                        i.remove();
                    }
                }
                waiting = waiters.size();
            }
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
