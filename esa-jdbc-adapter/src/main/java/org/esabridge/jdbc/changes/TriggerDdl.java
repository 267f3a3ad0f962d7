package org.esabridge.jdbc.changes;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * Runs the adapter's trigger DDL under {@link Dialect#triggerSqlMode()}, then gives the pooled session its own
 * (strict) mode back. An engine that stores the creating session's mode with a trigger runs the trigger's body
 * under it, whatever the mode of the statement that fires it: created under the adapter's strict session mode, a
 * trigger failed application inserts that the table itself accepted (a zero date under the application's
 * permissive mode). The rows a version table is filled with at set-up are copied under the same mode, for the
 * same reason.
 */
public final class TriggerDdl {
    private TriggerDdl() {
    }

    /** Work done on the connection while it runs under the trigger mode. */
    public interface Work {
        void run() throws SQLException;
    }

    public static void run(Connection c, Dialect dialect, Work work) throws SQLException {
        if (dialect.enterTriggerModeSql() == null) {
            work.run();
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute(dialect.enterTriggerModeSql());
        }
        try {
            work.run();
        } finally {
            try (Statement s = c.createStatement()) {
                s.execute(dialect.leaveTriggerModeSql());
            }
        }
    }

    /** Whether a trigger found with this stored mode runs under the trigger mode (else it is replaced). */
    public static boolean modeInPlace(Dialect dialect, String storedMode) {
        return dialect.triggerSqlMode() == null || dialect.triggerSqlMode().equals(storedMode == null ? "" : storedMode);
    }
}
