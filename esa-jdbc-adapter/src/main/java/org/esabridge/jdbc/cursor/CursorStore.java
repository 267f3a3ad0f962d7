package org.esabridge.jdbc.cursor;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import org.esabridge.jdbc.catalog.PagePlan;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;

/**
 * The cursor tables: {@code esa_cursor} (one row per cursor) and {@code esa_cursor_page} (the first key of
 * every page; deleted with its cursor by a cascading foreign key). All times come from the database clock, so
 * every node agrees on expiry.
 */
final class CursorStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PURGE_BATCH = 500;
    private static final String COLUMNS = "id, structure, source, after, horizon, page_size, total, page_count,"
            + " expires_at, page_plan, touched_from";

    /**
     * A cursor as stored.
     *
     * @param plan        how the table's rows are cut into pages (fixed at opening)
     * @param touchedFrom the first page over {@code esa_touched} (a {@link Source#MODIFIED} cursor), or -1
     */
    record Stored(String id, String structure, Source source, Instant after, Instant horizon, int pageSize,
                  long total, long pageCount, Instant expiresAt, PagePlan plan, long touchedFrom) {
    }

    private final int timeoutMinutes;
    private final int queryTimeout;
    private final String insert;
    private final String touch;
    private final String find;
    private final String lease;
    private final String purge;
    private final String countLive;
    private final String addStart;
    private final String latestStart;

    private final String cursors;
    private final String pages;

    CursorStore(Dialect dialect, StateTables state, int timeoutMinutes, int queryTimeout) {
        this.cursors = state.cursor();
        this.pages = state.cursorPage();
        this.timeoutMinutes = timeoutMinutes;
        this.queryTimeout = queryTimeout;
        String now = dialect.now();
        String live = "expires_at > " + now;
        this.insert = "INSERT INTO " + cursors + " (" + COLUMNS + ", principal, requested_after, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " + now + ")";
        this.touch = "UPDATE " + cursors + " SET expires_at = " + dialect.plus(now, "?", ChronoUnit.SECONDS)
                + " WHERE id = ? AND principal = ? AND " + live + " AND expires_at < "
                + dialect.plus(now, "?", ChronoUnit.SECONDS);
        this.find = "SELECT " + COLUMNS + ", expires_at < " + dialect.plus(now, "?", ChronoUnit.SECONDS) + " FROM "
                + cursors + " WHERE id = ? AND principal = ? AND " + live;
        this.lease = "UPDATE " + cursors + " SET expires_at = GREATEST(expires_at, "
                + dialect.plus(now, "?", ChronoUnit.MINUTES) + ") WHERE principal = ? AND " + live;
        this.purge = dialect.deleteFirst(cursors, "expires_at <= " + now, "expires_at", PURGE_BATCH);
        this.countLive = "SELECT COUNT(*) FROM " + cursors + " WHERE principal = ? AND " + live;
        this.addStart = dialect.insertIfAbsent(pages, "cursor_id, page_index, first_mod, first_id", "VALUES (?, ?, ?, ?)");
        this.latestStart = "SELECT page_index, first_mod, first_id FROM " + pages + " WHERE cursor_id = ? AND page_index"
                + " BETWEEN ? AND ? ORDER BY page_index DESC" + dialect.limit("1");
    }

    /** 128 random bits, base64url without padding (22 characters): unguessable, and safe in XML and logs. */
    static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Stores a cursor; its page starts are stored as they are found ({@link PageStarts}). */
    void insert(Connection c, Stored s, String principal, Instant requestedAfter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            ps.setQueryTimeout(queryTimeout);
            ps.setString(1, s.id());
            ps.setString(2, s.structure());
            ps.setString(3, s.source().name());
            ValueCodec.bindInstant(ps, 4, s.after());
            ValueCodec.bindInstant(ps, 5, s.horizon());
            ps.setInt(6, s.pageSize());
            ps.setLong(7, s.total());
            ps.setLong(8, s.pageCount());
            ValueCodec.bindInstant(ps, 9, s.expiresAt());
            ps.setString(10, s.plan().name());
            if (s.touchedFrom() < 0) {
                ps.setNull(11, java.sql.Types.BIGINT);
            } else {
                ps.setLong(11, s.touchedFrom());
            }
            ps.setString(12, PrincipalKey.of(principal));
            ValueCodec.bindInstant(ps, 13, requestedAfter);
            ps.executeUpdate();
        }
    }

    /** Stores a cursor's counts ({@code total}, {@code page_count}, {@code touched_from}), found after {@link #insert}. */
    void counted(Connection c, Stored s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + cursors
                + " SET total = ?, page_count = ?, touched_from = ? WHERE id = ?")) {
            ps.setQueryTimeout(queryTimeout);
            ps.setLong(1, s.total());
            ps.setLong(2, s.pageCount());
            if (s.touchedFrom() < 0) {
                ps.setNull(3, java.sql.Types.BIGINT);
            } else {
                ps.setLong(3, s.touchedFrom());
            }
            ps.setString(4, s.id());
            ps.executeUpdate();
        }
    }

    /**
     * Stores the first key of page {@code index} unless one is stored already; the stored one, which every reader
     * of the cursor then uses (null when the cursor is gone).
     */
    PageKey addStart(Connection c, String id, long index, PageKey key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(addStart)) {
            ps.setQueryTimeout(queryTimeout);
            ps.setString(1, id);
            ps.setLong(2, index);
            ValueCodec.bindInstant(ps, 3, key.mod());
            ps.setString(4, key.id());
            if (ps.executeUpdate() == 1) {
                return key;
            }
        }
        return bounds(c, id, index)[0];
    }

    /** A page start as stored. */
    record Start(long index, PageKey key) {
    }

    /** The stored start of the latest page in {@code [lowest, index]}, or null. */
    Start latestStart(Connection c, String id, long lowest, long index) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(latestStart)) {
            ps.setQueryTimeout(queryTimeout);
            ps.setString(1, id);
            ps.setLong(2, lowest);
            ps.setLong(3, index);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Start(rs.getLong(1), new PageKey(ValueCodec.readInstant(rs, 2), rs.getString(3)))
                        : null;
            }
        }
    }

    /**
     * Finds a live cursor of this principal and extends its expiry; null when it is unknown, closed, expired
     * or another principal's.
     */
    Stored touch(Connection c, String id, String principal) throws SQLException {
        String who = PrincipalKey.of(principal);
        // Written only when the expiry would move by more than a tenth of the time-out (a minute at most): a
        // commit per page, flushed to disk, cost more than the page's own query on 1000-row pages, and a host
        // reading pages back to back then writes once a minute instead. Read first, so that a page costs one
        // statement here, not two.
        int timeoutSeconds = timeoutMinutes * 60;
        int stale = timeoutSeconds - Math.min(60, timeoutSeconds / 10);
        Stored found;
        try (PreparedStatement ps = c.prepareStatement(find)) {
            ps.setQueryTimeout(queryTimeout);
            ps.setInt(1, stale);
            ps.setString(2, id);
            ps.setString(3, who);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                found = new Stored(rs.getString(1), rs.getString(2), Source.valueOf(rs.getString(3)),
                        ValueCodec.readInstant(rs, 4), ValueCodec.readInstant(rs, 5), rs.getInt(6), rs.getLong(7),
                        rs.getLong(8), ValueCodec.readInstant(rs, 9), PagePlan.valueOf(rs.getString(10)),
                        rs.getObject(11) == null ? -1 : rs.getLong(11));
                if (!rs.getBoolean(12)) {
                    return found;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(touch)) {
            ps.setQueryTimeout(queryTimeout);
            ps.setInt(1, timeoutSeconds);
            ps.setString(2, id);
            ps.setString(3, who);
            ps.setInt(4, stale);
            ps.executeUpdate();
        }
        return found; // its expiry as it was read: no caller of a page uses it
    }

    /** The first keys of page {@code index} and of the page after it (null past the last page). */
    PageKey[] bounds(Connection c, String id, long index) throws SQLException {
        PageKey[] b = new PageKey[2];
        try (PreparedStatement ps = c.prepareStatement("SELECT page_index, first_mod, first_id FROM " + pages
                + " WHERE cursor_id = ? AND page_index IN (?, ?)")) {
            ps.setQueryTimeout(queryTimeout);
            ps.setString(1, id);
            ps.setLong(2, index);
            ps.setLong(3, index + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    b[(int) (rs.getLong(1) - index)] = new PageKey(ValueCodec.readInstant(rs, 2), rs.getString(3));
                }
            }
        }
        return b;
    }

    void delete(Connection c, String id, String principal) throws SQLException {
        update(c, "DELETE FROM " + cursors + " WHERE id = ? AND principal = ?", id, PrincipalKey.of(principal));
    }

    /** Extends the expiry of every live cursor of the principal. */
    void lease(Connection c, String principal) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(lease)) {
            ps.setQueryTimeout(queryTimeout);
            ps.setInt(1, timeoutMinutes);
            ps.setString(2, PrincipalKey.of(principal));
            ps.executeUpdate();
        }
    }

    void deleteAll(Connection c, String principal) throws SQLException {
        update(c, "DELETE FROM " + cursors + " WHERE principal = ?", PrincipalKey.of(principal));
    }

    /**
     * Deletes every expired cursor (and, by cascade, its pages), {@value #PURGE_BATCH} per statement so that no
     * statement holds its locks long; expiry outpacing a fixed number per call would otherwise let them pile up.
     */
    void purgeExpired(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(purge)) {
            ps.setQueryTimeout(queryTimeout);
            while (ps.executeUpdate() == PURGE_BATCH) {
                // another batch
            }
        }
    }

    /** The principal's cursors that have not expired. */
    long countLive(Connection c, String principal) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(countLive)) {
            ps.setQueryTimeout(queryTimeout);
            ps.setString(1, PrincipalKey.of(principal));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void update(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(queryTimeout);
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
