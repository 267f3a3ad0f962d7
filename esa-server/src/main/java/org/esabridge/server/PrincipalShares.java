package org.esabridge.server;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Each principal's share of the call slots ({@code max-calls-per-principal}): the calls one caller has in
 * progress, refused beyond the share at once, never queued. A call holds a database connection while its answer
 * streams, so a share below {@code pool-size} also bounds the part of the pool one caller can hold: clients of one
 * principal that ask for large answers and never read them cannot starve the other callers.
 */
final class PrincipalShares {
    private final int perPrincipal;
    private final ConcurrentHashMap<String, Integer> inProgress = new ConcurrentHashMap<>();

    PrincipalShares(int perPrincipal) {
        if (perPrincipal <= 0) {
            throw new IllegalArgumentException("perPrincipal must be positive");
        }
        this.perPrincipal = perPrincipal;
    }

    /** Takes one of the principal's slots; false when all are taken. Each true is followed by one {@link #release}. */
    boolean tryAcquire(String principal) {
        boolean[] taken = new boolean[1];
        inProgress.compute(principal, (p, calls) -> {
            int now = calls == null ? 0 : calls;
            if (now >= perPrincipal) {
                return now;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    void release(String principal) {
        // A principal without calls is forgotten, so the map holds only the callers of the moment.
        inProgress.computeIfPresent(principal, (p, calls) -> calls <= 1 ? null : calls - 1);
    }

    int perPrincipal() {
        return perPrincipal;
    }
}
