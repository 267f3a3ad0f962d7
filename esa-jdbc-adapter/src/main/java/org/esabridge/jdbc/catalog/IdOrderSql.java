package org.esabridge.jdbc.catalog;

import java.util.StringJoiner;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * The statements of {@link PagePlan#ID_RANGES}, for a table without a modification index: changes found by one
 * walk along the id index, filtered by modification time, instead of a sort of the whole table by it. Built once
 * per catalog with the table's other statements ({@link TableSql#byId()}).
 *
 * <p>A page bound is written {@code a >= ? AND (a, b) >= (?, ?)} (upper: {@code a <= ? AND (a, b) < (?, ?)}):
 * the plain comparison on the leading id column gives the optimizer a range on the index, the row comparison
 * cuts inside it for a composite id.
 *
 * @param liveRows        cursor statements over live rows: the pass over the keys in id order, and pages that
 *                        are id ranges; parameters after, horizon, then the bounds ({@link #boundParameters})
 * @param softDeletedRows the same over soft-deleted rows (ids)
 * @param modified        getModified in one pass: at most {@code ?} live rows modified after {@code ?} (after,
 *                        limit), in id order, each with the number of rows found as its last column
 * @param softDeleted     the same for soft-deleted rows, selecting the id
 */
public record IdOrderSql(TableSql.CursorSql liveRows, TableSql.CursorSql softDeletedRows, String modified,
                         String softDeleted) {

    /** Parameters of one page bound: the leading id column, then every id column. */
    public static int boundParameters(Table t) {
        return 1 + t.idColumns().size();
    }

    static IdOrderSql of(RecordMapper m, String live, String deleted, Dialect dialect) {
        String ts = dialect.timestampParameter();
        String changed = " FROM " + m.idOrderFrom() + " WHERE " + m.mod() + " > " + ts;
        String order = " ORDER BY " + m.idOrder();
        return new IdOrderSql(cursor(m, m.selectList(), changed + " AND " + m.mod() + " <= " + ts + live, order),
                cursor(m, m.idOrder() + ", " + m.mod(), changed + " AND " + m.mod() + " <= " + ts + deleted, order),
                counted(m, m.selectList(), changed + live + order, dialect),
                counted(m, m.idOrder(), changed + deleted + order, dialect));
    }

    private static TableSql.CursorSql cursor(RecordMapper m, String select, String where, String order) {
        String lead = m.col(m.table().idColumns().get(0));
        String ids = "(" + m.idOrder() + ")";
        String params = "(?" + ", ?".repeat(m.table().idColumns().size() - 1) + ")";
        return TableSql.CursorSql.of(m.mod() + ", " + m.idOrder(), select, where,
                " AND " + lead + " >= ? AND " + ids + " >= " + params,
                " AND " + lead + " <= ? AND " + ids + " < " + params, order);
    }

    /**
     * One statement that both counts and streams: the walk stops past the limit, at most limit rows are kept (by
     * the database, not here), and every row carries their number, so the caller decides between the rows and
     * the protocol's NULL from the first one. Ordered by the id columns' positions, which lead every select list.
     */
    private static String counted(RecordMapper m, String select, String rest, Dialect dialect) {
        StringJoiner positions = new StringJoiner(", ");
        for (int i = 1; i <= m.table().idColumns().size(); i++) {
            positions.add(Integer.toString(i));
        }
        return "SELECT x.*, COUNT(*) OVER () FROM (SELECT " + select + rest + dialect.limit("?") + ") x ORDER BY "
                + positions;
    }
}
