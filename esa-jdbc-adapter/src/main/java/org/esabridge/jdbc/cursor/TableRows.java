package org.esabridge.jdbc.cursor;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.esabridge.api.CursorType;
import org.esabridge.api.ResultSink;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.PagePlan;
import org.esabridge.jdbc.catalog.RecordId;
import org.esabridge.jdbc.catalog.RecordMapper;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.catalog.ValueCodec;

/**
 * Rows of a structure's table: live rows as records ({@code getModifiedPaged}), or soft-deleted rows as ids
 * ({@code getDeletedPaged} with a soft-delete column). The statements are the table's, built with the catalog,
 * for the cursor's {@link PagePlan}: keyset pages in (mod, id) order, or id ranges. Either way the keys pass
 * selects (mod, id), so a page start is stored alike; an id range binds only its id.
 */
final class TableRows implements KeyedRows {
    private final RecordMapper m;
    private final boolean live;
    private final PagePlan plan;
    private final TableSql.CursorSql sql;
    private final String count;

    TableRows(TableSql t, boolean live, PagePlan plan) {
        this.m = t.mapper();
        this.live = live;
        this.plan = plan;
        this.sql = switch (plan) {
            case MOD_KEYSET -> live ? t.liveRows() : t.softDeletedRows();
            case ID_RANGES -> live ? t.byId().liveRows() : t.byId().softDeletedRows();
        };
        // Counted on the modification index when there is one, whatever the plan: a range of its small entries
        // instead of the table's rows.
        TableSql.CursorSql byMod = live ? t.liveRows() : t.softDeletedRows();
        this.count = t.table().modIndex() != null ? byMod.count() : sql.count();
    }

    @Override
    public CursorType type() {
        return live ? CursorType.RECORDS : CursorType.IDS;
    }

    @Override
    public String keysSql() {
        return sql.keys();
    }

    @Override
    public String countSql() {
        return count;
    }

    @Override
    public String stepSql(boolean lower) {
        return sql.step(lower);
    }

    @Override
    public PageKey key(ResultSet rs) throws SQLException {
        return new PageKey(m.readMod(rs, 1), m.readId(rs, 2));
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
        // Records and ids alike select the id columns, then the modification time.
        return new PageKey(m.readMod(rs, m.modIndex()), m.readId(rs, 1));
    }
    @Override
    public int bindRange(PreparedStatement ps, int index, Instant after, Instant horizon) throws SQLException {
        m.bindMod(ps, index, after);
        m.bindMod(ps, index + 1, horizon);
        return index + 2;
    }

    @Override
    public int bindKey(PreparedStatement ps, int index, PageKey key) throws SQLException {
        try {
            if (plan == PagePlan.ID_RANGES) {
                Column lead = m.table().idColumns().get(0);
                String first = RecordId.decode(key.id(), m.table().idColumns().size()).get(0);
                m.values().bindLookup(ps, index, lead, m.table().kind(lead), first);
                return m.bindId(ps, index + 1, key.id());
            }
            m.bindMod(ps, index, key.mod());
            m.bindMod(ps, index + 1, key.mod());
            return m.bindId(ps, index + 2, key.id());
        } catch (ValueCodec.BadValueException e) {
            // The key was read from this table's own rows; failing to bind it back is a bug, not bad input.
            throw new SQLException("a stored page key does not fit the id columns", e);
        }
    }

    @Override
    public void emit(ResultSet rs, ResultSink sink) throws SQLException, IOException {
        if (live) {
            if (!(sink instanceof PagePrefetch.Page page) || !page.encodeRow(rs, m)) {
                sink.record(m.map(rs));
            }
        } else {
            sink.id(m.readId(rs, 1));
        }
    }
}
