package org.esabridge.server;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.esabridge.api.Cursor;

/**
 * The cursors this server handed out that are neither closed, released nor expired: counted from the calls
 * themselves, because the SPI has no "how many cursors are open". A cursor's time-out is taken from its first
 * {@code expires-at} and renewed by {@code leaseSession} and {@code readDataPage} of its session. A cursor
 * made through another node behind the same load balancer is not counted here. Bounded: past
 * {@link #MAX_TRACKED} cursors, new ones are no longer tracked.
 */
final class CursorGauge {
    static final int MAX_TRACKED = 100_000;

    private record Tracked(String principal, Duration ttl, Instant expiresAt) {
    }

    private final Map<String, Tracked> cursors = new ConcurrentHashMap<>();

    void opened(String principal, Cursor cursor) {
        if (cursors.size() >= MAX_TRACKED) {
            purgeExpired();
            if (cursors.size() >= MAX_TRACKED) {
                return;
            }
        }
        Instant now = Instant.now();
        Duration ttl = Duration.between(now, cursor.expiresAt());
        cursors.put(cursor.cursorId(), new Tracked(principal, ttl.isNegative() ? Duration.ZERO : ttl, cursor.expiresAt()));
    }

    void closed(String cursorId) {
        cursors.remove(cursorId);
    }

    void leased(String principal) {
        Instant now = Instant.now();
        cursors.replaceAll((id, t) -> t.principal().equals(principal) && t.expiresAt().isAfter(now)
                ? new Tracked(t.principal(), t.ttl(), now.plus(t.ttl())) : t);
    }

    void read(String cursorId) {
        Instant now = Instant.now();
        cursors.computeIfPresent(cursorId, (id, t) -> t.expiresAt().isAfter(now)
                ? new Tracked(t.principal(), t.ttl(), now.plus(t.ttl())) : t);
    }

    void released(String principal) {
        cursors.values().removeIf(t -> t.principal().equals(principal));
    }

    int open() {
        purgeExpired();
        return cursors.size();
    }

    private void purgeExpired() {
        Instant now = Instant.now();
        cursors.values().removeIf(t -> !t.expiresAt().isAfter(now));
    }
}
