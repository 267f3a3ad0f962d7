package org.esabridge.jdbc.cursor;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.esabridge.api.CursorType;
import org.esabridge.api.ResultSink;
import org.esabridge.jdbc.catalog.RecordMapper;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.changes.ChangeQueries;

/**
 * Rows of a structure's table: live rows as records ({@code getModifiedPaged}), or soft-deleted rows as ids
 * ({@code getDeletedPaged} with a soft-delete column).
 */
final class TableRows implements KeyedRows {
    private final RecordMapper m;
    private final boolean live;
    private final String where;
    private final String order;

    TableRows(ChangeQueries q, boolean live) {
        this.m = q.mapper();
        this.live = live;
        this.where = " FROM " + m.changesFrom() + " WHERE " + m.mod() + " > " + ChangeQueries.TS + " AND " + m.mod() + " <= "
                + ChangeQueries.TS + q.live(m.table(), live);
        this.order = " ORDER BY " + m.mod() + ", " + m.idOrder();
    }

    @Override
    public CursorType type() {
        return live ? CursorType.RECORDS : CursorType.IDS;
    }

    @Override
    public String keysSql() {
        return "SELECT " + m.mod() + ", " + m.idOrder() + where + order;
    }

    @Override
    public PageKey key(ResultSet rs) throws SQLException {
        return new PageKey(ValueCodec.readInstant(rs, 1), m.readId(rs, 2));
    }

    @Override
    public String pageSql(boolean lower, boolean upper) {
        return "SELECT " + (live ? m.selectList() : m.idOrder()) + where + (lower ? " AND " + bound(">=", ">=") : "")
                + (upper ? " AND " + bound("<=", "<") : "") + order;
    }

    private String bound(String modOp, String keyOp) {
        StringBuilder b = new StringBuilder(m.mod()).append(' ').append(modOp).append(' ').append(ChangeQueries.TS)
                .append(" AND (").append(m.mod()).append(", ").append(m.idOrder()).append(") ").append(keyOp)
                .append(" (").append(ChangeQueries.TS);
        for (int i = 0; i < m.table().idColumns().size(); i++) {
            b.append(", ?");
        }
        return b.append(')').toString();
    }

    @Override
    public int bindRange(PreparedStatement ps, int index, Instant after, Instant horizon) throws SQLException {
        ValueCodec.bindInstant(ps, index, after);
        ValueCodec.bindInstant(ps, index + 1, horizon);
        return index + 2;
    }

    @Override
    public int bindKey(PreparedStatement ps, int index, PageKey key) throws SQLException {
        ValueCodec.bindInstant(ps, index, key.mod());
        ValueCodec.bindInstant(ps, index + 1, key.mod());
        try {
            return m.bindId(ps, index + 2, key.id());
        } catch (ValueCodec.BadValueException e) {
            // The key was read from this table's own rows; failing to bind it back is a bug, not bad input.
            throw new SQLException("a stored page key does not fit the id columns", e);
        }
    }

    @Override
    public void emit(ResultSet rs, ResultSink sink) throws SQLException, IOException {
        if (live) {
            sink.record(m.map(rs));
        } else {
            sink.id(m.readId(rs, 1));
        }
    }
}
