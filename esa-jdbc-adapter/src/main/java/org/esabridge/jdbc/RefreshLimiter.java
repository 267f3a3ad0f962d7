package org.esabridge.jdbc;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets one catalog reload through per interval when a call names a structure the cached catalog does not know.
 * A new table is found by the next {@code getStructureList} or {@code startSync} at once, or by a miss after the
 * interval; unknown names sent in a loop cost a map lookup each, not a reload of the database's metadata.
 */
final class RefreshLimiter {
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong last;

    RefreshLimiter(Duration interval, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
        this.last = new AtomicLong(nanoClock.getAsLong() - intervalNanos);
    }

    /** Whether this caller may reload now; of concurrent callers at most one per interval gets true. */
    boolean tryAcquire() {
        long now = nanoClock.getAsLong();
        long previous = last.get();
        return now - previous >= intervalNanos && last.compareAndSet(previous, now);
    }
}
