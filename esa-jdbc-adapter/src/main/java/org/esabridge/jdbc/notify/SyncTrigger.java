package org.esabridge.jdbc.notify;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the host to sync, coalescing (issue 5, item 4): at most one request in flight; any number of
 * {@link #trigger()}s meanwhile collapse into one follow-up, because a sync started after the last change
 * covers all of them. A failed or refused request is retried after a wait that doubles up to a cap, and the
 * retry stands in for any triggers that came meanwhile.
 *
 * <p>Thread-safe: {@link #trigger()} may be called from any thread and never blocks on the host.
 */
public final class SyncTrigger {
    private static final Logger LOG = LoggerFactory.getLogger(SyncTrigger.class);

    /** The request itself, typically {@code helper.startSync(true)}; a throw counts as a refusal. */
    @FunctionalInterface
    public interface Request {
        void send() throws Exception;
    }

    private final Request request;
    private final ScheduledExecutorService executor;
    private final Duration backoffBase;
    private final Duration backoffMax;
    private boolean inFlight;
    private boolean followUp;
    private int failures;

    public SyncTrigger(Request request, ScheduledExecutorService executor, Duration backoffBase, Duration backoffMax) {
        this.request = request;
        this.executor = executor;
        this.backoffBase = backoffBase;
        this.backoffMax = backoffMax;
    }

    /** Something changed: make sure a request is sent after this moment. */
    public void trigger() {
        synchronized (this) {
            if (inFlight) {
                followUp = true;
                return;
            }
            inFlight = true;
        }
        submit(0);
    }

    private void run() {
        boolean ok;
        try {
            request.send();
            ok = true;
        } catch (Exception e) {
            ok = false;
            LOG.warn("the sync host did not accept startSync ({}); retrying later", e.getMessage());
        }
        long delay;
        synchronized (this) {
            if (ok) {
                failures = 0;
                if (!followUp) {
                    inFlight = false;
                    return;
                }
                delay = 0;
            } else {
                failures++;
                delay = backoff(failures);
            }
            followUp = false;
        }
        submit(delay);
    }

    /** base · 2^(failures−1), at most the cap. */
    long backoff(int failures) {
        long base = backoffBase.toMillis();
        long max = backoffMax.toMillis();
        int shift = Math.min(failures - 1, 30);
        return Math.min(max, base << shift);
    }

    private void submit(long delayMillis) {
        try {
            executor.schedule(this::run, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: nothing more to ask the host.
            synchronized (this) {
                inFlight = false;
            }
        }
    }
}
