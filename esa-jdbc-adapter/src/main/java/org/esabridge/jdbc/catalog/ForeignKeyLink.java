package org.esabridge.jdbc.catalog;

import java.util.List;

/**
 * One foreign key of the schema, exposed tables or not, as {@code information_schema} describes it: what the
 * capture triggers follow to record the rows InnoDB changes by cascade (changes.CaptureTriggers).
 *
 * @param name        the constraint name
 * @param table       the referring (child) table
 * @param columns     the referring columns
 * @param refTable    the referenced (parent) table
 * @param refColumns  the referenced columns, parallel to {@code columns}
 * @param deleteRule  {@code CASCADE}, {@code SET NULL}, {@code SET DEFAULT}, {@code RESTRICT} or {@code NO ACTION}
 * @param updateRule  the same for updates of the referenced columns
 */
public record ForeignKeyLink(String name, String table, List<String> columns, String refTable, List<String> refColumns,
                             String deleteRule, String updateRule) {

    public ForeignKeyLink {
        columns = List.copyOf(columns);
        refColumns = List.copyOf(refColumns);
    }

    /** Whether deleting a parent row deletes the children. */
    public boolean deletesChildren() {
        return deleteRule.equals("CASCADE");
    }

    /** Whether deleting a parent row changes the children's columns (SET NULL / SET DEFAULT). */
    public boolean changesChildrenOnDelete() {
        return deleteRule.startsWith("SET ");
    }

    /** Whether changing the referenced columns of a parent row changes the children (CASCADE / SET …). */
    public boolean changesChildrenOnUpdate() {
        return updateRule.equals("CASCADE") || updateRule.startsWith("SET ");
    }
}
