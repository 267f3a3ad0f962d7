package org.esabridge.jdbc;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Tables that exist but that a catalog reload did not serve (no primary key, excluded columns, …), each with the
 * time before which naming it does not reload the catalog again. Only names of existing tables get in, so the
 * map is as small as the schema (and capped besides).
 */
final class UnservableNames {
    private static final int MAX = 10_000;

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Long> recheckAt = new ConcurrentHashMap<>();

    UnservableNames(Duration interval, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    /** Whether a reload for this name is due: never seen unservable, or seen so longer than the interval ago. */
    boolean reloadDue(String name) {
        Long at = recheckAt.get(name);
        return at == null || nanoClock.getAsLong() - at >= 0;
    }

    /** A reload just now did not serve this name. */
    void unservable(String name) {
        if (recheckAt.size() < MAX || recheckAt.containsKey(name)) {
            recheckAt.put(name, nanoClock.getAsLong() + intervalNanos);
        }
    }
}
