package org.esabridge.jdbc.changes;

import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.RecordMapper;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.ValueKind;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * The SQL of change capture for one table, shared by the inline calls and the cursors: rows ordered by
 * (modification time, id), so that an index on those columns serves the query and a keyset continuation
 * {@code (mod, id) > (?, ?)} cuts pages without OFFSET.
 *
 * <p>Timestamps are bound as {@code CAST(? AS DATETIME(6))}: compared with a TIMESTAMP or a low-precision
 * column, a bare string constant would be converted to the column's type and could lose its microseconds.
 */
public final class ChangeQueries {
    private final RecordMapper mapper;
    private final Dialect dialect;

    public ChangeQueries(RecordMapper mapper, Dialect dialect) {
        this.mapper = mapper;
        this.dialect = dialect;
    }

    public RecordMapper mapper() {
        return mapper;
    }

    /** A bound timestamp parameter. */
    public static final String TS = "CAST(? AS DATETIME(6))";

    /**
     * Rows modified after the first parameter, live ones only, in (mod, id) order.
     *
     * @param keyset whether to continue after a (mod, id) position given as further parameters
     */
    public String modifiedSql(boolean keyset) {
        return "SELECT " + mapper.selectList() + " FROM " + mapper.changesFrom() + " WHERE " + mapper.mod() + " > " + TS
                + live(mapper.table(), true) + (keyset ? " AND " + keysetCondition() : "")
                + " ORDER BY " + mapper.mod() + ", " + mapper.idOrder();
    }

    /** Counts at most {@code limit} rows of {@link #modifiedSql(boolean) modifiedSql(false)}; parameters: after, limit. */
    public String countModifiedSql() {
        return "SELECT COUNT(*) FROM (SELECT 1 FROM " + mapper.changesFrom() + " WHERE " + mapper.mod() + " > " + TS
                + live(mapper.table(), true) + " LIMIT ?) x";
    }

    /** Soft-deleted rows whose modification time is after the first parameter; selects the id columns. */
    public String softDeletedSql() {
        return "SELECT " + mapper.idOrder() + " FROM " + mapper.changesFrom() + " WHERE " + mapper.mod() + " > " + TS
                + live(mapper.table(), false) + " ORDER BY " + mapper.mod() + ", " + mapper.idOrder();
    }

    public String countSoftDeletedSql() {
        return "SELECT COUNT(*) FROM (SELECT 1 FROM " + mapper.changesFrom() + " WHERE " + mapper.mod() + " > " + TS
                + live(mapper.table(), false) + " LIMIT ?) x";
    }

    /** {@code (mod, a, b) > (?, ?, ?)}: the position after a row, for keyset paging. */
    public String keysetCondition() {
        StringBuilder q = new StringBuilder("(").append(mapper.mod()).append(", ").append(mapper.idOrder())
                .append(") > (").append(TS);
        for (int i = 0; i < mapper.table().idColumns().size(); i++) {
            q.append(", ?");
        }
        return q.append(")").toString();
    }

    /**
     * {@code AND <row is live>} (or deleted when {@code live} is false) for a soft-delete table; for other
     * tables every row is live. Numbers and booleans mark deletion when non-zero, other kinds when non-null.
     */
    public String live(Table t, boolean live) {
        Column sd = t.softDelete();
        if (sd == null) {
            return live ? "" : " AND FALSE";
        }
        String col = "t." + dialect.quote(sd.name());
        ValueKind kind = t.kind(sd);
        String deleted = kind == ValueKind.BOOLEAN || kind == ValueKind.INTEGER || kind == ValueKind.BITS
                ? "(" + col + " IS NOT NULL AND " + col + " <> 0)"
                : col + " IS NOT NULL";
        return live ? " AND NOT " + deleted : " AND " + deleted;
    }
}
