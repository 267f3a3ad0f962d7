package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.esabridge.jdbc.capture.CaptureMode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Installing esa-bridge never makes an application statement fail: every statement a bare twin of a table accepts
 * under the application's {@code sql_mode} is accepted by the served table with all of the adapter's triggers on it
 * (tombstone and key-change triggers in polling mode, foreign-key cascade triggers, version-table triggers), and
 * leaves the same rows.
 */
@Tag("database")
class TriggerSqlModeTest {
    /** The application's modes: permissive, MariaDB's default (strict, zero dates allowed), and fully strict. */
    private static final List<String> MODES = List.of("",
            "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION",
            "STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO");

    /** {@code %s} is the table suffix: "" for the served tables, "_bare" for their twins without triggers. */
    private static final List<String> STATEMENTS = List.of(
            "INSERT INTO dated%s (d, n, note) VALUES ('0000-00-00', 300, 'much too long')",
            "INSERT INTO dated%s (d, n, note) VALUES ('2021-02-31', -300, 'x')",
            "UPDATE dated%s SET d = '2020-01-01', n = 999 WHERE d = '0000-00-00'",
            "UPDATE dated%s SET d = '0000-00-00' WHERE d = '2020-01-01'",
            "UPDATE dated%s SET d = '2020-00-10' WHERE d = '0000-00-00'",
            "REPLACE INTO dated%s (d, n, note) VALUES ('2020-00-10', 1000, 'replaced')",
            "DELETE FROM dated%s WHERE d = '2020-00-10' OR d = '0000-00-00'",
            "INSERT INTO versioned%s (d, n) VALUES ('0000-00-00', 300)",
            "UPDATE versioned%s SET n = -1000, d = '2019-00-00' WHERE d = '0000-00-00'",
            "UPDATE versioned%s SET d = '0000-00-00' WHERE d = '2019-00-00'",
            "DELETE FROM versioned%s WHERE d = '0000-00-00'",
            "INSERT INTO parent%s (id, n) VALUES (1, 300)",
            "INSERT INTO child%1$s (d, pid) VALUES ('0000-00-00', 1)",
            "INSERT INTO child%1$s (d, pid) VALUES ('2018-04-00', 1)",
            "UPDATE parent%s SET id = 2, n = 500 WHERE id = 1",
            "DELETE FROM parent%s WHERE id = 2",
            "INSERT INTO dated%s (d, n, note) VALUES ('2022-03-04', 5, 'valid')",
            "UPDATE dated%s SET d = '2022-03-05' WHERE d = '2022-03-04'",
            "DELETE FROM dated%s WHERE d = '2022-03-05'");

    @ParameterizedTest
    @ValueSource(strings = {"POLLING", "BINLOG"})
    void everyStatementTheBareTableAcceptsIsAcceptedWithTheTriggers(String mode) throws Exception {
        String db = "esa_trigger_mode_" + mode.toLowerCase(java.util.Locale.ROOT);
        TestDatabase.freshSchema(db);
        for (String suffix : List.of("", "_bare")) {
            TestDatabase.exec(db,
                    "CREATE TABLE dated" + suffix + " (d DATE NOT NULL PRIMARY KEY, n TINYINT, note VARCHAR(5),"
                            + " m TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                    "CREATE TABLE versioned" + suffix + " (d DATE NOT NULL PRIMARY KEY, n SMALLINT)",
                    "CREATE TABLE parent" + suffix + " (id INT PRIMARY KEY, n TINYINT,"
                            + " m TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                    "CREATE TABLE child" + suffix + " (d DATE NOT NULL PRIMARY KEY, pid INT,"
                            + " m TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),"
                            + " FOREIGN KEY (pid) REFERENCES parent" + suffix + " (id) ON DELETE CASCADE ON UPDATE CASCADE)");
        }
        JdbcAdapterConfig config = JdbcAdapterConfig.fromSettings(TestDatabase.settings(db,
                JdbcAdapterConfig.STRUCTURES_EXCLUDE, "*_bare",
                "structure.versioned.change-tracking", "version-table"), null);
        try (JdbcAdapter adapter = JdbcAdapter.start(config, CaptureMode.valueOf(mode))) {
            try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
                List<String> triggers = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT TRIGGER_NAME, SQL_MODE FROM information_schema.TRIGGERS"
                        + " WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY 1")) {
                    while (rs.next()) {
                        triggers.add(rs.getString(1));
                        // As stored, so that a reload finds them in place and runs no DDL (CaptureTriggers.inPlace).
                        assertEquals("", rs.getString(2), rs.getString(1));
                    }
                }
                assertTrue(triggers.containsAll(List.of("esa_cd_parent", "esa_cu_parent", "esa_vi_versioned")), triggers.toString());
                if (mode.equals("POLLING")) {
                    assertTrue(triggers.containsAll(List.of("esa_del_dated", "esa_key_dated")), triggers.toString());
                }
                int accepted = 0;
                for (String appMode : MODES) {
                    s.execute("SET SESSION sql_mode = '" + appMode + "'");
                    for (String statement : STATEMENTS) {
                        boolean bare = runs(s, String.format(statement, "_bare"));
                        try {
                            s.execute(String.format(statement, ""));
                            assertTrue(bare, "accepted with the triggers but not by the bare table: " + statement);
                            accepted++;
                        } catch (SQLException e) {
                            if (bare) {
                                fail("under sql_mode='" + appMode + "' the bare table accepts " + statement
                                        + " but with esa-bridge's triggers it failed: " + e.getMessage());
                            }
                        }
                    }
                    for (String table : List.of("dated", "versioned", "parent", "child")) {
                        assertEquals(rows(s, table + "_bare"), rows(s, table), table + " under '" + appMode + "'");
                    }
                }
                assertTrue(accepted > 30, "most statements run: " + accepted);
            }
        }
        // Triggers an earlier version created under its strict session mode are replaced at the next start.
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
            List<String[]> ours = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, EVENT_OBJECT_TABLE,"
                    + " ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()")) {
                while (rs.next()) {
                    ours.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)});
                }
            }
            s.execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE'");
            for (String[] t : ours) {
                s.execute("CREATE OR REPLACE TRIGGER " + t[0] + " " + t[1] + " " + t[2] + " ON " + t[3] + " FOR EACH ROW " + t[4]);
            }
            s.execute("SET SESSION sql_mode = ''");
            assertTrue(!runs(s, "INSERT INTO versioned (d, n) VALUES ('0000-00-00', 1)"), "the old triggers refuse it");
        }
        JdbcAdapter.start(config, CaptureMode.valueOf(mode)).close();
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT TRIGGER_NAME, SQL_MODE FROM information_schema.TRIGGERS"
                    + " WHERE TRIGGER_SCHEMA = DATABASE()")) {
                while (rs.next()) {
                    assertEquals("", rs.getString(2), rs.getString(1) + " replaced");
                }
            }
            s.execute("SET SESSION sql_mode = ''");
            s.execute("INSERT INTO versioned (d, n) VALUES ('0000-00-00', 1)");
        }
    }

    private static boolean runs(Statement s, String sql) {
        try {
            s.execute(sql);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static List<String> rows(Statement s, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY 1")) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    if (!rs.getMetaData().getColumnName(i).equals("m")) {
                        row.append(rs.getString(i)).append('|');
                    }
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
