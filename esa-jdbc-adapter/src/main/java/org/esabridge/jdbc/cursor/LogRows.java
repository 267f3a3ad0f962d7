package org.esabridge.jdbc.cursor;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.esabridge.api.CursorType;
import org.esabridge.api.ResultSink;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.changes.RowsById;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;

/**
 * The entries the triggers log for one structure, in (time, seq) order, served by the (table_name, time, seq)
 * index: tombstones ({@code esa_tombstone}, sent as ids of rows absent when the page is read) or touches
 * ({@code esa_touched}, sent as the touched rows' records). A page's ids are collected and looked up together
 * ({@link RowsById}) when the page ends.
 */
final class LogRows extends EntryRows {
    /** Which log. */
    enum Log {
        TOMBSTONES(StateTables.TOMBSTONE, "deleted_at"),
        TOUCHED(StateTables.TOUCHED, "touched_at");

        final String table;
        final String time;

        Log(String table, String time) {
            this.table = table;
            this.time = time;
        }
    }

    private final TableSql table;
    private final Log log;
    private final Dialect dialect;
    private final int queryTimeout;
    private final List<String> ids = new ArrayList<>();

    LogRows(Log log, TableSql.CursorSql sql, TableSql table, Dialect dialect, int queryTimeout) {
        super(sql);
        this.log = log;
        this.table = table;
        this.dialect = dialect;
        this.queryTimeout = queryTimeout;
    }

    /** The statements over every structure's entries of a log; parameters: table name, after, horizon. */
    static TableSql.CursorSql sql(Dialect dialect, StateTables state, Log log) {
        return statements(dialect, state.of(log.table) + " WHERE table_name = ?", log.time);
    }

    @Override
    public CursorType type() {
        return log == Log.TOMBSTONES ? CursorType.IDS : CursorType.RECORDS;
    }

    @Override
    public int bindRange(PreparedStatement ps, int index, Instant after, Instant horizon) throws SQLException {
        ps.setString(index, table.table().name());
        ValueCodec.bindInstant(ps, index + 1, after);
        ValueCodec.bindInstant(ps, index + 2, horizon);
        return index + 3;
    }

    @Override
    public void emit(ResultSet rs, ResultSink sink) throws SQLException {
        ids.add(rs.getString(1));
    }

    @Override
    public void finish(Connection c, ResultSink sink) throws SQLException, IOException {
        if (log == Log.TOMBSTONES) {
            for (String id : new RowsById(table, queryTimeout).absent(c, ids)) {
                sink.id(id);
            }
        } else {
            new RowsById(table, queryTimeout).sendLive(c, dialect, ids, sink);
        }
        ids.clear();
    }
}
