package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.capture.CaptureMode;
import org.esabridge.jdbc.mariadb.MariaDbDialect;
import org.esabridge.jdbc.dialect.StateTables;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 25, item 3: {@code state-schema} keeps the adapter's own tables apart from the application's, so that an
 * account with grants on the application's schema alone cannot rewrite the change index, tombstones or leases.
 * Both capture modes work with the state elsewhere (the triggers write into it), the application's schema holds
 * none of it, and a table there that merely has a state table's name is the application's.
 */
@Tag("database")
class StateSchemaTest {
    private static final String TABLE = "CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(20), modified TIMESTAMP(6)"
            + " NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))";

    @Test
    void binlogCaptureKeepsItsIndexInTheStateSchemaAndIgnoresNamesakesInTheApplications() throws Exception {
        TestDatabase.freshSchema("ss_app");
        TestDatabase.freshSchema("ss_app_state");
        TestDatabase.exec("ss_app", TABLE, "INSERT INTO item (id, v) VALUES (1, 'a'), (2, 'b')",
                // The application's own tables, named like the adapter's: not ours once the state is elsewhere.
                "CREATE TABLE esa_tombstone (seq INT PRIMARY KEY, table_name VARCHAR(64), row_id VARCHAR(64))",
                "CREATE TABLE esa_fence (id VARCHAR(10) PRIMARY KEY)");
        try (JdbcAdapter adapter = TestDatabase.adapter("ss_app", "state-schema", "ss_app_state")) {
            assertEquals(CaptureMode.BINLOG, adapter.captureMode());
            Instant before = adapter.getCurrentTime();
            TestDatabase.exec("ss_app", "UPDATE item SET v = 'A' WHERE id = 1", "DELETE FROM item WHERE id = 2",
                    "INSERT INTO esa_tombstone VALUES (1, 'item', '999')", "INSERT INTO esa_fence VALUES ('x')");
            adapter.getCurrentTime();

            RecordingResultHandler modified = new RecordingResultHandler();
            assertTrue(adapter.getModified("item", before, modified));
            assertEquals(List.of("1"), modified.records().stream().map(org.esabridge.api.ExternalRecord::id).toList());
            RecordingResultHandler deleted = new RecordingResultHandler();
            assertTrue(adapter.getDeleted("item", before, deleted));
            assertEquals(List.of("2"), deleted.ids(), "the application's esa_tombstone injects nothing");
            assertEquals(0, adapter.captureStatus().gaps());
            assertEquals(List.of("item=1:M", "item=2:D"), entries("ss_app_state"));
            assertEquals(List.of("esa_fence", "esa_tombstone", "item"), tables("ss_app"), "no state in the application's schema");
            assertTrue(tables("ss_app_state").containsAll(StateTables.ALL), String.valueOf(tables("ss_app_state")));
        }
    }

    @Test
    void pollingTriggersWriteTheirTombstonesIntoTheStateSchema() throws Exception {
        TestDatabase.freshSchema("ss_poll");
        TestDatabase.freshSchema("ss_poll_state");
        TestDatabase.exec("ss_poll", TABLE, "INSERT INTO item (id, v) VALUES (1, 'a'), (2, 'b')");
        try (JdbcAdapter adapter = TestDatabase.adapter("ss_poll", "state-schema", "ss_poll_state",
                "change-capture", "polling")) {
            assertEquals(CaptureMode.POLLING, adapter.captureMode());
            Instant before = adapter.getCurrentTime();
            // The application's writer has no right on the state schema: the trigger writes there with its definer's.
            TestDatabase.exec("ss_poll", "DROP USER IF EXISTS 'ss_app_writer'@'%'",
                    "CREATE USER 'ss_app_writer'@'%' IDENTIFIED BY 'x-Pw-1234'",
                    "GRANT SELECT, DELETE ON ss_poll.* TO 'ss_app_writer'@'%'");
            try (Connection writer = java.sql.DriverManager.getConnection(TestDatabase.url("ss_poll"), "ss_app_writer",
                    "x-Pw-1234"); Statement s = writer.createStatement()) {
                s.executeUpdate("DELETE FROM item WHERE id = 2");
            } finally {
                TestDatabase.exec("ss_poll", "DROP USER IF EXISTS 'ss_app_writer'@'%'");
            }
            RecordingResultHandler deleted = new RecordingResultHandler();
            assertTrue(adapter.getDeleted("item", before, deleted));
            assertEquals(List.of("2"), deleted.ids());
            assertEquals(List.of("item"), tables("ss_poll"));
            assertEquals(1, count("ss_poll_state", "SELECT COUNT(*) FROM esa_tombstone WHERE row_id = '2'"));
        }
    }

    @Test
    void anotherAccountThatMayWriteTheStateSchemaIsNamed() throws Exception {
        TestDatabase.freshSchema("ss_grants");
        TestDatabase.freshSchema("ss_grants_state");
        TestDatabase.exec("ss_grants", "DROP USER IF EXISTS 'ss_writer'@'localhost'",
                "CREATE USER 'ss_writer'@'localhost' IDENTIFIED BY 'x-Pw-1234'",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ss_grants.* TO 'ss_writer'@'localhost'");
        try (Connection c = TestDatabase.connect("ss_grants")) {
            StateTables apart = StateTables.in(MariaDbDialect.INSTANCE, "ss_grants_state");
            StateTables inApplication = StateTables.inConnectionSchema(MariaDbDialect.INSTANCE);
            assertEquals(List.of(), StateWriters.find(c, MariaDbDialect.INSTANCE, apart));
            assertEquals(List.of("'ss_writer'@'localhost'"), StateWriters.find(c, MariaDbDialect.INSTANCE, inApplication));
            TestDatabase.exec("ss_grants", "GRANT UPDATE ON ss_grants_state.* TO 'ss_writer'@'localhost'");
            assertEquals(List.of("'ss_writer'@'localhost'"), StateWriters.find(c, MariaDbDialect.INSTANCE, apart));
        } finally {
            TestDatabase.exec("ss_grants", "DROP USER IF EXISTS 'ss_writer'@'localhost'");
        }
    }

    private static List<String> entries(String stateSchema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = TestDatabase.connect(stateSchema); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name, row_id, kind FROM esa_change ORDER BY table_name, row_id")) {
            while (rs.next()) {
                out.add(rs.getString(1) + "=" + rs.getString(2) + ":" + rs.getString(3));
            }
        }
        return out;
    }

    private static List<String> tables(String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = TestDatabase.connect(schema); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
                     + schema + "' ORDER BY TABLE_NAME")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static long count(String schema, String sql) throws SQLException {
        try (Connection c = TestDatabase.connect(schema); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
