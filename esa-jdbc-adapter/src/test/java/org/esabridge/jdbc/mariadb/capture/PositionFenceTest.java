package org.esabridge.jdbc.mariadb.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.Session;
import org.esabridge.jdbc.FenceRace;
import org.esabridge.jdbc.HostReads;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.TestDatabase;
import org.esabridge.jdbc.capture.CaptureMode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fence by the binary log's position (issue 22): on the node whose reader runs, getCurrentTime and binlog-mode
 * reads write no row into {@code esa_fence} and still cover every write committed before them, under concurrent
 * writers; another node sets a marker; a reader whose writer is stuck still ends the call in DATABASE_UNAVAILABLE
 * within the deadline; a log whose sequence numbers go back switches the fast path off for good.
 */
@Tag("database")
class PositionFenceTest {
    private static final String TABLE = "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, modified TIMESTAMP(6)"
            + " NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))";
    private static final int WRITERS = 4;
    private static final int ROUNDS = 25;

    @Test
    void theLeadersFenceWritesNoRowAndCoversEveryWriteCommittedBeforeIt() throws Exception {
        String db = "cap_position_fence";
        TestDatabase.freshSchema(db);
        TestDatabase.exec(db, TABLE);
        try (JdbcAdapter adapter = TestDatabase.adapter(db, "pool-size", "20")) {
            assertEquals(CaptureMode.BINLOG, adapter.captureMode());
            awaitPositionFence(db, adapter);
            long markers = markers(db);
            assertEquals(List.of(), FenceRace.run(adapter, WRITERS, ROUNDS, () -> TestDatabase.connect(db),
                    (s, writer) -> { }, id -> {
                        ChangeIndexRows.Entry e = ChangeIndexRows.of(db, "item").get(String.valueOf(id));
                        return e == null ? null : e.stamp();
                    }));
            assertEquals(markers, markers(db), "fence rows set by " + WRITERS * ROUNDS * 2 + " calls on the leader");
        }
    }

    /**
     * On an idle log the reader flushes nothing, and its last stamp grows old: getCurrentTime still answers no time
     * before the database's clock at the call (a table's deletion horizon taken from that clock before the call must
     * not be after the answer), and still without a fence row; a read's fence, which needs no stamp, flushes nothing.
     */
    @Test
    void onAnIdleLogTheAnswerIsNotBeforeTheDatabasesClockAtTheCall() throws Exception {
        String db = "cap_position_fence_idle";
        TestDatabase.freshSchema(db);
        TestDatabase.exec(db, TABLE);
        try (JdbcAdapter adapter = TestDatabase.adapter(db)) {
            awaitPositionFence(db, adapter);
            long markers = markers(db);
            for (int i = 0; i < 5; i++) {
                Instant clock = clock(db);
                Instant t = adapter.getCurrentTime();
                assertFalse(t.isBefore(clock), t + " answered after the database's clock said " + clock);
            }
            Instant stamp = lastStamp(db);
            new HostReads(adapter, new Session("host")).modified("item", Instant.EPOCH);
            assertEquals(stamp, lastStamp(db), "a read's fence flushed a new stamp");
            assertEquals(markers, markers(db));
        }
    }

    @Test
    void anotherNodesFenceSetsAMarkerRow() throws Exception {
        String db = "cap_position_fence_nodes";
        TestDatabase.freshSchema(db);
        TestDatabase.exec(db, TABLE);
        try (JdbcAdapter a = TestDatabase.adapter(db); JdbcAdapter b = TestDatabase.adapter(db)) {
            await(() -> a.captureStatus().leader() || b.captureStatus().leader(), "a node leads");
            JdbcAdapter leader = a.captureStatus().leader() ? a : b;
            JdbcAdapter other = leader == a ? b : a;
            awaitPositionFence(db, leader);
            TestDatabase.exec(db, "INSERT INTO item (id, v) VALUES (1, 1)");
            long before = markers(db);
            Instant t = other.getCurrentTime();
            assertEquals(before + 1, markers(db), "the node that does not read the log sets a marker");
            assertFalse(ChangeIndexRows.of(db, "item").get("1").stamp().isAfter(t));
            leader.getCurrentTime();
            assertEquals(before + 1, markers(db), "the leader sets none");
        }
    }

