package org.esabridge.jdbc.changes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.esabridge.jdbc.catalog.CatalogLoader;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * {@code change-tracking=version-table}: for a table without a modification column, an adapter-managed
 * table {@code esa_ver_<table>} holds (id columns, {@code esa_modified_at}), kept by {@code AFTER INSERT/
 * UPDATE/DELETE} triggers, so every writer's changes are seen, not only the adapter's.
 *
 * <p>The version table is created ({@link Dialect#versionTableSql}, e.g. by a {@code CREATE TABLE … SELECT} from the
 * id columns) with the id columns' exact types, character sets and collations (so the join uses the index). Rows
 * existing when tracking
 * starts get the current time as their modification time: the next {@code getModified} delivers them all
 * once. A changed primary key leaves the old id's version row behind (harmless: it joins no row).
 */
public final class VersionTables {
    private final Dialect dialect;

    public VersionTables(Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Creates the version table, its triggers and the initial versions; idempotent. Under the trigger mode
     * ({@link TriggerDdl}); a trigger of an earlier version created under another mode is replaced.
     */
    public void ensure(Connection c, Table t) throws SQLException {
        List<String> triggers = List.of(CatalogLoader.esaName("esa_vi_", t.name()),
                CatalogLoader.esaName("esa_vu_", t.name()), CatalogLoader.esaName("esa_vd_", t.name()));
        TriggerDdl.run(c, dialect, () -> {
            try (Statement s = c.createStatement()) {
                for (String stale : staleModes(c, triggers)) {
                    s.execute(dialect.dropTriggerSql(stale));
                }
                for (String sql : dialect.versionTableSql(t, triggers.get(0), triggers.get(1), triggers.get(2))) {
                    s.execute(sql);
                }
            }
        });
    }

    /** Those of the named triggers that exist under another sql_mode than the trigger mode. */
    private List<String> staleModes(Connection c, List<String> names) throws SQLException {
        List<String> stale = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(dialect.adapterTriggersSql()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (names.contains(rs.getString(1)) && !TriggerDdl.modeInPlace(dialect, rs.getString(4))) {
                    stale.add(rs.getString(1));
                }
            }
        }
        return stale;
    }
}
