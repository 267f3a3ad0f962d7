package org.esabridge.jdbc.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Objects;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;

/**
 * One look at how the change capture fares, as any node sees it in the database: where the reader stands
 * ({@code esa_capture}) and who holds its lease ({@code esa_lease}). Two looks tell a fence whether waiting on is
 * worth it ({@link #since}): a reader that moved or spilled more of a huge transaction ({@link ChangeIndex#spill}),
 * a lease that changed hands, or a lease left to run out (its holder died; another node takes it when it expires)
 * mean the capture is on its way; a live holder that renews and does not move is stuck.
 *
 * @param lastSeq      the last entry written
 * @param updatedAt    when the reader last stored its position
 * @param holder       the lease's holder, or null
 * @param expiresAt    when the lease runs out, or null when there is no lease row
 * @param expiresInMicros how long until it runs out, by the database's clock (negative: expired)
 * @param lastSpilled  the newest spilled row ({@code spill_id:seq}), or null
 */
record CaptureProgress(long lastSeq, LocalDateTime updatedAt, String holder, LocalDateTime expiresAt,
                       long expiresInMicros, String lastSpilled) {

    static CaptureProgress look(Connection c, Dialect dialect, StateTables state) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT c.last_seq, c.updated_at, l.holder, l.expires_at,"
                + " " + dialect.now() + ","
                + " (SELECT CONCAT(spill_id, ':', seq) FROM " + state.changeSpill()
                + " ORDER BY spill_id DESC, seq DESC LIMIT 1)"
                + " FROM " + state.capture() + " c LEFT JOIN " + state.lease() + " l ON l.name = ? WHERE c.name = ?")) {
            ps.setString(1, CaptureLeadership.LEASE);
            ps.setString(2, ChangeIndex.NAME);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new CaptureProgress(0, null, null, null, -1, null);
                }
                LocalDateTime expires = rs.getObject(4, LocalDateTime.class);
                LocalDateTime now = rs.getObject(5, LocalDateTime.class);
                // Measured here, not in SQL: the difference of two timestamps is spelled differently by each engine.
                long expiresIn = expires == null ? 0 : java.time.temporal.ChronoUnit.MICROS.between(now, expires);
                return new CaptureProgress(rs.getLong(1), rs.getObject(2, LocalDateTime.class), rs.getString(3),
                        expires, expiresIn, rs.getString(6));
            }
        }
    }

    /** What two looks say. */
    enum Verdict {
        /** Moving, changing hands, or a dead leader's lease running out: worth waiting for. */
        ON_ITS_WAY,
        /** The leader renewed its lease and did not move: stuck, unless it died right after renewing. */
        RENEWED_IN_PLACE,
        /** Held far beyond a time to live and not moving: nobody will take it over. */
        STUCK
    }

    /**
     * How the capture fared since {@code before}, a look taken at least one renewal period earlier.
     *
     * @param leaseTtl the lease's time to live: a lease that runs out later than that is not being taken over
     */
    Verdict since(CaptureProgress before, Duration leaseTtl) {
        if (lastSeq != before.lastSeq || !Objects.equals(updatedAt, before.updatedAt)
                || !Objects.equals(holder, before.holder) || !Objects.equals(lastSpilled, before.lastSpilled)) {
            return Verdict.ON_ITS_WAY; // the reader moved (or spilled more of a huge transaction), or the lease changed hands
        }
        if (holder == null || expiresInMicros < 0) {
            return Verdict.ON_ITS_WAY; // free or run out: a waiting node takes it at its next look
        }
        if (expiresInMicros > leaseTtl.toNanos() / 1000) {
            return Verdict.STUCK; // a lease set far into the future by hand is nobody's takeover
        }
        // A holder that lives renews well within a look's interval; one that stopped will be replaced when the lease
        // runs out, within its time to live.
        return Objects.equals(expiresAt, before.expiresAt) ? Verdict.ON_ITS_WAY : Verdict.RENEWED_IN_PLACE;
    }
}
