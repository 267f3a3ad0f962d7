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

    /**
     * Call holding the start lease {@code lease} (see {@link JdbcAdapter}), which is renewed while a long version runs
     * ({@link Lease#runHolding}); each version is recorded only while it is still held.
     */
    static void migrate(Connection c, Dialect dialect, StateTables state, Lease lease) throws SQLException {
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
            record(c, dialect, state, lease, v);
            LOG.info("esa_ tables migrated to version {}", v);
        }
    }

    /**
     * Records version {@code v} if the start lease is still ours, in one transaction. A node whose lease ran out
     * meanwhile records nothing and fails its start: the node that took the lease runs the version again (every
     * statement is idempotent) and records it. The insert skips a row already there, so no start ever fails on a
     * version recorded twice.
     */
    private static void record(Connection c, Dialect dialect, StateTables state, Lease lease, int v) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (PreparedStatement ps = c.prepareStatement(dialect.insertIfAbsent(state.schemaVersion(),
                    "version, applied_at", "VALUES (?, " + dialect.now() + ")"))) {
                ps.setInt(1, v);
                ps.executeUpdate();
            }
            if (!lease.stillHeld(c)) {
                throw new SQLException("the " + lease.name() + " lease ran out while esa_ tables were migrated to version "
                        + v + " (now held by " + lease.currentHolder(c) + "); that node completes it");
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
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
