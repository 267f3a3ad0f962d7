package org.esabridge.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;

/**
 * What {@code configure} stores, in {@code esa_config} so that every node and every restart sees it. The
 * first external system id is kept; only {@code force} replaces it (esa-protocol.md §5). The decision is one
 * statement, so two hosts configuring at once cannot both win.
 */
final class ConfigStore {
    static final String EXTERNAL_SYSTEM_ID = "external-system-id";

    private ConfigStore() {
    }

    static String configure(Connection c, Dialect dialect, StateTables state, String id, boolean force) throws SQLException {
        String update = "updated_at = CASE WHEN ? THEN " + dialect.inserted("updated_at") + " ELSE updated_at END,"
                + " value = CASE WHEN ? THEN " + dialect.inserted("value") + " ELSE value END";
        try (PreparedStatement ps = c.prepareStatement(dialect.upsert(state.config(), "name, value, updated_at",
                "?, ?, " + dialect.now(), "name", update))) {
            ps.setString(1, EXTERNAL_SYSTEM_ID);
            ps.setString(2, id);
            ps.setBoolean(3, force);
            ps.setBoolean(4, force);
            ps.executeUpdate();
        }
        return externalSystemId(c, state);
    }

    /** The stored id, or null before the first {@code configure}. */
    static String externalSystemId(Connection c, StateTables state) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM " + state.config() + " WHERE name = ?")) {
            ps.setString(1, EXTERNAL_SYSTEM_ID);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
