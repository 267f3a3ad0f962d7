package org.esabridge.jdbc.catalog;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.esabridge.api.ExternalField;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.Relation;
import org.esabridge.jdbc.DeleteStrategy;

/**
 * One exposed table: everything the queries need, all identifiers as the catalog spells them.
 *
 * @param name              the table name (= structure name)
 * @param label             the structure label
 * @param writable          whether create/update/delete are allowed
 * @param idColumns         the id columns in key order
 * @param modColumn         the modification timestamp column (of the version table when there is one)
 * @param versionTable      the adapter-managed version table holding the modification times
 *                          ({@code change-tracking=version-table}), else null
 * @param fieldColumns      the columns shown as fields, in table order (neither id nor modification column)
 * @param kinds             the value kind of every column above, by name
 * @param readOnlyColumns   field columns that writes may not set
 * @param deleteStrategy    how deletions are found
 * @param softDelete        the soft-delete column (not a field) when that is the strategy, else null
 * @param fields            the protocol fields, parallel to {@code fieldColumns}
 * @param relations         outgoing foreign keys to exposed structures
 * @param cascades          foreign keys of other tables that a delete of this table's rows changes
 *                          (ON DELETE CASCADE / SET NULL / SET DEFAULT)
 * @param modIndex          the index that leads with the modification column (then the id columns, when
 *                          one does), or null; change queries are pinned to it
 * @param idIndex           the index that leads with the id columns ({@code PRIMARY} when the id is the
 *                          primary key), or null; without a modification index, changes are walked in its order
 * @param userTriggers      events (INSERT, UPDATE, DELETE) that have triggers other than the adapter's
 * @param hasGenerated      whether a computed column may change when other columns do
 * @param modZone           the zone a DATETIME modification column's wall times are in
 *                          ({@code structure.<table>.modified-zone}); UTC for TIMESTAMP columns and version tables
 * @param changeIndex       where the change index lives when the modification time is the stamp of the row's
 *                          latest change there (binlog capture of a table without a modification column, see
 *                          {@link CatalogLoader#INDEX_STAMP}; {@code modColumn} is then that synthetic column), else null
 */
public record Table(String name, String label, boolean writable, List<Column> idColumns, Column modColumn,
                    String versionTable, String modIndex, String idIndex,
                    List<Column> fieldColumns, Map<String, ValueKind> kinds, Set<String> readOnlyColumns,
                    DeleteStrategy deleteStrategy, Column softDelete, List<ExternalField> fields, List<Relation> relations,
                    List<ForeignKey> cascades, Set<String> userTriggers, boolean hasGenerated,
                    java.time.ZoneId modZone, org.esabridge.jdbc.dialect.StateTables changeIndex) {

    /**
     * A single- or multi-column foreign key of {@code table} referring to the table that holds this record.
     *
     * @param name       the constraint name
     * @param table      the referring table
     * @param columns    the referring columns
     * @param refColumns the referenced columns, parallel
     */
    public record ForeignKey(String name, String table, List<String> columns, List<String> refColumns) {
    }

    public ExternalStructure structure() {
        return new ExternalStructure(name, label, writable);
    }

    /** Whether the modification time is the change index's stamp of the row ({@code changeIndex}). */
    public boolean indexStamped() {
        return changeIndex != null;
    }

    /**
     * Whether a write's last-seen check cannot be part of its statement and is made under a row lock instead:
     * the modification time lives in a version table or the change index, not in the row.
     */
    public boolean checkedUnderLock() {
        return versionTable != null || changeIndex != null;
    }

    /** How cursors and inline change reads walk this table ({@link PagePlan#of}). */
    public PagePlan pagePlan() {
        return PagePlan.of(this);
    }

    public ValueKind kind(Column c) {
        return kinds.get(c.name());
    }

    /** The field column of that name, or null. */
    public Column fieldColumn(String fieldName) {
        for (Column c : fieldColumns) {
            if (c.name().equals(fieldName)) {
                return c;
            }
        }
        return null;
    }

}
