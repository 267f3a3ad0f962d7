package org.esabridge.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.cluster.Lease;
import org.esabridge.jdbc.dialect.StateTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades the adapter's own {@code esa_} tables: numbered migrations, each applied once and
 * recorded in {@code esa_schema_version}. Nodes starting together serialise on the {@code start} lease
 * ({@link org.esabridge.jdbc.cluster.Lease}, a row, so it holds across Galera nodes too), and every statement is
 * idempotent, so a migration interrupted half-way simply runs again.
 *
 * <p>The server keeps no state of its own: configuration, tombstones, watermarks, cursors and
 * {@code needSyncAgain} flags live here. The DDL is the engine's ({@link Dialect#migrations()}); every engine has
 * the same tables under the same names and the same number of versions.
 */
final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
    }

    /** The schema version this code expects (the same number for every engine). */
    static int latest() {
        return 9;
    }

    /** Call holding the start lease (see {@link JdbcAdapter}). */
    static void migrate(Connection c, Dialect dialect, StateTables state) throws SQLException {
        List<List<String>> versions = dialect.migrations(state);
        if (versions.size() != latest()) {
            throw new IllegalStateException("the engine's migrations stop at version " + versions.size());
        }
        int current = current(c, state);
        for (int v = current + 1; v <= versions.size(); v++) {
            if (current > 0) {
                // An upgrade may rebuild a large table (version 9 reorders the change index): say so before it starts.
                LOG.info("esa_ tables: upgrading to version {} (once; a large change index may take minutes)", v);
            }
            try (Statement s = c.createStatement()) {
                for (String sql : versions.get(v - 1)) {
                    s.execute(sql);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO " + state.schemaVersion() + " (version, applied_at) VALUES (?, " + dialect.now() + ")")) {
                ps.setInt(1, v);
                ps.executeUpdate();
            }
            LOG.info("esa_ tables migrated to version {}", v);
        }
    }

    /** The tables that must exist before the start lease can be taken; idempotent. */
    static void createBootstrapTables(Connection c, StateTables state) throws SQLException {
        Lease.createTable(c, state);
    }

    static int current(Connection c, StateTables state) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(version), 0) FROM " + state.schemaVersion());
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
