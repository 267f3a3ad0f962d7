package org.esabridge.jdbc.mariadb.capture;

import org.esabridge.jdbc.capture.CaptureStatus;
import org.esabridge.jdbc.capture.CaptureMode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Binlog capture end to end on the embedded MariaDB (binary log on by default): each committed change becomes one
 * entry in {@code esa_change}, in commit order, and getCurrentTime's fence covers exactly what committed before it.
 */
@Tag("database")
class BinlogCaptureTest {
    private static final String TABLE = "CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(20), modified TIMESTAMP(6)"
            + " NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))";

    @Test
    void insertsUpdatesKeyChangesAndDeletesBecomeEntriesBetweenTwoFences() throws Exception {
        TestDatabase.freshSchema("cap_basic");
        TestDatabase.exec("cap_basic", TABLE);
        try (JdbcAdapter adapter = TestDatabase.adapter("cap_basic")) {
            assertEquals(CaptureMode.BINLOG, adapter.captureMode());
            Instant before = adapter.getCurrentTime();
            TestDatabase.exec("cap_basic",
                    "INSERT INTO item (id, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')",
                    "UPDATE item SET v = 'B' WHERE id = 2",
                    "UPDATE item SET id = 30 WHERE id = 3",
                    "DELETE FROM item WHERE id = 1");
            Instant after = adapter.getCurrentTime();

            Map<String, ChangeIndexRows.Entry> entries = ChangeIndexRows.of("cap_basic", "item");
            assertEquals(Map.of("1", 'D', "2", 'M', "3", 'D', "30", 'M'), kinds(entries));
            for (ChangeIndexRows.Entry e : entries.values()) {
                assertTrue(e.stamp().isAfter(before) && !e.stamp().isAfter(after), e + " not in (" + before + ", " + after + "]");
            }
            assertEquals(List.of("2", "3", "30", "1"), List.copyOf(entries.keySet()), "seq follows each row's last change");
        }
    }

    @Test
    void aRestartContinuesAfterTheLastFlushedTransactionNeverReapplyingOne() throws Exception {
        TestDatabase.freshSchema("cap_restart");
        TestDatabase.exec("cap_restart", TABLE);
        Map<String, ChangeIndexRows.Entry> first;
        try (JdbcAdapter adapter = TestDatabase.adapter("cap_restart")) {
            adapter.getCurrentTime();
            TestDatabase.exec("cap_restart", "INSERT INTO item (id, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
            adapter.getCurrentTime();
            first = ChangeIndexRows.of("cap_restart", "item");
            assertEquals(Map.of("1", 'M', "2", 'M', "3", 'M'), kinds(first));
        }
        // Written while no reader runs: the next reader finds them in the log after its stored position.
        TestDatabase.exec("cap_restart", "INSERT INTO item (id, v) VALUES (4, 'd')", "UPDATE item SET v = 'A' WHERE id = 1",
                "DELETE FROM item WHERE id = 2");
        try (JdbcAdapter adapter = TestDatabase.adapter("cap_restart")) {
            adapter.getCurrentTime();
            Map<String, ChangeIndexRows.Entry> second = ChangeIndexRows.of("cap_restart", "item");
            assertEquals(Map.of("1", 'M', "2", 'D', "3", 'M', "4", 'M'), kinds(second));
            assertEquals(first.get("3"), second.get("3"), "an entry flushed before the restart is not written again");
            assertTrue(second.get("1").stamp().isAfter(first.get("3").stamp()));
            assertEquals(List.of("3", "4", "1", "2"), List.copyOf(second.keySet()));
        }
    }

    @Test
    void getCurrentTimeWithoutARunningReaderIsDatabaseUnavailableWithinTheBound() throws Exception {
        TestDatabase.freshSchema("cap_fence");
        TestDatabase.exec("cap_fence", TABLE);
        try (JdbcAdapter adapter = TestDatabase.adapter("cap_fence")) {
            adapter.getCurrentTime();
        }
        // Another node "holds" the reader's lease and reads nothing.
        TestDatabase.exec("cap_fence", "UPDATE esa_lease SET holder = 'a-node-that-hangs', expires_at = '2999-01-01'"
                + " WHERE name = 'binlog-capture'");
        try (JdbcAdapter adapter = TestDatabase.adapter("cap_fence", "capture-fence-timeout-seconds", "1")) {
            assertEquals(CaptureMode.BINLOG, adapter.captureMode());
            assertFalse(adapter.captureStatus().leader());
            long start = System.nanoTime();
            EsaException e = assertThrows(EsaException.class, adapter::getCurrentTime);
            assertEquals(ErrorCode.DATABASE_UNAVAILABLE, e.code());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 1000 && millis < 5000, millis + " ms");
        }
    }

