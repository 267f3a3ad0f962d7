package org.esabridge.jdbc.catalog;

/**
 * How changes of one table are walked, chosen from the catalog's indexes so that a full sync costs one pass over
 * the table whatever indexes it has.
 *
 * <p>With an index led by the modification column, in (modification time, id) order: the index gives the order
 * and {@code after} a range, so an incremental sync reads its changes and nothing else. Without one, that order
 * is a sort of the whole table, and a cursor that cut pages by it sorted the table once a page (rows² / page
 * size; seen: ~100 ms a page at 200k rows). So then the table is walked in id order, along its primary key (or
 * another index led by the id columns), filtered by the modification range: the cursor's one pass at opening
 * keeps every page-size-th id, each page is the id range up to the next one, and an inline read is one pass
 * that stops past the inline threshold. Every row is read once a sync; the index still buys an incremental sync
 * that costs its changes rather than the table.
 *
 * <p>With both indexes the choice is made per read ({@link #forRead}): walking the modification index costs a
 * primary-key lookup per row, so a read that covers most of the table (a first sync, an {@code after} before the
 * oldest change, a re-read) walks the primary key instead, and only a narrow incremental range uses the index.
 */
public enum PagePlan {
    /** Keyset over (modification time, id), on the modification index. */
    MOD_KEYSET,
    /** Id ranges over the id index, filtered by modification time. */
    ID_RANGES;

    /** The plan of a table: the modification index when there is one, else the id index, else the keyset. */
    public static PagePlan of(Table t) {
        if (t.modIndex() == null && t.idIndex() != null) {
            return ID_RANGES;
        }
        return MOD_KEYSET;
    }

    /**
     * A range holding at least this fraction of the table is read along the id index even when a modification
     * index exists: a row found through the secondary index costs a lookup by primary key, several times a row
     * read in primary-key order (measured: a full sync through the index ran at 0.6 of the rate without it).
     */
    public static final double ID_WALK_FRACTION = 0.25;

    /**
     * The plan of one read of a table that may have both indexes.
     *
     * @param beforeOldest whether the read's range starts before the table's oldest modification time (so it
     *                     holds every row)
     * @param rangeRows    the optimizer's estimate of the rows in the range, on the modification index
     * @param tableRows    the optimizer's estimate of the rows of the table
     */
    public static PagePlan forRead(Table t, boolean beforeOldest, long rangeRows, long tableRows) {
        if (t.modIndex() == null || t.idIndex() == null) {
            return of(t);
        }
        return beforeOldest || rangeRows >= ID_WALK_FRACTION * tableRows ? ID_RANGES : MOD_KEYSET;
    }
}
