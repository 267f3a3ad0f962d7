package org.esabridge.jdbc.cursor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Finds a cursor's page starts as its pages are read, instead of in a pass over every key before the cursor is
 * answered (which kept the host waiting ~0.6 s per million rows before page 0).
 *
 * <p>Page {@code k + 1} starts at the key page-size entries after page {@code k}'s start (the first page of a part
 * from the start of the range). A page read ahead (the host reading in order) finds it as it reads page {@code k}:
 * one entry further than a page ({@link KeyedRows#pageAheadSql}), whose key is the start, so the database walks the
 * page's rows once. Otherwise the database skips page-size entries to find it ({@link KeyedRows#stepSql}) before
 * the page is read: a page sent to the host as it is read cannot take rows back should another reader have stored a
 * different start meanwhile, while a page read ahead is then dropped and read when asked. A page asked for beyond
 * the starts found walks forward from the latest one stored. Each start is stored once
 * ({@link CursorStore#addStart}): the first reader to store it wins and every reader of any node then cuts the page
 * there, so a page re-read or read out of order covers the same key range, and pages never overlap. Keys are what
 * the pages are cut by, as before: a row that changes while the cursor is read leaves the range (its modification
 * time passes the horizon) wherever the pages are cut, so finding a start late moves where pages end, never which
 * rows the cursor holds. Rows that left make the last pages short or empty; a start past the range's last entry is
 * not found, its page is empty and the page before it has no upper bound.
 */
final class PageStarts {
    private final CursorStore store;
    private final int queryTimeout;

    PageStarts(CursorStore store, int queryTimeout) {
        this.store = store;
        this.queryTimeout = queryTimeout;
    }

    /**
     * The starts of page {@code index} and of the page after it, found if need be; null for the first page of the
     * part ({@code first}), for a page past the part's {@code end}, and for a start past the range's last entry.
     *
     * @param findNext whether to find the next page's start when it is not stored; if not, it is null unless stored
     *                 (the caller reads the page one entry further and stores what it finds, {@link #found})
     */
    PageKey[] bounds(Connection c, CursorStore.Stored s, KeyedRows rows, long index, long first, long end,
                     boolean findNext) throws SQLException {
        PageKey[] b = store.bounds(c, s.id(), index);
        if (index == first) {
            b[0] = null; // a cursor stored before starts were found lazily kept the first page's start too
        }
        boolean lower = index > first && b[0] == null;
        boolean upper = findNext && index + 1 < end && b[1] == null;
        if (!lower && !upper) {
            return b;
        }
        long target = upper ? index + 1 : index;
        CursorStore.Start known = store.latestStart(c, s.id(), first + 1, target);
        long at = known == null ? first : known.index();
        PageKey key = known == null ? null : known.key();
        // Another reader may have stored this page's start, or the next one's too, since the first look.
        if (index > first && at == index) {
            b[0] = key;
        } else if (index > first && at > index && b[0] == null) {
            b[0] = store.bounds(c, s.id(), index)[0];
        }
        while (at < target) {
            PageKey next = step(c, s, rows, key);
            if (next == null) {
                break; // past the range's last entry
            }
            PageKey stored = store.addStart(c, s.id(), at + 1, next);
            key = stored == null ? next : stored;
            at++;
            if (at == index) {
                b[0] = key;
            }
        }
        if (at == target && upper) {
            b[1] = key;
        }
        return b;
    }

    /**
     * Stores the start of page {@code index} found by a read of the page before it past its end, unless another
     * reader stored one first; the stored start, which rules (null when the cursor is gone).
     */
    PageKey found(Connection c, CursorStore.Stored s, long index, PageKey key) throws SQLException {
        return store.addStart(c, s.id(), index, key);
    }

    /** The key page-size entries past {@code from} (the range's start when null), or null past the last entry. */
    private PageKey step(Connection c, CursorStore.Stored s, KeyedRows rows, PageKey from) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(rows.stepSql(from != null))) {
            ps.setQueryTimeout(queryTimeout);
            int i = rows.bindRange(ps, 1, s.after(), s.horizon());
            if (from != null) {
                i = rows.bindKey(ps, i, from);
            }
            ps.setLong(i, s.pageSize());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rows.key(rs) : null;
            }
        }
    }
}
