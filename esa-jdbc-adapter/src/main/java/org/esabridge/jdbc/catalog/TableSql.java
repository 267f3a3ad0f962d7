package org.esabridge.jdbc.catalog;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * Every statement about one table's rows that depends on the table alone, built once per catalog
 * ({@link Catalog#sql}) instead of on every call; a catalog refresh builds new ones. Statements that also
 * depend on the request (the columns a write sets, the size of an id batch) are completed by their callers
 * from {@link #mapper()}'s fragments.
 *
 * <p>Changes are read in (modification time, id) order, so that an index on those columns serves the query
 * and a keyset continuation {@code (mod, id) > (?, ?)} cuts pages without OFFSET; those queries are pinned
 * to the table's modification index ({@link RecordMapper#changesFrom()}). Timestamps are bound as
 * {@link Dialect#timestampParameter()}.
 *
 * @param table            the table
 * @param mapper           rows ⇄ records, and the fragments the statements are made of
 * @param modified         live rows modified after {@code ?}, in (mod, id) order, selecting the record
 * @param countModified    counts at most {@code ?} rows of {@code modified}; parameters: after, limit
 * @param softDeleted      soft-deleted rows whose modification time is after {@code ?}, selecting the id
 * @param countSoftDeleted counts at most {@code ?} rows of {@code softDeleted}; parameters: after, limit
 * @param liveRows         the cursor statements over live rows (records)
 * @param softDeletedRows  the cursor statements over soft-deleted rows (ids)
 * @param read             the live record with id {@code ?…}
 * @param countRange       counts the live ids between {@code (?…)} and {@code (?…)}, inclusive
 * @param readAny          the record with id {@code ?…}, live or not (a write reads back what it stored)
 * @param currentMod       the modification time of the live row with id {@code ?…}
 * @param stampAndCheck    the end of an UPDATE's SET list: {@code mod = <next stamp of ?>}, then the WHERE
 *                         of a live row with id {@code ?…} not modified since {@code ?} (last-seen)
 * @param delete           deletes, or marks deleted, the row with id {@code ?…}: for a table with a version
 *                         table or stamped by the change index unconditionally (its writer checks under a row
 *                         lock, {@link Table#checkedUnderLock()}), otherwise as the end
 *                         of {@code stampAndCheck} (with the stamp first when soft-deleting)
 * @param lockLive         locks the live row with id {@code ?…} (tables checked under a lock)
 * @param stampVersion     sets the version of id {@code ?…} to {@code ?}, or null without a version table
 * @param referenced       per cascading foreign key ({@link Table#cascades()}), whether a row refers to the
 *                         row with id {@code ?…}
 * @param maxModified      the latest modification time of the table
 * @param idProbe          selects the row with id {@code ?…}, unconditionally; binding it checks an id
 * @param byId             the change statements that walk the table in id order, for a table without a
 *                         modification index ({@link PagePlan#ID_RANGES})
 * @param fetchRows        the rows of the table a statement reading its records fetches at once
 *                         ({@link RowWidth#fetchRows}); so many records, at most, are read in one batch by id
 * @param countLiveOutside counts the live rows up to {@code ?} (the horizon) of a table none of whose rows is modified
 *                         at or before a read's {@code after}, as the table's rows less those past the horizon or
 *                         without a modification time, in one statement: a count of the whole table skips
 *                         evaluating the range per row, and the rows left out are ranges of the modification index,
 *                         so for a read of every row it costs a fraction of {@code liveRows}' count (measured at 1M
 *                         rows: 0.12-0.2 s against 0.3-0.55 s). (A bound before the earliest TIMESTAMP, as a first
 *                         sync's {@code after} is, makes no range on some engines: hence no part below {@code after}.) Null
 *                         when the rows cannot be counted so: no modification index, a soft-delete column, a version
 *                         table, or stamps of the change index
 */
public record TableSql(Table table, RecordMapper mapper, String modified, String countModified, String softDeleted,
                       String countSoftDeleted, CursorSql liveRows, CursorSql softDeletedRows, String read,
                       String countRange, String readAny, String currentMod, String stampAndCheck, String delete,
                       String lockLive, String stampVersion, List<String> referenced, String maxModified,
                       String idProbe, IdOrderSql byId, int fetchRows, String countLiveOutside) {

    /**
     * What a cursor runs over one table's rows in {@code after < mod <= horizon} (parameters after, horizon
     * first): the pass over the keys, the count, a step to a later page start, and a page between two keys (see
     * {@code cursor.KeyedRows}).
     *
     * @param keys  selects the keys in order
     * @param pages the page statement without bounds, with a lower, with an upper, and with both
     * @param count counts the entries of the range
     * @param steps the key {@code ?} entries into the range (the last parameter), from its start and from a lower
     *              bound
     * @param ahead a page without an upper bound and at most {@code ?} entries (the last parameter), from the
     *              range's start and from a lower bound: a page read with one entry more, whose key is the next
     *              page's start
     */
    public record CursorSql(String keys, List<String> pages, String count, List<String> steps, List<String> ahead) {
        /**
         * From its parts: {@code keyColumns} and {@code columns} are selected from {@code where} (a FROM clause and
         * its conditions); a page adds its bounds' conditions (lower first), then {@code order}. {@code columns}
         * holds the key's values too, so that a page's row tells where the next page starts.
         */
        public static CursorSql of(String keyColumns, String columns, String where, String lower, String upper,
                                   String order) {
            String select = "SELECT " + columns + where;
            String keys = "SELECT " + keyColumns + where;
            // LIMIT … OFFSET: both dialects' syntax; the database skips the entries, none is sent.
            String step = order + " LIMIT 1 OFFSET ?";
            return new CursorSql(keys + order, List.of(select + order, select + lower + order, select + upper + order,
                    select + lower + upper + order), "SELECT COUNT(*)" + where, List.of(keys + step, keys + lower + step),
                    List.of(select + order + " LIMIT ?", select + lower + order + " LIMIT ?"));
        }

        /** The page statement; its bounds' parameters follow the range's, lower first. */
        public String page(boolean lower, boolean upper) {
            return pages.get((lower ? 1 : 0) + (upper ? 2 : 0));
        }

        /** The step statement; the lower bound's parameters follow the range's, then the number of entries skipped. */
        public String step(boolean lower) {
            return steps.get(lower ? 1 : 0);
        }

        /** The page read ahead of its end; the lower bound's parameters follow the range's, then the limit. */
        public String ahead(boolean lower) {
            return ahead.get(lower ? 1 : 0);
        }
    }

    /** Builds every statement of the table. */
    public static TableSql of(Table t, Dialect dialect) {
        RecordMapper m = new RecordMapper(t, dialect);
        String ts = dialect.timestampParameter();
        String live = live(t, true, dialect);
        String deleted = live(t, false, dialect);
        String changes = " FROM " + m.changesFrom() + " WHERE " + m.mod() + " > " + ts;
        String order = " ORDER BY " + m.mod() + ", " + m.idOrder();
        String byId = " FROM " + m.from() + " WHERE " + m.idWhere();
        String notModified = "(" + m.mod() + " IS NULL OR " + m.mod() + " < " + ts + ")";
        String check = " WHERE " + m.idWhere() + " AND " + notModified + live;

        String ids = "(" + m.idOrder() + ")";
        String params = "(?" + ", ?".repeat(t.idColumns().size() - 1) + ")";
        String countRange = "SELECT COUNT(*) FROM " + m.from() + " WHERE " + ids + " >= " + params + " AND " + ids
                + " <= " + params + live;

        // Unused for tables checked under a lock (their writers stamp a version or let the change index stamp).
        String stamp = (t.versionTable() == null && !t.indexStamped() ? m.target(t.modColumn()) : m.mod()) + " = "
                + nextStamp(t, m.mod(), dialect);
        String delete;
        if (t.checkedUnderLock()) {
            delete = t.softDelete() == null
                    ? dialect.deleteFrom(m.tableName() + " t") + " WHERE " + m.idWhere()
                    : "UPDATE " + m.tableName() + " t SET " + m.target(t.softDelete()) + " = "
                            + deletedMarker(t, dialect) + " WHERE " + m.idWhere();
        } else {
            delete = t.softDelete() == null
                    ? dialect.deleteFrom(m.from()) + check
                    : "UPDATE " + m.from() + " SET " + m.target(t.softDelete()) + " = " + deletedMarker(t, dialect)
                            + ", " + stamp + check;
        }
        String stampVersion = null;
        if (t.versionTable() != null) {
            String idColumns = String.join(", ", t.idColumns().stream().map(c -> dialect.quote(c.name())).toList());
            stampVersion = dialect.upsert(dialect.quote(t.versionTable()), idColumns + ", esa_modified_at",
                    "?" + ", ?".repeat(t.idColumns().size() - 1) + ", " + ts, idColumns,
                    "esa_modified_at = " + dialect.inserted("esa_modified_at"));
        }
        List<String> referenced = new ArrayList<>();
        for (Table.ForeignKey fk : t.cascades()) {
            StringBuilder cols = new StringBuilder();
            StringBuilder refs = new StringBuilder();
            for (int k = 0; k < fk.columns().size(); k++) {
                cols.append(k == 0 ? "" : ", ").append("x.").append(dialect.quote(fk.columns().get(k)));
                refs.append(k == 0 ? "" : ", ").append("t.").append(dialect.quote(fk.refColumns().get(k)));
            }
            referenced.add("SELECT EXISTS (SELECT 1 FROM " + dialect.quote(fk.table()) + " x JOIN " + m.tableName()
                    + " t ON (" + cols + ") = (" + refs + ") WHERE " + m.idWhere() + ")");
        }
        return new TableSql(t, m,
                "SELECT " + m.selectList() + changes + live + order,
                "SELECT COUNT(*) FROM (SELECT 1" + changes + live + dialect.limit("?") + ") x",
                "SELECT " + m.idOrder() + changes + deleted + order,
                "SELECT COUNT(*) FROM (SELECT 1" + changes + deleted + dialect.limit("?") + ") x",
                cursor(m, true, live, ts), cursor(m, false, deleted, ts),
                "SELECT " + m.selectList() + byId + live,
                countRange,
                "SELECT " + m.selectList() + byId,
                "SELECT " + m.mod() + byId + live,
                stamp + check,
                delete,
                "SELECT 1 FROM " + m.tableName() + " t WHERE " + m.idWhere() + live + " FOR UPDATE",
                stampVersion,
                List.copyOf(referenced),
                "SELECT MAX(" + m.mod() + ") FROM " + m.from(),
                "SELECT 1 FROM " + m.tableName() + " t WHERE " + m.idWhere(),
                IdOrderSql.of(m, live, deleted, dialect),
                RowWidth.fetchRows(t),
                countLiveOutside(t, m, ts));
    }

    private static String countLiveOutside(Table t, RecordMapper m, String ts) {
        if (t.modIndex() == null || t.softDelete() != null || t.versionTable() != null || t.indexStamped()) {
            return null;
        }
        String outside = ") - (SELECT COUNT(*) FROM " + m.changesFrom() + " WHERE " + m.mod();
        return "SELECT (SELECT COUNT(*) FROM " + m.tableName() + outside + " > " + ts + outside + " IS NULL)";
    }

    private static CursorSql cursor(RecordMapper m, boolean live, String liveness, String ts) {
        String where = " FROM " + m.changesFrom() + " WHERE " + m.mod() + " > " + ts + " AND " + m.mod() + " <= "
                + ts + liveness;
        String order = " ORDER BY " + m.mod() + ", " + m.idOrder();
        // Ids then the modification time, as in the select list of records: a page's key is read alike from both.
        return CursorSql.of(m.mod() + ", " + m.idOrder(), live ? m.selectList() : m.idOrder() + ", " + m.mod(), where,
                " AND " + bound(m, ">=", ">=", ts),
                " AND " + bound(m, "<=", "<", ts), order);
    }

    private static String bound(RecordMapper m, String modOp, String keyOp, String ts) {
        return m.mod() + " " + modOp + " " + ts + " AND (" + m.mod() + ", " + m.idOrder() + ") " + keyOp + " (" + ts
                + ", ?".repeat(m.table().idColumns().size()) + ")";
    }

    /**
     * {@code AND <row is live>} (or deleted when {@code live} is false) for a soft-delete table; for other
     * tables every row is live. Numbers and booleans mark deletion when non-zero, other kinds when non-null.
     * Public for the change index, which fetches the rows its entries name.
     */
    public static String live(Table t, boolean live, Dialect dialect) {
        Column sd = t.softDelete();
        if (sd == null) {
            return live ? "" : " AND FALSE";
        }
        String col = "t." + dialect.quote(sd.name());
        ValueKind kind = t.kind(sd);
        // FALSE, not 0, for a boolean: the same value where BOOLEAN is a number, and comparable where it is a type
        // of its own.
        String deleted = kind == ValueKind.BOOLEAN ? "(" + col + " IS NOT NULL AND " + col + " <> FALSE)"
                : kind == ValueKind.INTEGER || kind == ValueKind.BITS ? "(" + col + " IS NOT NULL AND " + col + " <> 0)"
                : col + " IS NOT NULL";
        return live ? " AND NOT " + deleted : " AND " + deleted;
    }

    /**
     * {@code GREATEST(?, floorMs(mod) + step)}: never earlier than the clock, always past the
     * next millisecond boundary of the previous value; the step is a whole number of the column's units so
     * that a low-precision column still stores a larger value (see {@code write.RecordWriter}).
     */
    private static String nextStamp(Table t, String mod, Dialect dialect) {
        int fsp = t.modColumn().fsp();
        long step = fsp == 6 ? 1001 : Math.max(1000, (long) Math.pow(10, 6 - fsp));
        String past = dialect.plus(dialect.floorToMillis(mod), Long.toString(step), ChronoUnit.MICROS);
        // Without a previous value the bound stamp alone: it is already in the column's zone, the clock is not.
        return "GREATEST(" + dialect.timestampParameter() + ", COALESCE(" + past + ", " + dialect.earliestTimestamp() + "))";
    }

    /** What a soft delete writes into the soft-delete column. */
    private static String deletedMarker(Table t, Dialect dialect) {
        return switch (t.kind(t.softDelete())) {
            case DATETIME, TIMESTAMP -> dialect.now();
            case STRING -> "'deleted'";
            case BOOLEAN -> "TRUE";
            default -> "1";
        };
    }
}
