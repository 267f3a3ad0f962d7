package org.esabridge.jdbc.cursor;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.esabridge.api.CursorType;
import org.esabridge.api.ResultSink;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.dialect.Dialect;

/** The tombstones of one structure, in (deleted_at, seq) order, served by the (table_name, deleted_at, seq) index. */
final class TombstoneRows implements KeyedRows {
    private final TableSql.CursorSql sql;
    private final String table;

    TombstoneRows(TableSql.CursorSql sql, String table) {
        this.sql = sql;
        this.table = table;
    }

    /** The statements over every structure's tombstones; parameters: table name, after, horizon. */
    static TableSql.CursorSql sql(Dialect dialect) {
        String ts = dialect.timestampParameter();
        String where = " FROM esa_tombstone WHERE table_name = ? AND deleted_at > " + ts + " AND deleted_at <= " + ts;
        String order = " ORDER BY deleted_at, seq";
        return TableSql.CursorSql.of("SELECT deleted_at, seq" + where + order, "SELECT row_id" + where,
                " AND deleted_at >= " + ts + " AND (deleted_at, seq) >= (" + ts + ", ?)",
                " AND deleted_at <= " + ts + " AND (deleted_at, seq) < (" + ts + ", ?)", order);
    }

    @Override
    public CursorType type() {
        return CursorType.IDS;
    }

    @Override
    public String keysSql() {
        return sql.keys();
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
    public int bindRange(PreparedStatement ps, int index, Instant after, Instant horizon) throws SQLException {
        ps.setString(index, table);
        ValueCodec.bindInstant(ps, index + 1, after);
        ValueCodec.bindInstant(ps, index + 2, horizon);
        return index + 3;
    }

    @Override
    public int bindKey(PreparedStatement ps, int index, PageKey key) throws SQLException {
        ValueCodec.bindInstant(ps, index, key.mod());
        ValueCodec.bindInstant(ps, index + 1, key.mod());
        ps.setLong(index + 2, Long.parseLong(key.id()));
        return index + 3;
    }

    @Override
    public void emit(ResultSet rs, ResultSink sink) throws SQLException, IOException {
        sink.id(rs.getString(1));
    }
}
