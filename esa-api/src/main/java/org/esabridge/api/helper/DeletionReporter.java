package org.esabridge.api.helper;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaRecordDelayedException;
import org.esabridge.api.EsaRecordException;

/**
 * Batches {@code trackRecordDeletion} reports in memory and sends them, in the order reported, at
 * {@link #flush()}. The protocol (esa-protocol.md §6) wants an ESA that batches them to flush before it
 * processes any incoming ESA call, so the server calls {@link #flushWithin} first thing for every call, and
 * {@link #close()} at shutdown.
 *
 * <p>Before a call the flush is bounded: {@link #flushWithin} sends in the background, on one sender thread,
 * and waits at most the given time, counted from when that sending started. With a host that answers, every
 * report made before the call has reached it when the call proceeds, as §6 asks. With a host that does not
 * answer, the call proceeds after the bound while the sending goes on, and calls arriving while that late
 * sending is still under way proceed at once; a host that hangs thus costs one call the bound, not every call
 * its time-out. The order of the reports among themselves is kept whatever happens (one sender at a time,
 * the head removed only once delivered). What the bound gives up is only "reports before the call" while the
 * host is not answering — a host that is not answering is not processing reports either, and
 * {@code getDeleted} answers every deletion whether reported or not, so no deletion is lost through it.
 *
 * <p>Nothing is lost while the host is down: a report that could not be delivered stays at the head of the
 * queue and is sent again at the next flush, before any later report. The only reports ever discarded are
 * those the host itself refuses as about that report ({@link EsaRecordException} other than delayed, or codes
 * {@link ErrorCode#UNKNOWN_STRUCTURE}, {@link ErrorCode#INVALID_VALUE}, {@link ErrorCode#RECORD_NOT_FOUND}):
 * sending them again would fail again and hold back every later report. Each is logged at WARNING with
 * structure, id and code. Any other host fault ({@code UNAUTHORIZED}, {@code NOT_CONFIGURED}, …) is about
 * the channel, so the report is kept like on a network failure.
 *
 * <p>The capacity is a soft bound, chosen so that a deletion report is never lost silently: when the
 * pending reports reach it (and each further multiple of it), {@link #report} flushes synchronously; if
 * the host is still unreachable the report is kept anyway and a WARNING says that the bound is hit and how
 * many reports are pending. Memory then grows by about 200 bytes plus the id per report until the host is
 * back; reports still pending at {@link #close()} are lost with the process, and a WARNING says how many.
 *
 * <p>Thread-safe. Reports are appended without waiting except at the capacity; flushes run one at a time.
 */
