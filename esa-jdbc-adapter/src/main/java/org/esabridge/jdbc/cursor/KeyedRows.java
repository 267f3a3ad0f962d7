package org.esabridge.jdbc.cursor;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.esabridge.api.CursorType;
import org.esabridge.api.ResultSink;

/**
 * The entries a cursor pages through, in (modification time, id) order, restricted to
 * {@code after < mod <= horizon}: the SQL for the one pass that finds the page starts and for one page.
 *
 * <p>A page is the key range {@code [start_i, start_i+1)}. Each bound is written
 * {@code mod >= ? AND (mod, id) >= (?, ?)}: the plain comparison gives the optimizer a range on the
 * (mod, id) index, so any page costs the same however deep it lies; the row comparison cuts inside one
 * modification time.
 */
interface KeyedRows {

    CursorType type();

    /** Selects the keys (mod, id columns…) in order; parameters bound by {@link #bindRange}. */
    String keysSql();

    /** Counts the entries of the range; parameters bound by {@link #bindRange}. */
    String countSql();

    /**
     * Selects the key that many entries (the last parameter) into the range, or past a lower bound (a page start),
     * in key order: the next page's start, found without reading the entries.
     */
    String stepSql(boolean lower);

    /** The key of the current row of {@link #keysSql()} or {@link #stepSql}. */
    PageKey key(ResultSet rs) throws SQLException;

    /**
     * Selects one page.
     *
     * @param lower whether the page starts at a key (every page but the first)
     * @param upper whether the page ends before a key (every page but the last)
     */
    String pageSql(boolean lower, boolean upper);

    /**
     * Selects a page without an upper bound and at most the last parameter's number of entries: the page read
     * with one entry more, the next page's start ({@link #emitPage}'s answer), instead of a step to find it first.
     *
     * @param lower whether the page starts at a key (every page but the first)
     */
    String pageAheadSql(boolean lower);

    /** The key of the current row of {@link #pageSql} or {@link #pageAheadSql}. */
    PageKey pageKey(ResultSet rs) throws SQLException;

    /** Binds the (after, horizon] range (and whatever precedes it); returns the next parameter index. */
    int bindRange(PreparedStatement ps, int index, Instant after, Instant horizon) throws SQLException;

    /** Binds one bound of {@link #pageSql}; returns the next parameter index. */
    int bindKey(PreparedStatement ps, int index, PageKey key) throws SQLException;

    /** Sends the current row of {@link #pageSql} to the sink (or keeps it for {@link #finish}). */
    void emit(ResultSet rs, ResultSink sink) throws SQLException, IOException;

    /**
     * Sends the first {@code limit} rows of a page's result to the sink; {@code c} is the connection it was read on.
     * The SQL rows are counted, not what reaches the host (the sink may leave some out).
     *
     * @return the key of the row after the first {@code limit}, or null when there is none
     */
    default PageKey emitPage(Connection c, ResultSet rs, ResultSink sink, long limit) throws SQLException, IOException {
        for (long n = 0; rs.next(); n++) {
            if (n == limit) {
                return pageKey(rs);
            }
            emit(rs, sink);
        }
        return null;
    }

    /** Sends what {@link #emit} kept, after the page's last row, on a connection outside the page's read. */
    default void finish(Connection c, ResultSink sink) throws SQLException, IOException {
    }
}
