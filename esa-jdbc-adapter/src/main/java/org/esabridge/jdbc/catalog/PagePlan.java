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
}
