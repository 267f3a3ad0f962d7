package org.esabridge.jdbc.write;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The {@code last-seen} rule of esa-protocol.md §3 as one exclusive upper bound: a write goes ahead when the
 * stored modification time {@code M < bound(L)}.
 *
 * <ul>
 *   <li>If {@code L} has digits below the millisecond, the host kept our microseconds: not modified means
 *       {@code M <= L}, i.e. {@code M < L + 1µs} (M is stored to the microsecond at most).</li>
 *   <li>If {@code L} is a whole millisecond, the host may have cut our microseconds off: "a last-seen equal to
 *       the stored value truncated to milliseconds means not modified", i.e. {@code M <= L} or
 *       {@code truncMs(M) == L}, which together are {@code M < L + 1ms}.</li>
 * </ul>
 * The second case accepts a row changed again within the same millisecond. The adapter's own writes avoid
 * that window: every modification it stamps lies past the next millisecond boundary of the previous value
 * and never on a whole millisecond ({@link RecordWriter}), so a truncated {@code last-seen} of an older
 * version can never be mistaken for the current one, and a full-precision one is never read as truncated.
 */
public final class LastSeen {
    private LastSeen() {
    }

    public static Instant exclusiveBound(Instant lastSeen) {
        Instant l = lastSeen.truncatedTo(ChronoUnit.MICROS);
        return l.getNano() % 1_000_000 == 0 && l.equals(lastSeen) ? l.plusMillis(1) : l.plus(1, ChronoUnit.MICROS);
    }
}
