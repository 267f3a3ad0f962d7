package org.esabridge.jdbc.cursor;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.esabridge.api.CursorType;
import org.esabridge.api.ResultSink;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.changes.IndexedChanges;
import org.esabridge.jdbc.changes.RowsById;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;

/**
 * The change-index entries of one structure (binlog capture mode, see {@link IndexedChanges}), in
 * (stamp, seq) order, served by the {@code (table_name, kind, stamp, seq)} index; page keys are
 * (stamp, seq as text).
 *
 * <p>A cursor's horizon is the reader's last committed stamp ({@link IndexedChanges#horizon}): an entry in
 * range is committed when the cursor is opened, and a later change of its row moves it past the horizon, out
 * of the cursor (the next sync delivers it). Entries never move within the range, so no id shows twice in one
 * cursor. A page reads its entries' ids (at most a page size of them), then the rows by primary key
 * {@value RowsById#BATCH} at a time, at the moment the page is read: records of live rows
 * ({@link Source#INDEX_MODIFIED}), ids absent from the table ({@link Source#INDEX_DELETED}) or marked deleted
 * ({@link Source#INDEX_MARKED}).
 */
final class IndexRows extends EntryRows {
    private final TableSql table;
    private final Source source;
    private final Dialect dialect;
    private final int queryTimeout;

    IndexRows(TableSql table, Source source, Dialect dialect, StateTables state, int queryTimeout) {
        super(statements(dialect, state.change() + " WHERE table_name = ? AND kind = ?", "stamp"));
        this.table = table;
        this.source = source;
        this.dialect = dialect;
        this.queryTimeout = queryTimeout;
    }

    private IndexedChanges.Kind kind() {
        return source == Source.INDEX_DELETED ? IndexedChanges.Kind.DELETED : IndexedChanges.Kind.MODIFIED;
    }

    @Override
    public CursorType type() {
        return source == Source.INDEX_MODIFIED ? CursorType.RECORDS : CursorType.IDS;
    }

    @Override
    public int bindRange(PreparedStatement ps, int index, Instant after, Instant horizon) throws SQLException {
        ps.setString(index, table.table().name());
        ps.setString(index + 1, kind().code());
        ValueCodec.bindInstant(ps, index + 2, after);
        ValueCodec.bindInstant(ps, index + 3, horizon);
        return index + 4;
    }

    @Override
    public void emit(ResultSet rs, ResultSink sink) {
        throw new IllegalStateException("a page of the change index is emitted whole (emitPage)");
    }

    @Override
    public PageKey emitPage(Connection c, ResultSet rs, ResultSink sink, long limit) throws SQLException, IOException {
        List<String> ids = new ArrayList<>();
        PageKey next = null;
        while (rs.next()) {
            if (ids.size() == limit) {
                next = pageKey(rs);
                break;
            }
            ids.add(rs.getString(1));
        }
        RowsById rows = new RowsById(table, queryTimeout);
        for (int from = 0; from < ids.size(); from += RowsById.BATCH) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + RowsById.BATCH));
            switch (source) {
                case INDEX_MODIFIED -> rows.sendLiveInOrder(c, dialect, batch, sink);
                case INDEX_DELETED -> {
                    for (String id : rows.absent(c, batch)) {
                        sink.id(id);
                    }
                }
                default -> {
                    Set<String> marked = rows.markedDeleted(c, dialect, batch);
                    for (String id : batch) {
                        if (marked.contains(id)) {
                            sink.id(id);
                        }
                    }
                }
            }
        }
        return next;
    }
}
