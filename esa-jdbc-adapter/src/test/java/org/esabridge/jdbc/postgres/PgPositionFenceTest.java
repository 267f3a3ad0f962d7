package org.esabridge.jdbc.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.Session;
import org.esabridge.jdbc.FenceRace;
import org.esabridge.jdbc.HostReads;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.capture.CaptureMode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fence by the write-ahead log's position on PostgreSQL (issue 22): on the node whose reader runs,
 * getCurrentTime and log-mode reads write no row into {@code esa_fence} and still cover every write committed before
 * them — also a write committed with {@code synchronous_commit=off}, visible before its commit record is written out
 * — under concurrent writers; on an idle log the answer is not older than the database's clock at the call; another
 * node sets a marker; a reader whose writer is stuck still ends the call in DATABASE_UNAVAILABLE within the deadline.
 */
@Tag("database")
class PgPositionFenceTest {
    private static final String TABLE = "CREATE TABLE item (id integer PRIMARY KEY, v integer NOT NULL,"
            + " modified timestamptz NOT NULL DEFAULT now())";
    private static final int WRITERS = 4;
    private static final int ROUNDS = 25;

    private static JdbcAdapter adapter(String db) {
        return TestPostgres.adapter(db, "pool-size", "20", "structure.item.modified-column", "modified");
    }

    @Test
    void theLeadersFenceWritesNoRowAndCoversEveryWriteCommittedBeforeItEvenAsynchronousCommits() throws Exception {
        String db = "pg_position_fence";
        TestPostgres.freshDatabase(db);
        TestPostgres.exec(db, TABLE);
        try (JdbcAdapter adapter = adapter(db)) {
            assertEquals(CaptureMode.BINLOG, adapter.captureMode());
            awaitPositionFence(db, adapter);
            long markers = markers(db);
            // Half commit asynchronously: visible at once, in the WAL's buffers only, not yet at pg_current_wal_lsn()
            // (the test server commits so by default: the other half asks to wait).
            assertEquals(List.of(), FenceRace.run(adapter, WRITERS, ROUNDS, () -> TestPostgres.connect(db),
                    (s, writer) -> s.execute("SET synchronous_commit = " + (writer % 2 == 0 ? "off" : "on")),
                    id -> stamp(db, id)));
            assertEquals(markers, markers(db), "fence rows set by " + WRITERS * ROUNDS * 2 + " calls on the leader");
        }
    }

    /**
     * On an idle log the reader flushes nothing and its last stamp grows old: getCurrentTime still answers no time
     * before the database's clock at the call, without a fence row; a read's fence, which needs no stamp, flushes
     * nothing.
     */
    @Test
    void onAnIdleLogTheAnswerIsNotBeforeTheDatabasesClockAtTheCall() throws Exception {
        String db = "pg_position_fence_idle";
        TestPostgres.freshDatabase(db);
        TestPostgres.exec(db, TABLE);
        try (JdbcAdapter adapter = adapter(db)) {
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
        String db = "pg_position_fence_nodes";
        TestPostgres.freshDatabase(db);
        TestPostgres.exec(db, TABLE);
        try (JdbcAdapter a = adapter(db); JdbcAdapter b = adapter(db)) {
            await(() -> a.captureStatus().leader() || b.captureStatus().leader(), "a node leads");
            JdbcAdapter leader = a.captureStatus().leader() ? a : b;
            JdbcAdapter other = leader == a ? b : a;
            awaitPositionFence(db, leader);
            TestPostgres.exec(db, "INSERT INTO item (id, v) VALUES (1, 1)");
            long before = markers(db);
            Instant t = other.getCurrentTime();
            assertEquals(before + 1, markers(db), "the node that does not read the log sets a marker");
            assertFalse(stamp(db, 1).isAfter(t));
            leader.getCurrentTime();
            assertEquals(before + 1, markers(db), "the leader sets none");
        }
    }

    @Test
    void aReaderWhoseWriterIsStuckStillEndsTheCallInDatabaseUnavailableWithinTheDeadline() throws Exception {
        String db = "pg_position_fence_stuck";
        TestPostgres.freshDatabase(db);
        TestPostgres.exec(db, TABLE);
        int timeout = 1;
        int lease = 3;
        try (JdbcAdapter adapter = TestPostgres.adapter(db, "structure.item.modified-column", "modified",
                JdbcAdapterConfig.CAPTURE_FENCE_TIMEOUT_SECONDS, String.valueOf(timeout),
                JdbcAdapterConfig.CAPTURE_LEASE_SECONDS, String.valueOf(lease));
             Connection lock = TestPostgres.connect(db); Statement s = lock.createStatement()) {
            awaitPositionFence(db, adapter);
            // The writer's next flush waits for this lock: the reader reads on, the index stands still.
            lock.setAutoCommit(false);
            s.executeQuery("SELECT * FROM esa.esa_capture FOR UPDATE").close();
            try {
                TestPostgres.exec(db, "INSERT INTO item (id, v) VALUES (1, 1)");
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
            assertFalse(stamp(db, 1).isAfter(t), "the index goes on once unlocked");
        }
    }

    /** Waits until a getCurrentTime sets no marker row: the reader runs here and its walsender holds the slot. */
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

    private static Instant stamp(String db, int id) throws Exception {
        try (Connection c = TestPostgres.connect(db);
             PreparedStatement ps = c.prepareStatement("SELECT stamp FROM esa.esa_change WHERE table_name = 'item'"
                     + " AND row_id = ?")) {
            ps.setString(1, String.valueOf(id));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC) : null;
            }
        }
    }

    private static Instant clock(String db) throws Exception {
        return instant(db, "SELECT statement_timestamp() AT TIME ZONE 'UTC'");
    }

    private static Instant lastStamp(String db) throws Exception {
        return instant(db, "SELECT last_stamp FROM esa.esa_capture WHERE name = 'binlog'");
    }

    private static Instant instant(String db, String sql) throws Exception {
        try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC);
        }
    }

    static long markers(String db) throws Exception {
        try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM esa.esa_fence")) {
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
