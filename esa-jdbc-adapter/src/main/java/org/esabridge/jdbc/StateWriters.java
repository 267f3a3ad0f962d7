package org.esabridge.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start's check of who else could rewrite the adapter's state ({@code esa_change}, {@code esa_lease}, the
 * tombstones …): any other account with write grants on the state schema — the application's schema unless
 * {@code state-schema} moves it — could inject or erase changes, or take the capture lease. Named in one WARN
 * (README, "State schema"); what the server does not show this account is not known, and not claimed.
 */
final class StateWriters {
    private static final Logger LOG = LoggerFactory.getLogger(StateWriters.class);

    private StateWriters() {
    }

    /** The other accounts the server shows with write grants on the state tables' schema. */
    static List<String> find(Connection c, Dialect dialect, StateTables state) throws SQLException {
        String schema = state.schema().orElse(null);
        if (schema == null) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT DATABASE()")) {
                rs.next();
                schema = rs.getString(1);
            }
        }
        List<String> grantees = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(dialect.stateWritersSql())) {
            ps.setString(1, schema);
            ps.setString(2, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    grantees.add(rs.getString(1));
                }
            }
        }
        return grantees;
    }

    /** Logs a WARN naming them, if any; a check the account may not run is skipped (DEBUG). */
    static void warn(Connection c, Dialect dialect, StateTables state) {
        try {
            List<String> others = find(c, dialect, state);
            if (!others.isEmpty()) {
                LOG.warn("accounts other than esa-bridge's may write its state tables ({}): {}; they could rewrite"
                                + " the change index, tombstones and leases. Give them no rights there{}"
                                + " (README, \"State schema\")",
                        state.schema().map(s -> "schema " + s).orElse("the application's schema"), others,
                        state.schema().isEmpty() ? ", or keep the state apart with state-schema" : "");
            }
        } catch (SQLException e) {
            LOG.debug("could not read who may write the state tables: {}", e.getMessage());
        }
    }
}
