package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.changes.Watermark;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The polling watermark's holes found by review (issue 12, item 4), each a late commit that the watermark of
 * the previous version did not see (both fail on it): an INNODB_TRX list kept frozen by another reader, and a
 * READ COMMITTED statement that fixed its stamp while InnoDB did not know it yet.
 * The waits are the scenarios' own (a transaction that stays open for seconds), not synchronisation: what must
 * still be going on when the watermark reads is held by a lock the test holds, not by a duration.
 */
@Tag("database")
class WatermarkHolesTest {
    private static final String DB = "esa_watermark_holes";
    private static JdbcAdapter adapter;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB,
                "CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(10), modified TIMESTAMP(6) NOT NULL"
                        + " DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), KEY item_mod (modified, id))",
                "INSERT INTO item (id, v) VALUES (1, 'old'), (2, 'old'), (3, 'old')");
        // The polling watermark is what this class tests; binlog mode does not use it.
        adapter = TestDatabase.adapter(DB, JdbcAdapterConfig.CHANGE_CAPTURE, "polling");
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    private static List<String> modified(String table, Instant after) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getModified(table, after, sink));
        return sink.records().stream().map(r -> r.id() + "=" + r.field("v").text()).toList();
    }

    /**
     * InnoDB refreshes the list only when nobody read it for 100 ms, so only a reader that keeps coming freezes it.
     * The reader is a loop inside the server (every 20 ms, no JVM pause in between), and whether a frozen list met the
     * watermark's read is what the watermark itself counts: the scenario runs again until a read found the list frozen
     * (at most five times). Every run, frozen or not, must deliver the change; none may pass without a frozen read.
     */
    @Test
    void aTransactionHiddenByAFrozenInnodbTrxListIsStillDelivered() throws Exception {
        assertEquals(Watermark.Mode.OPEN_TRANSACTIONS, adapter.watermarkMode());
        TestDatabase.exec(DB, "CREATE PROCEDURE freeze_trx_list() BEGIN DECLARE n INT;"
                + " WHILE IS_USED_LOCK('esa_test_freeze') IS NOT NULL DO"
                + " SELECT COUNT(*) INTO n FROM information_schema.INNODB_TRX; DO SLEEP(0.02); END WHILE; END");
        long staleBefore = staleReads();
        for (int run = 1; staleReads() == staleBefore; run++) {
            assertTrue(run <= 5, "five runs and the list of open transactions was never frozen at the watermark's read");
            deliveredDespiteAFrozenList("frozen" + run);
        }
    }

    private static void deliveredDespiteAFrozenList(String value) throws Exception {
        try (Connection holder = TestDatabase.connect(DB); Statement h = holder.createStatement()) {
            try (ResultSet rs = h.executeQuery("SELECT GET_LOCK('esa_test_freeze', 10)")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
            CompletableFuture<Long> freezerId = new CompletableFuture<>();
            CompletableFuture<Void> freezer = CompletableFuture.runAsync(() -> {
                try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement()) {
                    try (ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
                        rs.next();
                        freezerId.complete(rs.getLong(1));
                    }
                    s.execute("CALL freeze_trx_list()");
                } catch (Exception e) {
                    freezerId.completeExceptionally(e);
                    throw new IllegalStateException(e);
                }
            });
            try {
                awaitBusy(freezerId.get(30, TimeUnit.SECONDS)); // its loop has read the list: frozen from here
                try (Connection writer = TestDatabase.connect(DB); Statement s = writer.createStatement()) {
                    Instant previous = adapter.getCurrentTime();
                    writer.setAutoCommit(false);
                    s.execute("UPDATE item SET v = '" + value + "' WHERE id = 1"); // stamped T1
                    Thread.sleep(3000); // the scenario: the writer's transaction stays open 3 s, past the margin
                    Instant first = adapter.getCurrentTime();
                    assertEquals(List.of(), modified("item", previous), "invisible while open");
                    writer.commit();
                    assertTrue(modified("item", first).contains("1=" + value), "delivered by the next sync");
                }
            } finally {
                h.execute("DO RELEASE_LOCK('esa_test_freeze')");
                freezer.get(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The statement fixes its stamp, then waits for a lock the test holds before it touches the table: it is still
     * waiting when the watermark reads, whatever the machine's load, until the test lets it go.
     */
    @Test
    void aReadCommittedStatementThatHasFixedItsStampButHoldsNoLockYetIsDelivered() throws Exception {
        try (Connection gate = TestDatabase.connect(DB); Statement g = gate.createStatement()) {
            try (ResultSet rs = g.executeQuery("SELECT GET_LOCK('esa_test_gate', 10)")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
            Instant previous = adapter.getCurrentTime();
            CompletableFuture<Void> slow = CompletableFuture.runAsync(() -> {
                try (Connection writer = TestDatabase.connect(DB); Statement s = writer.createStatement()) {
                    s.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
                    s.execute("UPDATE item SET v = 'slow' WHERE id ="
                            + " (SELECT 2 FROM DUAL WHERE GET_LOCK('esa_test_gate', 60) = 1)");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                awaitRunning("SELECT 2 FROM DUAL WHERE GET_LOCK");
                Thread.sleep(1500); // the scenario: its stamp ages well past the margin
                Instant first = adapter.getCurrentTime();
                assertEquals(List.of(), modified("item", previous).stream().filter(r -> r.startsWith("2=")).toList());
                g.execute("DO RELEASE_LOCK('esa_test_gate')");
                slow.get(30, TimeUnit.SECONDS);
                assertTrue(modified("item", first).contains("2=slow"), "delivered by the next sync");
            } finally {
                g.execute("DO RELEASE_LOCK('esa_test_gate')");
            }
        }
    }

    private static long staleReads() {
        return adapter.staleWatermarkReads();
    }

    /** Waits until the connection is running a statement (a condition, with a deadline). */
    private static void awaitBusy(long connectionId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = "
                        + connectionId + " AND INFO IS NOT NULL")) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.onSpinWait();
            }
        }
        throw new AssertionError("connection " + connectionId + " never ran its statement");
    }

    /** Waits until the statement is running (a condition, with a deadline). */
    private static void awaitRunning(String fragment) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%"
                        + fragment.replace("(", "_").replace(")", "_") + "%' AND ID <> CONNECTION_ID()")) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.onSpinWait();
            }
        }
        throw new AssertionError("the statement never started");
    }
}
