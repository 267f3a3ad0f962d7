package org.esabridge.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.esabridge.api.EsaException;
import org.esabridge.jdbc.cursor.PrincipalKey;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;
import org.esabridge.jdbc.dialect.Faults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code needSyncAgain} flag per host principal, kept in {@code esa_sync_again} so that any server node
 * answers it: a host behind a load balancer may write through one node and ask another.
 */
final class SyncAgainFlags {
    private static final Logger LOG = LoggerFactory.getLogger(SyncAgainFlags.class);

    private final DataSource ds;
    private final Dialect dialect;
    private final int queryTimeout;
    private final String raise;
    private final String table;

    SyncAgainFlags(DataSource ds, Dialect dialect, StateTables state, int queryTimeout) {
        this.ds = ds;
        this.dialect = dialect;
        this.queryTimeout = queryTimeout;
        this.table = state.syncAgain();
        this.raise = dialect.upsert(table, "principal, raised_at", "?, " + dialect.now(), "principal",
                "raised_at = " + dialect.inserted("raised_at"));
    }

    /**
     * Raises the flag after a write that changed other records. The write is committed already; should the
     * flag not be stored, the host still sees those records at its next getModified, so this only logs.
     */
    void raise(String principal) {
        try {
            update(raise, principal);
        } catch (SQLException e) {
            LOG.warn("needSyncAgain could not be recorded: {}", e.getMessage());
        }
    }

    boolean isRaised(String principal) throws EsaException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE principal = ?")) {
            ps.setQueryTimeout(queryTimeout);
            ps.setString(1, PrincipalKey.of(principal));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "needSyncAgain");
        }
    }

    void clear(String principal) throws EsaException {
        try {
            update("DELETE FROM " + table + " WHERE principal = ?", principal);
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "clearing needSyncAgain");
        }
    }

    private void update(String sql, String principal) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(queryTimeout);
            ps.setString(1, PrincipalKey.of(principal));
            ps.executeUpdate();
        }
    }
}