    @Test
    void aPurgedResumePositionIsRecordedAsAGapNeverASilentMiss() throws Exception {
        TestDatabase.freshSchema("cap_gap");
        TestDatabase.exec("cap_gap", TABLE);
        try (JdbcAdapter adapter = TestDatabase.adapter("cap_gap")) {
            adapter.getCurrentTime();
            TestDatabase.exec("cap_gap", "INSERT INTO item (id, v) VALUES (1, 'a')");
            adapter.getCurrentTime();
        }
        Instant sinceBefore = ChangeIndexRows.since("cap_gap");
        TestDatabase.exec("cap_gap", "INSERT INTO item (id, v) VALUES (2, 'b')", "FLUSH BINARY LOGS",
                "INSERT INTO item (id, v) VALUES (3, 'c')");
        purgeBinaryLogsBeforeTheCurrentOne();
        try (JdbcAdapter adapter = TestDatabase.adapter("cap_gap")) {
            Instant now = adapter.getCurrentTime();
            // The gap's commit answers the fence; the count goes up just after it, on the capture's thread.
            awaitCondition(() -> adapter.captureStatus().gaps() > 0);
            assertEquals(1, adapter.captureStatus().gaps());
            Instant since = ChangeIndexRows.since("cap_gap");
            assertTrue(since.isAfter(sinceBefore) && !since.isAfter(now), since + " after " + sinceBefore);
            // Rows 2 and 3 are not in the index, but since moved past them: an 'after' before since reads everything.
            assertEquals(Map.of("1", 'M'), kinds(ChangeIndexRows.of("cap_gap", "item")));
            TestDatabase.exec("cap_gap", "INSERT INTO item (id, v) VALUES (4, 'd')");
            adapter.getCurrentTime();
            ChangeIndexRows.Entry four = ChangeIndexRows.of("cap_gap", "item").get("4");
            assertTrue(four != null && four.stamp().isAfter(since), String.valueOf(four));
        }
    }

    @Test
    void aTruncateWhichLogsNoRowsMovesThatTablesDeletionHorizonOnly() throws Exception {
        TestDatabase.freshSchema("cap_truncate");
        TestDatabase.exec("cap_truncate", TABLE, TABLE.replace("TABLE item", "TABLE other"),
                "INSERT INTO item (id, v) VALUES (1, 'a'), (2, 'b')", "INSERT INTO other (id, v) VALUES (1, 'a'), (2, 'b')");
        try (JdbcAdapter adapter = TestDatabase.adapter("cap_truncate")) {
            Instant before = adapter.getCurrentTime();
            TestDatabase.exec("cap_truncate", "TRUNCATE TABLE item", "DELETE FROM other WHERE id = 2");
            Instant after = adapter.getCurrentTime();
            EsaException refused = assertThrows(EsaException.class,
                    () -> adapter.getDeleted("item", before, new RecordingResultHandler()));
            assertEquals(ErrorCode.NOT_SUPPORTED, refused.code(), "the truncated rows are not listed: compare ids");
            RecordingResultHandler others = new RecordingResultHandler();
            assertTrue(adapter.getDeleted("other", before, others));
            assertEquals(List.of("2"), others.ids(), "another table's deletions are still answered");
            assertEquals(0, adapter.captureStatus().gaps(), "no gap for the whole schema");
            TestDatabase.exec("cap_truncate", "INSERT INTO item (id, v) VALUES (3, 'c')", "DELETE FROM item WHERE id = 3");
            RecordingResultHandler later = new RecordingResultHandler();
            assertTrue(adapter.getDeleted("item", after, later));
            assertEquals(List.of("3"), later.ids(), "after the truncate the table's deletions are exact again");
        }
    }

