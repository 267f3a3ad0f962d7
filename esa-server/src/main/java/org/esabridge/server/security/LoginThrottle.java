package org.esabridge.server.security;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed logins per remote address, as token buckets: each address may fail {@code perMinute} times in a
 * burst, and earns one more attempt every {@code 60 / perMinute} seconds. Memory is bounded: at most
 * {@link #MAX_ADDRESSES} addresses are remembered, the least recently seen forgotten first — an attacker
 * with many addresses can make the server forget some, never make it grow.
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

    /** Seconds until the address may try again, 0 when it may now. */
    public synchronized long retryAfterSeconds(String address) {
        Bucket bucket = buckets.get(address);
        if (bucket == null) {
            return 0;
        }
        refill(bucket);
        return bucket.tokens >= 1 ? 0 : (long) Math.ceil((1 - bucket.tokens) / perNano / 1e9);
    }

    /** Records a failed login of the address. */
    public synchronized void failed(String address) {
        Bucket bucket = buckets.computeIfAbsent(address, a -> {
            Bucket b = new Bucket();
            b.tokens = capacity;
            b.updated = nanoTime.getAsLong();
            return b;
        });
        refill(bucket);
        bucket.tokens = Math.max(0, bucket.tokens - 1);
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
