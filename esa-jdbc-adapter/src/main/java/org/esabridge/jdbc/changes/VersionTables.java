package org.esabridge.jdbc.changes;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.StringJoiner;
import org.esabridge.jdbc.catalog.CatalogLoader;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * {@code change-tracking=version-table}: for a table without a modification column, an adapter-managed
 * table {@code esa_ver_<table>} holds (id columns, {@code esa_modified_at}), kept by {@code AFTER INSERT/
 * UPDATE/DELETE} triggers, so every writer's changes are seen, not only the adapter's.
 *
 * <p>The version table is created with {@code CREATE TABLE … SELECT} from the id columns, which copies their
 * exact types, character sets and collations (so the join uses the index). Rows existing when tracking
 * starts get the current time as their modification time: the next {@code getModified} delivers them all
 * once. A changed primary key leaves the old id's version row behind (harmless: it joins no row).
 */
public final class VersionTables {
    private final Dialect dialect;

    public VersionTables(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Creates the version table, its triggers and the initial versions; idempotent. */
    public void ensure(Connection c, Table t) throws SQLException {
        String v = dialect.quote(t.versionTable());
        String tbl = dialect.quote(t.name());
        StringJoiner ids = new StringJoiner(", ");
        StringJoiner newIds = new StringJoiner(", ");
        StringJoiner oldMatch = new StringJoiner(" AND ");
        for (Column col : t.idColumns()) {
            String q = dialect.quote(col.name());
            ids.add(q);
            newIds.add("NEW." + q);
            oldMatch.add(q + " = OLD." + q);
        }
        String upsert = "INSERT INTO " + v + " (" + ids + ", esa_modified_at) VALUES (" + newIds
                + ", UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE esa_modified_at = VALUES(esa_modified_at)";
        try (Statement s = c.createStatement()) {
            // The default only satisfies strict mode during CREATE … SELECT; every real row gets a stamp.
            s.execute("CREATE TABLE IF NOT EXISTS " + v + " (esa_modified_at DATETIME(6) NOT NULL DEFAULT '1970-01-01 00:00:01',"
                    + " PRIMARY KEY (" + ids + "), KEY esa_ver_by_time (esa_modified_at, " + ids + "))"
                    + " ENGINE=InnoDB SELECT " + ids + " FROM " + tbl + " WHERE FALSE");
            s.execute("CREATE TRIGGER IF NOT EXISTS " + dialect.quote(CatalogLoader.esaName("esa_vi_", t.name()))
                    + " AFTER INSERT ON " + tbl + " FOR EACH ROW " + upsert);
            s.execute("CREATE TRIGGER IF NOT EXISTS " + dialect.quote(CatalogLoader.esaName("esa_vu_", t.name()))
                    + " AFTER UPDATE ON " + tbl + " FOR EACH ROW " + upsert);
            s.execute("CREATE TRIGGER IF NOT EXISTS " + dialect.quote(CatalogLoader.esaName("esa_vd_", t.name()))
                    + " AFTER DELETE ON " + tbl + " FOR EACH ROW DELETE FROM " + v + " WHERE " + oldMatch);
            // After the triggers exist, so that no row inserted meanwhile lacks a version.
            s.execute("INSERT IGNORE INTO " + v + " (" + ids + ", esa_modified_at) SELECT " + ids
                    + ", UTC_TIMESTAMP(6) FROM " + tbl);
        }
    }
}
