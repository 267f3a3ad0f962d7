package org.esabridge.jdbc.postgres;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * How far the replication slot is behind the WAL, in bytes and in seconds, from periodic looks at the server's WAL
 * position and the slot's confirmed one. The seconds are those since the oldest look that saw WAL the slot has still
 * not confirmed: a lower bound of the age of what the slot holds back, within one look's interval. Unlike the
 * reader's own lag (transactions read but not yet indexed) this also counts WAL the reader never received: a stalled
 * walsender, a reader that hangs, a slot that is not confirmed.
 */
final class SlotLag {
    /** Looks kept at most; past it every other one is dropped, which only makes the bound coarser. */
    private static final int MAX_LOOKS = 4096;

    private record Look(long millis, long walLsn) {
    }

    private final ArrayDeque<Look> behind = new ArrayDeque<>();
    private volatile long bytes;

    /** One look: the server's WAL position and the slot's confirmed one, at {@code millis}. */
    synchronized void look(long millis, long walLsn, long confirmedLsn) {
        bytes = Math.max(0, walLsn - confirmedLsn);
        while (!behind.isEmpty() && behind.peekFirst().walLsn() <= confirmedLsn) {
            behind.removeFirst();
        }
        if (walLsn > confirmedLsn && (behind.isEmpty() || behind.peekLast().walLsn() < walLsn)) {
            behind.addLast(new Look(millis, walLsn));
        }
        if (behind.size() > MAX_LOOKS) {
            Iterator<Look> it = behind.iterator();
            it.next(); // the oldest stays: it carries the lag
            boolean drop = false;
            while (it.hasNext()) {
                it.next();
                if (drop) {
                    it.remove();
                }
                drop = !drop;
            }
        }
    }

    /** Forgets the looks (this node no longer reads the slot). */
    synchronized void clear() {
        behind.clear();
        bytes = 0;
    }

    long bytes() {
        return bytes;
    }

    synchronized double seconds(long nowMillis) {
        Look oldest = behind.peekFirst();
        return oldest == null ? 0 : Math.max(0, (nowMillis - oldest.millis()) / 1000.0);
    }
}
