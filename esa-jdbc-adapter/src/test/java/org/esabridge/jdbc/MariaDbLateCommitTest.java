package org.esabridge.jdbc;

import static org.esabridge.jdbc.LateCommitReads.MODIFIED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.LateCommitReads.Change;
import org.esabridge.jdbc.LateCommitReads.Outcome;
import org.esabridge.jdbc.LateCommitReads.Read;
import org.esabridge.jdbc.changes.Watermark;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * MariaDB's own late-commit cases for its watermark (the engines' shared scenarios are {@link LateCommitTest}'s):
 * with the fallback lag when the PROCESS privilege is missing or INNODB_TRX refused, and the watermark each read
 * records from INNODB_TRX. Deterministic: the transaction is held open by the test itself.
 */
@Tag("database")
class MariaDbLateCommitTest {
    private static final String DB = "esa_late_commit_test";
    private static final String[] POLLING = {JdbcAdapterConfig.CHANGE_CAPTURE, "polling"};
    private static JdbcAdapter guarded;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(10), modified TIMESTAMP(6) NOT NULL"
                + " DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), KEY item_mod (modified, id))");
        // The watermark is polling mode's; binlog mode has no late commits to catch up (ExactCaptureTest).
        guarded = TestDatabase.adapter(DB, POLLING);
    }

    @AfterAll
    static void stop() {
        guarded.close();
    }

    /**
     * Runs the scenario for one adapter: the change is made in a transaction held open across the first sync
     * and committed before the second.
     */
    private static Outcome scenario(JdbcAdapter a, Change change, Read read) throws Exception {
        Instant previous = a.getCurrentTime();
        try (Connection writer = TestDatabase.connect(DB); Statement s = writer.createStatement()) {
            writer.setAutoCommit(false);
            change.apply(s); // stamped T1 > previous
            // Longer than the watermark's margin, so that only the open transaction can explain a delivery.
            Thread.sleep(1100);
            Instant first = a.getCurrentTime(); // > T1 + 1 s
            List<String> firstSync = read.read(a, previous);
            writer.commit();
            return new Outcome(firstSync, read.read(a, first));
        }
    }

    @Test
    void withoutTheProcessPrivilegeTheFallbackLagStillDeliversTheRow() throws Exception {
        // The embedded server runs without grant tables, so the missing privilege is simulated: detection is
        // checked against the driver's refusal below, the fallback here against the real database.
        TestDatabase.exec(DB, "INSERT INTO item (id, v) VALUES (30, 'old')");
        try (JdbcAdapter limited = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(TestDatabase.settings(DB,
                JdbcAdapterConfig.WATERMARK_FALLBACK_LAG_SECONDS, "60", POLLING[0], POLLING[1]), null),
                Watermark.Mode.FIXED_LAG)) {
            Outcome host = scenario(limited, s -> s.execute("UPDATE item SET v = 'f30' WHERE id = 30"), MODIFIED);
            assertEquals(List.of(), host.firstSync().stream().filter(r -> r.startsWith("30=")).toList());
            assertTrue(host.secondSync().contains("30=f30"), host.secondSync().toString());
        }
        assertEquals(Watermark.Mode.OPEN_TRANSACTIONS, guarded.watermarkMode(), "root may read INNODB_TRX");
    }

    @Test
    void aRefusedInnodbTrxQuerySwitchesToTheFallback() throws Exception {
        Connection refusing = (Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    throw new java.sql.SQLException("Access denied; you need (at least one of) the PROCESS privilege(s)"
                            + " for this operation", "42000", 1227);
                });
        Watermark w = new Watermark(org.esabridge.jdbc.mariadb.MariaDbDialect.INSTANCE, 300, 5);
        w.detect(refusing);
        assertEquals(Watermark.Mode.FIXED_LAG, w.mode());
    }

    @Test
    void everyReadRecordsAWatermarkNoLaterThanTheOldestWritingTransaction() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO item (id, v) VALUES (40, 'old')");
        try (Connection writer = TestDatabase.connect(DB); Statement s = writer.createStatement()) {
            writer.setAutoCommit(false);
            Instant before = guarded.getCurrentTime();
            s.execute("UPDATE item SET v = 'w' WHERE id = 40");
            Thread.sleep(2100);
            guarded.getModified("item", guarded.getCurrentTime(), new RecordingResultHandler());
            try (Connection c = TestDatabase.connect(DB); Statement q = c.createStatement();
                 java.sql.ResultSet rs = q.executeQuery("SELECT read_at, low FROM esa_watermark ORDER BY seq DESC LIMIT 1")) {
                rs.next();
                Instant readAt = rs.getObject(1, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC);
                Instant low = rs.getObject(2, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC);
                assertTrue(!low.isAfter(before), "low " + low + " <= the transaction's start, not after " + before);
                assertTrue(low.isAfter(before.minusSeconds(4)), "and not far before it: " + low + " vs " + before);
                assertTrue(readAt.isAfter(before.plusSeconds(2)), readAt.toString());
            }
            writer.rollback();
        }
    }
}
