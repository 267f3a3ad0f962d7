package org.esabridge.jdbc.changes;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.esabridge.jdbc.catalog.CatalogLoader;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * {@code change-tracking=version-table}: for a table without a modification column, an adapter-managed
 * table {@code esa_ver_<table>} holds (id columns, {@code esa_modified_at}), kept by {@code AFTER INSERT/
 * UPDATE/DELETE} triggers, so every writer's changes are seen, not only the adapter's.
 *
 * <p>The version table is created ({@link Dialect#versionTableSql}; in MariaDB with {@code CREATE TABLE … SELECT}
 * from the id columns) with the id columns' exact types, character sets and collations (so the join uses the
 * index). Rows existing when tracking
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
        try (Statement s = c.createStatement()) {
            for (String sql : dialect.versionTableSql(t, CatalogLoader.esaName("esa_vi_", t.name()),
                    CatalogLoader.esaName("esa_vu_", t.name()), CatalogLoader.esaName("esa_vd_", t.name()))) {
                s.execute(sql);
            }
        }
    }
}
