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
import java.util.concurrent.atomic.AtomicBoolean;
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
 * The waits are the scenarios' own (a transaction that stays open for seconds), not synchronisation.
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

    @Test
    void aTransactionHiddenByAFrozenInnodbTrxListIsStillDelivered() throws Exception {
        assertEquals(Watermark.Mode.OPEN_TRANSACTIONS, adapter.watermarkMode());
        AtomicBoolean polling = new AtomicBoolean(true);
        CompletableFuture<Void> poller = CompletableFuture.runAsync(() -> {
            // A monitoring tool reading the list every 50 ms keeps InnoDB from ever refreshing it.
            try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement()) {
                while (polling.get()) {
                    try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.INNODB_TRX")) {
                        rs.next();
                    }
                    Thread.sleep(50);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long staleBefore = staleReads();
        try (Connection writer = TestDatabase.connect(DB); Statement s = writer.createStatement()) {
            Instant previous = adapter.getCurrentTime();
            writer.setAutoCommit(false);
            s.execute("UPDATE item SET v = 'frozen' WHERE id = 1"); // stamped T1
            Thread.sleep(3000); // the writer's transaction stays open 3 s
            Instant first = adapter.getCurrentTime();
            assertEquals(List.of(), modified("item", previous), "invisible while open");
            writer.commit();
            assertTrue(modified("item", first).contains("1=frozen"), "delivered by the next sync");
        } finally {
            polling.set(false);
            poller.get(30, TimeUnit.SECONDS);
        }
        assertTrue(staleReads() > staleBefore, "the frozen list was noticed, not trusted");
    }

    @Test
    void aReadCommittedStatementThatHasFixedItsStampButHoldsNoLockYetIsDelivered() throws Exception {
        Instant previous = adapter.getCurrentTime();
        CompletableFuture<Void> slow = CompletableFuture.runAsync(() -> {
            try (Connection writer = TestDatabase.connect(DB); Statement s = writer.createStatement()) {
                s.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
                s.execute("UPDATE item SET v = 'slow' WHERE id = (SELECT 2 FROM DUAL WHERE SLEEP(3) = 0)");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        awaitRunning("SLEEP(3)");
        Thread.sleep(1500); // well past the margin, still running
        Instant first = adapter.getCurrentTime();
        assertEquals(List.of(), modified("item", previous).stream().filter(r -> r.startsWith("2=")).toList());
        slow.get(30, TimeUnit.SECONDS);
        assertTrue(modified("item", first).contains("2=slow"), "delivered by the next sync");
    }

    private static long staleReads() {
        return adapter.staleWatermarkReads();
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
