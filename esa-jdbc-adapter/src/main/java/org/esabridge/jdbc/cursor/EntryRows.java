package org.esabridge.jdbc.cursor;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * Entries that name rows of one structure by id — the change index's, or the capture triggers' logs — paged in
 * (time, seq) order over an index that leads with the structure's name. Page keys are (time, seq as text); each
 * page's statement selects the entries' {@code row_id}s, which the subclass turns into records or ids.
 */
abstract class EntryRows implements KeyedRows {
    private final TableSql.CursorSql sql;

    EntryRows(TableSql.CursorSql sql) {
        this.sql = sql;
    }

    /**
     * The statements over {@code source} (a table and its leading conditions, e.g. {@code esa_change WHERE
     * table_name = ? AND kind = ?}) whose entries are timed by the column {@code time}; then parameters after and
     * horizon.
     */
    static TableSql.CursorSql statements(Dialect dialect, String source, String time) {
        String ts = dialect.timestampParameter();
        String where = " FROM " + source + " AND " + time + " > " + ts + " AND " + time + " <= " + ts;
        String order = " ORDER BY " + time + ", seq";
        return TableSql.CursorSql.of(time + ", seq", "row_id, " + time + ", seq", where,
                " AND " + time + " >= " + ts + " AND (" + time + ", seq) >= (" + ts + ", ?)",
                " AND " + time + " <= " + ts + " AND (" + time + ", seq) < (" + ts + ", ?)", order);
    }

    @Override
    public String keysSql() {
        return sql.keys();
    }

    @Override
    public String countSql() {
        return sql.count();
    }

    @Override
    public String stepSql(boolean lower) {
        return sql.step(lower);
    }

    @Override
    public PageKey key(ResultSet rs) throws SQLException {
        return new PageKey(ValueCodec.readInstant(rs, 1), Long.toString(rs.getLong(2)));
    }

    @Override
    public String pageSql(boolean lower, boolean upper) {
        return sql.page(lower, upper);
    }

    @Override
    public String pageAheadSql(boolean lower) {
        return sql.ahead(lower);
    }

    @Override
    public PageKey pageKey(ResultSet rs) throws SQLException {
        return new PageKey(ValueCodec.readInstant(rs, 2), Long.toString(rs.getLong(3)));
    }

    @Override
    public int bindKey(PreparedStatement ps, int index, PageKey key) throws SQLException {
        ValueCodec.bindInstant(ps, index, key.mod());
        ValueCodec.bindInstant(ps, index + 1, key.mod());
        ps.setLong(index + 2, Long.parseLong(key.id()));
        return index + 3;
    }
}