    /**
     * A text key may be the empty string, the id the TRUNCATE's marker entry stores: the row's later changes must not
     * take the marker's place, or the truncated rows' deletions are answered as if there were none.
     */
    @Test
    void aRowWithTheEmptyIdDoesNotTakeTheTruncatesPlace() throws Exception {
        TestDatabase.freshSchema("cap_empty_id");
        TestDatabase.exec("cap_empty_id", "CREATE TABLE tag (id VARCHAR(20) PRIMARY KEY, v INT NOT NULL)",
                "INSERT INTO tag (id, v) VALUES ('', 0), ('a', 0), ('b', 0)");
        try (JdbcAdapter adapter = TestDatabase.adapter("cap_empty_id")) {
            Instant before = adapter.getCurrentTime();
            TestDatabase.exec("cap_empty_id", "TRUNCATE TABLE tag", "INSERT INTO tag (id, v) VALUES ('', 1)");
            adapter.getCurrentTime();
            RecordingResultHandler modified = new RecordingResultHandler();
            assertTrue(adapter.getModified("tag", before, modified));
            assertEquals(List.of(""), modified.records().stream().map(r -> r.id()).toList(), "the row inserted again is indexed");
            EsaException refused = assertThrows(EsaException.class,
                    () -> adapter.getDeleted("tag", before, new RecordingResultHandler()));
            assertEquals(ErrorCode.NOT_SUPPORTED, refused.code(), "'a' and 'b' left with the TRUNCATE: compare ids");
        }
    }

    @Test
    void aReaderThatCannotWriteTheIndexReportsItsLagAndIsNotHealthy() throws Exception {
        TestDatabase.freshSchema("cap_lag");
        TestDatabase.exec("cap_lag", TABLE);
        // Lock waits (a quarter of the query timeout) longer than any wait below: the blocked batch stays blocked.
        try (JdbcAdapter adapter = TestDatabase.adapter("cap_lag", JdbcAdapterConfig.QUERY_TIMEOUT_SECONDS, "240")) {
            adapter.getCurrentTime();
            CaptureStatus status = adapter.captureStatus();
            assertTrue(status.healthy(1));
            try (Connection blocker = TestDatabase.connect("cap_lag"); Statement s = blocker.createStatement()) {
                // The reader's next batch waits for this lock on its position row.
                blocker.setAutoCommit(false);
                s.executeQuery("SELECT * FROM esa_capture FOR UPDATE").close();
                TestDatabase.exec("cap_lag", "INSERT INTO item (id, v) VALUES (1, 'a')");
                awaitCondition(() -> status.lagSeconds() > 1 && status.lagEvents() == 1);
                assertFalse(status.healthy(1));
                assertTrue(status.healthy(60));
                blocker.rollback();
            }
            awaitCondition(() -> status.lagSeconds() == 0 && status.lagEvents() == 0);
            assertTrue(status.healthy(1));
            assertEquals(Map.of("1", 'M'), kinds(ChangeIndexRows.of("cap_lag", "item")));
        }
    }

    /** Polls a condition with a deadline (the reader's threads report no events a test could wait on). */
    private static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 60 s");
            }
            Thread.sleep(20);
        }
    }

    private static void purgeBinaryLogsBeforeTheCurrentOne() throws Exception {
        try (Connection c = TestDatabase.connect("cap_gap"); Statement s = c.createStatement()) {
            String current;
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                current = rs.getString(1);
            }
            s.execute("PURGE BINARY LOGS TO '" + current + "'");
        }
    }

    static Map<String, Character> kinds(Map<String, ChangeIndexRows.Entry> entries) {
        Map<String, Character> out = new java.util.HashMap<>();
        entries.forEach((id, e) -> out.put(id, e.kind()));
        return out;
    }
}
