package org.esabridge.jdbc;

import java.util.List;
import java.util.Set;

/**
 * The per-table settings ({@code structure.<table>.*}); every member is null or empty when not configured,
 * so that the catalog can tell "configured" from "detected".
 *
 * @param label           a human label, or null for the table name
 * @param idColumns       the id columns in order, or empty for the primary key
 * @param modifiedColumn  the modification column, or null to detect it
 * @param writable        whether writes are allowed, or null for the default (read-only)
 * @param readOnlyColumns columns that writes may not set
 * @param deleteStrategy  how deletions are found
 * @param changeTracking  how modifications are found
 * @param modifiedZone    the zone of a DATETIME modification column, or null for the database's
 * @param booleanColumns  TINYINT columns whose values are booleans (MariaDB's BOOLEAN is a TINYINT(1))
 */
public record StructureSettings(String label, List<String> idColumns, String modifiedColumn, Boolean writable,
                                Set<String> readOnlyColumns, DeleteStrategy deleteStrategy,
                                ChangeTracking changeTracking, java.time.ZoneId modifiedZone,
                                Set<String> booleanColumns) {

    /** How modifications of one structure are found ({@code structure.<table>.change-tracking}). */
    public enum ChangeTracking {
        /** A modification timestamp column of the table itself. */
        COLUMN,
        /** An adapter-managed version table kept by triggers, for tables without such a column. */
        VERSION_TABLE
    }

    public static final StructureSettings DEFAULT = new StructureSettings(null, List.of(), null, null, Set.of(),
            DeleteStrategy.TOMBSTONE, ChangeTracking.COLUMN, null, Set.of());

    public StructureSettings {
        idColumns = List.copyOf(idColumns);
        readOnlyColumns = Set.copyOf(readOnlyColumns);
        booleanColumns = Set.copyOf(booleanColumns);
    }

    /** Whether writes are allowed: only when configured so. */
    public boolean isWritable() {
        return Boolean.TRUE.equals(writable);
    }
}