public final class DeletionReporter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DeletionReporter.class.getName());

    private static final Set<ErrorCode> REFUSES_THE_REPORT =
            EnumSet.of(ErrorCode.UNKNOWN_STRUCTURE, ErrorCode.INVALID_VALUE, ErrorCode.RECORD_NOT_FOUND);

    private final HelperApi api;
    private final int capacity;
    private final Deque<Report> pending = new ArrayDeque<>();
    private final ReentrantLock flushing = new ReentrantLock();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "esa-deletion-reports");
        t.setDaemon(true);
        return t;
    });
    /** The background sending under way or last finished, guarded by {@code pending}. */
    private Sending sending;
    private boolean closed;

    /** One background flush: when it started, its result, and whether a call was already told it is late. */
    private static final class Sending {
        final long startedNanos = System.nanoTime();
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        boolean lateWarned;
    }

    private record Report(Instant time, String structure, String id) {
    }

    /** @param capacity the pending count at which {@link #report} flushes and warns; at least 1 */
    public DeletionReporter(HelperApi api, int capacity) {
        this.api = Objects.requireNonNull(api, "api == null");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Queues a report; never fails because of the host. At the bound it flushes first, see the class
     * comment.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public void report(Instant time, String structure, String id) {
        Report report = new Report(Objects.requireNonNull(time, "time == null"),
                Objects.requireNonNull(structure, "structure == null"), Objects.requireNonNull(id, "id == null"));
        int count;
        synchronized (pending) {
            if (closed) {
                throw new IllegalStateException("the deletion reporter is closed; " + structure + " " + id
                        + " was not reported");
            }
            pending.addLast(report);
            count = pending.size();
        }
        if (count % capacity != 0) {
            return;
        }
        try {
            flush();
        } catch (EsaException e) {
            LOG.log(System.Logger.Level.WARNING, "deletion reports: the bound of " + capacity + " is hit and "
                    + pending() + " reports are pending, kept in memory until the sync host takes them ("
                    + e.getMessage() + ")");
        }
    }

    /**
     * Sends every report made before this call, in order, one {@code trackRecordDeletion} each, and
     * returns how many were delivered. Reports made meanwhile may be sent too.
     *
     * @throws EsaException the failure that stopped the flush; the undelivered reports stay pending, in
     *                      order, for the next flush
     */
    public int flush() throws EsaException {
        flushing.lock();
        try {
            int toSend;
            synchronized (pending) {
                toSend = pending.size();
            }
            int delivered = 0;
            for (int i = 0; i < toSend; i++) {
                Report next;
                synchronized (pending) {
                    next = pending.peekFirst();
                }
                try {
                    api.trackRecordDeletion(next.time, next.structure, next.id);
                    delivered++;
                } catch (EsaRecordDelayedException accepted) {
                    delivered++; // the host took the report and finishes it later
                } catch (EsaException e) {
                    if (!refusesTheReport(e)) {
                        throw e;
                    }
                    LOG.log(System.Logger.Level.WARNING, "deletion report of " + next.structure + " " + next.id
                            + " discarded: the sync host refused it with " + e.code() + " (" + e.getMessage() + ")");
                }
                // Only the flusher removes, under the flush lock, so the head is still the report just sent.
                synchronized (pending) {
                    pending.removeFirst();
                }
            }
            return delivered;
        } finally {
            flushing.unlock();
        }
    }

    /**
     * What an incoming call does first: makes sure the pending reports are being sent (starting a background
     * flush unless one is under way) and waits until every report made before this call is delivered, but
     * at most {@code bound} after the sending started, and never longer than {@code bound} in all. Returns at
     * once when nothing is pending.
     *
     * @return true when nothing is pending any more; false when the bound passed first (the sending goes on
     *         in the background and later calls retry what it could not deliver)
     * @throws EsaException the failure that stopped the sending; the undelivered reports stay pending, in
     *                      order, for the next call
     */
    public boolean flushWithin(Duration bound) throws EsaException {
        long boundNanos = bound.toNanos();
        long callDeadline = System.nanoTime() + boundNanos;
        while (true) {
            Sending current;
            synchronized (pending) {
                if (closed) {
                    return pending.isEmpty();
                }
                if (sending == null || sending.done.isDone()) {
                    if (pending.isEmpty()) {
                        return true;
                    }
                    sending = startSending();
                }
                current = sending;
            }
            long left = Math.min(current.startedNanos + boundNanos, callDeadline) - System.nanoTime();
            try {
                current.done.get(Math.max(left, 0), TimeUnit.NANOSECONDS);
            } catch (TimeoutException late) {
                warnLate(current, bound);
                return false;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof EsaException fault) {
                    throw fault;
                }
                throw new IllegalStateException("deletion reports could not be sent", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            // That sending is over; reports made while it ran may still be pending: send them too.
        }
    }

    private Sending startSending() {
        Sending s = new Sending();
        sender.execute(() -> {
            try {
                s.done.complete(flush());
            } catch (EsaException | RuntimeException e) {
                s.done.completeExceptionally(e);
            }
        });
        return s;
    }

    private void warnLate(Sending late, Duration bound) {
        synchronized (pending) {
            if (late.lateWarned) {
                return;
            }
            late.lateWarned = true;
        }
        LOG.log(System.Logger.Level.WARNING, "deletion reports: the sync host has not taken them within "
                + bound.toMillis() + " ms; calls proceed while " + pending() + " reports are still being sent");
    }

    /** Reports not yet delivered. */
    public int pending() {
        synchronized (pending) {
            return pending.size();
        }
    }

    /**
     * Refuses further reports and flushes; what cannot be delivered is logged at WARNING with its count
     * and then lost with the process.
     */
    @Override
    public void close() {
        synchronized (pending) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            // Waits for a background sending under way (the flush lock), then sends what is left.
            flush();
        } catch (EsaException e) {
            LOG.log(System.Logger.Level.WARNING, "deletion reports: " + pending() + " reports could not be "
                    + "delivered before shutdown and are lost; the host finds those deletions only through "
                    + "getDeleted or detectDeleted (" + e.getMessage() + ")");
        } finally {
            sender.shutdown();
        }
    }

    private static boolean refusesTheReport(EsaException e) {
        if (e instanceof HelperApiUnavailableException || e instanceof HelperApiAnswerException) {
            return false;
        }
        return e instanceof EsaRecordException || REFUSES_THE_REPORT.contains(e.code());
    }
}