    @Test
    void aReaderWhoseWriterIsStuckStillEndsTheCallInDatabaseUnavailableWithinTheDeadline() throws Exception {
        String db = "cap_position_fence_stuck";
        TestDatabase.freshSchema(db);
        TestDatabase.exec(db, TABLE);
        int timeout = 1;
        int lease = 3;
        try (JdbcAdapter adapter = TestDatabase.adapter(db, JdbcAdapterConfig.CAPTURE_FENCE_TIMEOUT_SECONDS,
                String.valueOf(timeout), JdbcAdapterConfig.CAPTURE_LEASE_SECONDS, String.valueOf(lease));
             Connection lock = TestDatabase.connect(db); Statement s = lock.createStatement()) {
            awaitPositionFence(db, adapter);
            // The writer's next flush waits for this lock: the reader reads on, the index stands still.
            lock.setAutoCommit(false);
            s.executeQuery("SELECT * FROM esa_capture FOR UPDATE").close();
            try {
                TestDatabase.exec(db, "INSERT INTO item (id, v) VALUES (1, 1)");
                long start = System.nanoTime();
                EsaException e = assertThrows(EsaException.class, adapter::getCurrentTime);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(ErrorCode.DATABASE_UNAVAILABLE, e.code(), e.getMessage());
                // The budget: the timeout twice and the lease's time to live, and a moment for the last look.
                assertTrue(millis >= timeout * 1000L && millis < (2L * timeout + lease) * 1000 + 1500, millis + " ms");
            } finally {
                lock.rollback();
            }
            Instant t = adapter.getCurrentTime();
            assertFalse(ChangeIndexRows.of(db, "item").get("1").stamp().isAfter(t), "the index goes on once unlocked");
        }
    }

    @Test
    void aSequenceNumberThatGoesBackInItsDomainSwitchesTheFenceToMarkersForGood() throws Exception {
        String db = "cap_position_fence_order";
        TestDatabase.freshSchema(db);
        TestDatabase.exec(db, TABLE);
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@GLOBAL.gtid_strict_mode")) {
            rs.next();
            assumeFalse(rs.getBoolean(1), "gtid_strict_mode refuses an out-of-order sequence number");
        }
        try (JdbcAdapter adapter = TestDatabase.adapter(db)) {
            awaitPositionFence(db, adapter);
            // A new domain of its own, ending above every number it had: a reader that later starts at the log's
            // end (as every other test's does) is not sent the disorder again (the server, asked for a domain's
            // position, sends from the first larger number it meets).
            long domain = java.util.concurrent.ThreadLocalRandom.current().nextLong(1000, 1L << 31);
            TestDatabase.exec(db, "SET SESSION gtid_domain_id = " + domain, "SET SESSION gtid_seq_no = 1000",
                    "INSERT INTO item (id, v) VALUES (1, 1)", "SET SESSION gtid_seq_no = 1",
                    "INSERT INTO item (id, v) VALUES (2, 2)", "SET SESSION gtid_seq_no = 2000",
                    "INSERT INTO item (id, v) VALUES (3, 3)");
            await(() -> {
                try {
                    return ChangeIndexRows.of(db, "item").containsKey("3");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "the reader wrote the transaction logged out of order");
            for (int i = 0; i < 3; i++) {
                long before = markers(db);
                TestDatabase.exec(db, "UPDATE item SET v = v + 1 WHERE id = 2");
                Instant t = adapter.getCurrentTime();
                assertEquals(before + 1, markers(db), "a marker row per fence once the order broke");
                assertFalse(ChangeIndexRows.of(db, "item").get("2").stamp().isAfter(t));
            }
        }
    }

    /** Waits until a getCurrentTime sets no marker row: the reader runs here and its server is known. */
    static void awaitPositionFence(String db, JdbcAdapter adapter) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            long before = markers(db);
            adapter.getCurrentTime();
            if (markers(db) == before) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the leader's fence still sets marker rows after 60 s");
            Thread.sleep(20); // a poll with a deadline: the reader connects on its own thread
        }
    }

    private static Instant clock(String db) throws Exception {
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT UTC_TIMESTAMP(6)")) {
            rs.next();
            return rs.getObject(1, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC);
        }
    }

    private static Instant lastStamp(String db) throws Exception {
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT last_stamp FROM esa_capture WHERE name = 'binlog'")) {
            rs.next();
            return rs.getObject(1, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC);
        }
    }

    static long markers(String db) throws Exception {
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM esa_fence")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(10); // a poll with a deadline; the condition is the state itself
        }
    }
}
