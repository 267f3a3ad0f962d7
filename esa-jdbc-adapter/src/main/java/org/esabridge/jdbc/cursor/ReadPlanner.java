package org.esabridge.jdbc.cursor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.esabridge.jdbc.catalog.PagePlan;
import org.esabridge.jdbc.catalog.RecordMapper;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * Chooses a cursor's {@link PagePlan} when it opens, from what the database tells without reading rows: the
 * oldest modification time (the first entry of the modification index), and the optimizer's estimates of the
 * range's rows on that index and of the table's rows (where the dialect has them; else the oldest time alone). Only a table with both a modification and an id index has
 * a choice; {@link PagePlan#forRead} makes it.
 */
final class ReadPlanner {
    private final Dialect dialect;
    private final int queryTimeout;

    ReadPlanner(Dialect dialect, int queryTimeout) {
        this.dialect = dialect;
        this.queryTimeout = queryTimeout;
    }

    PagePlan choose(Connection c, TableSql sql, Instant from, Instant horizon) throws SQLException {
        Table t = sql.table();
        if (t.modIndex() == null || t.idIndex() == null) {
            return t.pagePlan();
        }
        RecordMapper m = sql.mapper();
        Instant oldest = oldest(c, sql);
        if (oldest == null) {
            return PagePlan.MOD_KEYSET;
        }
        if (from.isBefore(oldest)) {
            return PagePlan.forRead(t, true, 0, 0);
        }
        if (dialect.estimate("SELECT 1") == null) {
            return PagePlan.forRead(t, false, 0, 1);
        }
        String ts = dialect.timestampParameter();
        long range;
        try (PreparedStatement ps = c.prepareStatement(dialect.estimate("SELECT 1 FROM " + m.changesFrom() + " WHERE "
                + m.mod() + " > " + ts + " AND " + m.mod() + " <= " + ts))) {
            ps.setQueryTimeout(queryTimeout);
            m.bindMod(ps, 1, from);
            m.bindMod(ps, 2, horizon);
            range = estimatedRows(ps);
        }
        long all;
        try (PreparedStatement ps = c.prepareStatement(dialect.estimate("SELECT 1 FROM " + m.tableName()))) {
            ps.setQueryTimeout(queryTimeout);
            all = estimatedRows(ps);
        }
        return PagePlan.forRead(t, false, range, all);
    }

    /**
     * Whether a range starting at {@code from} holds every row the modification index has (from before its oldest
     * entry): a read of the whole table, whose count is cheaper as the table's less the rows outside the range.
     */
    boolean holdsEveryRow(Connection c, TableSql sql, Instant from) throws SQLException {
        if (sql.table().modIndex() == null) {
            return false;
        }
        Instant oldest = oldest(c, sql);
        return oldest != null && from.isBefore(oldest);
    }

    /** The oldest modification time, the first entry of the modification index; null for an empty table. */
    private Instant oldest(Connection c, TableSql sql) throws SQLException {
        RecordMapper m = sql.mapper();
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(" + m.mod() + ") FROM " + m.changesFrom())) {
            ps.setQueryTimeout(queryTimeout);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1) == null ? null : m.readMod(rs, 1);
            }
        }
    }

    private long estimatedRows(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(dialect.estimatedRowsColumn()) : 0;
        }
    }
}
