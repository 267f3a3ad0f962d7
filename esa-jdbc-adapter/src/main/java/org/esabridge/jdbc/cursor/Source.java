package org.esabridge.jdbc.cursor;

/** What a cursor pages through; stored in {@code esa_cursor.source}. */
enum Source {
    /**
     * Live rows of the table, as records; then, from page {@code touched_from} on, the rows touched without their
     * modification column ({@code esa_touched}).
     */
    MODIFIED,
    /** Rows marked deleted by the soft-delete column, as ids. */
    SOFT_DELETED,
    /** Tombstones written by the delete trigger, as ids. */
    TOMBSTONES,
    /** Change-index entries of changed rows, as the rows' records (binlog capture mode). */
    INDEX_MODIFIED,
    /** Change-index entries of deleted rows, as the ids still absent (binlog capture mode). */
    INDEX_DELETED,
    /** Change-index entries of changed rows, as the ids marked deleted by the soft-delete column. */
    INDEX_MARKED
}
