package org.esabridge.server.security;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Credential checks per remote address, as token buckets: each address may have {@code perMinute} checks
 * in a burst, and earns one more every {@code 60 / perMinute} seconds. A check must {@link #reserve} its
 * token <em>before</em> it runs — counting failures only after the slow check would let a burst of parallel
 * guesses all pass — and a check that turns out right is {@link #refund refunded}, so only wrong guesses
 * stay spent. Addresses are keyed by {@link AddressKey} (an IPv6 caller by its /64).
 *
 * <p>Memory is bounded: at most {@link #MAX_ADDRESSES} keys are remembered, the least recently seen
 * forgotten first — an attacker with many addresses can make the server forget some, never make it grow.
 */
public final class LoginThrottle {
    static final int MAX_ADDRESSES = 10_000;

    private final double capacity;
    private final double perNano;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    private static final class Bucket {
        double tokens;
        long updated;
    }

    public LoginThrottle(int perMinute) {
        this(perMinute, System::nanoTime);
    }

    LoginThrottle(int perMinute, LongSupplier nanoTime) {
        this.capacity = perMinute;
        this.perNano = perMinute / 60e9;
        this.nanoTime = nanoTime;
    }

    /**
     * Takes one check's token from the address's bucket.
     *
     * @return 0 when a token was taken and the check may run; else the seconds until the address may try
     *         again, and nothing was taken
     */
    public synchronized long reserve(String remoteAddress) {
        Bucket bucket = buckets.computeIfAbsent(AddressKey.of(remoteAddress), a -> {
            Bucket b = new Bucket();
            b.tokens = capacity;
            b.updated = nanoTime.getAsLong();
            return b;
        });
        refill(bucket);
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perNano / 1e9));
    }

    /** Gives back a token {@link #reserve reserved} for a check that passed or did not run. */
    public synchronized void refund(String remoteAddress) {
        Bucket bucket = buckets.get(AddressKey.of(remoteAddress));
        if (bucket != null) {
            bucket.tokens = Math.min(capacity, bucket.tokens + 1);
        }
    }

    synchronized int size() {
        return buckets.size();
    }

    private void refill(Bucket bucket) {
        long now = nanoTime.getAsLong();
        bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.updated) * perNano);
        bucket.updated = now;
    }
}
