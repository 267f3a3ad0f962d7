package org.esabridge.jdbc.changes;

import java.util.StringJoiner;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * What every engine's version table of a table ({@link VersionTables}) is made of, in that engine's SQL: the id
 * columns, the upsert its insert and update triggers run, the delete its delete trigger runs, and the back-fill run
 * once the triggers exist. Each dialect wraps them in its own DDL and trigger syntax.
 *
 * @param ids      the table's id columns, quoted, comma-separated
 * @param upsert   stamps the version of {@code NEW}'s id with {@code now}
 * @param delete   removes the version of {@code OLD}'s id
 * @param backfill gives every row without a version one stamped {@code now}
 */
public record VersionRowSql(String ids, String upsert, String delete, String backfill) {

    /**
     * @param versionTable the version table, quoted (and qualified) as the dialect writes it
     * @param now          the dialect's expression for the current UTC time
     */
    public static VersionRowSql of(Dialect d, Table t, String versionTable, String now) {
        StringJoiner ids = new StringJoiner(", ");
        StringJoiner newIds = new StringJoiner(", ");
        StringJoiner oldMatch = new StringJoiner(" AND ");
        for (Column col : t.idColumns()) {
            String q = d.quote(col.name());
            ids.add(q);
            newIds.add("NEW." + q);
            oldMatch.add(q + " = OLD." + q);
        }
        String upsert = d.upsert(versionTable, ids + ", esa_modified_at", newIds + ", " + now, ids.toString(),
                "esa_modified_at = " + d.inserted("esa_modified_at"));
        String backfill = d.insertIfAbsent(versionTable, ids + ", esa_modified_at",
                "SELECT " + ids + ", " + now + " FROM " + d.quote(t.name()));
        String delete = "DELETE FROM " + versionTable + " WHERE " + oldMatch;
        return new VersionRowSql(ids.toString(), upsert, delete, backfill);
    }
}
