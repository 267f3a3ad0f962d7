package org.esabridge.jdbc.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;

/**
 * One fence's deadline: the timeout from its start, pushed on while the capture is on its way, within the budget
 * (see {@link CaptureFence}). Looks at the capture's progress from one look interval before the timeout on, every
 * interval. A leader that renewed its lease without moving may have died just after: that alone ends the wait only
 * when the interval before said the same. A fence keeps one deadline whichever way it waits (by position, then by a
 * marker).
 */
final class FenceDeadline {
    private final Dialect dialect;
    private final StateTables state;
    private final Duration leaseTtl;
    private final long start;
    private final long lookNanos;
    private final long budgetEnd;
    private long end;
    private long nextLook;
    private CaptureProgress seen;
    private CaptureProgress.Verdict verdict;

    /** @param lookNanos between two looks at the capture's progress: longer than the leader's renewal period */
    FenceDeadline(Dialect dialect, StateTables state, Duration timeout, Duration leaseTtl, long lookNanos, long start) {
        this.dialect = dialect;
        this.state = state;
        this.leaseTtl = leaseTtl;
        this.start = start;
        this.lookNanos = lookNanos;
        this.end = start + timeout.toNanos();
        this.budgetEnd = end + timeout.toNanos() + leaseTtl.toNanos();
        this.nextLook = Math.max(start, end - lookNanos);
    }

    /** Nanoseconds left until the next look or the end, whichever comes first; 0 or less: give up. */
    long left(Connection c) throws SQLException {
        long now = System.nanoTime();
        return dueForLook(now) ? look(CaptureProgress.look(c, dialect, state), now) : Math.min(end, nextLook) - now;
    }

    /** {@link #left(Connection)} on a connection of {@code ds} taken only when a look is due. */
    long left(DataSource ds) throws SQLException {
        long now = System.nanoTime();
        if (!dueForLook(now)) {
            return Math.min(end, nextLook) - now;
        }
        try (Connection c = ds.getConnection()) {
            return look(CaptureProgress.look(c, dialect, state), now);
        }
    }

    /** The fault of a fence that gave up. */
    EsaException expired() {
        return new EsaException(ErrorCode.DATABASE_UNAVAILABLE, "getCurrentTime: the change capture did not reach"
                + " the present within " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)
                + " s (is a binlog reader running?)");
    }

    private boolean dueForLook(long now) {
        return now - nextLook >= 0 || now - end >= 0; // the end may come a moment before the look it needs
    }

    private long look(CaptureProgress look, long now) {
        CaptureProgress.Verdict before = verdict;
        verdict = seen == null ? null : look.since(seen, leaseTtl);
        if (now - end >= 0) {
            if (now - budgetEnd >= 0 || verdict == CaptureProgress.Verdict.STUCK
                    || verdict == CaptureProgress.Verdict.RENEWED_IN_PLACE
                    && before == CaptureProgress.Verdict.RENEWED_IN_PLACE) {
                return 0;
            }
            // On its way, not yet looked at (this thread came late), or maybe stuck: one more interval.
            end = Math.min(budgetEnd, now + lookNanos);
        }
        seen = look;
        nextLook = now + lookNanos;
        return Math.min(end, nextLook) - now;
    }
}
