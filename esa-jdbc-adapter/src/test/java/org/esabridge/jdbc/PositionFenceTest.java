package org.esabridge.jdbc;

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
import java.util.stream.Stream;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.Session;
import org.esabridge.jdbc.capture.CaptureMode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fence by the log's position (issue 22), on both engines' logs: on the node whose reader runs, getCurrentTime
 * and log-mode reads write no row into {@code esa_fence} and still cover every write committed before them under
 * concurrent writers (on PostgreSQL also a write committed with {@code synchronous_commit=off}, visible before its
 * commit record is written out); on an idle log the answer is not older than the database's clock at the call; a
 * read's fence flushes no new stamp, also while the log moves on with nothing of ours; another node sets a marker;
 * a reader whose writer is stuck still ends the call in DATABASE_UNAVAILABLE within the deadline. MariaDB's own case,
 * a log whose sequence numbers go back, is {@code mariadb.capture.GtidOrderFenceTest}.
 */
@Tag("database")
@ParameterizedClass(name = "{0}")
@MethodSource("engines")
class PositionFenceTest {
    private static final int WRITERS = 4;
    private static final int ROUNDS = 25;

    @Parameter
    EngineFixture engine;

    static Stream<EngineFixture> engines() {
        return Stream.of(EngineFixture.MARIADB_BINLOG, EngineFixture.POSTGRES_LOG);
    }

    /** A fresh database with {@code item} for one scenario. */
    private String fresh(String scenario) {
        String db = engine.database("position_fence_" + scenario);
        engine.fresh(db);
        engine.exec(db, "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, " + engine.modifiedColumn() + ")");
        engine.exec(db, engine.stampedOnUpdate("item").toArray(String[]::new));
        return db;
    }

    private JdbcAdapter adapter(String db, String... extra) {
        List<String> settings = new java.util.ArrayList<>(List.of("structure.item.modified-column", "modified"));
        settings.addAll(List.of(extra));
        return engine.adapter(db, settings.toArray(String[]::new));
    }

    @Test
    void theLeadersFenceWritesNoRowAndCoversEveryWriteCommittedBeforeIt() throws Exception {
        String db = fresh("race");
        try (JdbcAdapter adapter = adapter(db, "pool-size", "20")) {
            assertEquals(CaptureMode.BINLOG, adapter.captureMode());
            FenceRace.awaitPositionFence(adapter, () -> markers(db));
            long markers = markers(db);
            // On PostgreSQL half commit asynchronously: visible at once, in the WAL's buffers only, not yet at
            // pg_current_wal_lsn() (the test server commits so by default: the other half asks to wait).
            assertEquals(List.of(), FenceRace.run(adapter, WRITERS, ROUNDS, () -> engine.connect(db), (s, writer) -> {
                if (engine.postgres()) {
                    s.execute("SET synchronous_commit = " + (writer % 2 == 0 ? "off" : "on"));
                }
            }, id -> stamp(db, id)));
            assertEquals(markers, markers(db), "fence rows set by " + WRITERS * ROUNDS * 2 + " calls on the leader");
        }
    }

    /**
     * On an idle log the reader flushes nothing, and its last stamp grows old: getCurrentTime still answers no time
     * before the database's clock at the call (a table's deletion horizon taken from that clock before the call must
     * not be after the answer), and still without a fence row.
     */
    @Test
    void onAnIdleLogTheAnswerIsNotBeforeTheDatabasesClockAtTheCall() throws Exception {
        String db = fresh("idle");
        try (JdbcAdapter adapter = adapter(db)) {
            FenceRace.awaitPositionFence(adapter, () -> markers(db));
            long markers = markers(db);
            for (int i = 0; i < 5; i++) {
                Instant clock = instant(db, engine.postgres() ? "SELECT statement_timestamp() AT TIME ZONE 'UTC'"
                        : "SELECT UTC_TIMESTAMP(6)");
                Instant t = adapter.getCurrentTime();
                assertFalse(t.isBefore(clock), t + " answered after the database's clock said " + clock);
            }
            assertEquals(markers, markers(db));
        }
    }

    /**
     * A read's fence needs only the index to have passed the call, not a stamp after it: it flushes nothing, also when
     * it waits for the reader to pass a stretch of the log with nothing of ours (here a write to a table not served;
     * on PostgreSQL also the reader's heartbeat, the index's own commits, other databases). Each round writes one just
     * before the read, so that the fence finds the log's head ahead of what the reader has written.
     */
    @Test
    void aReadsFenceFlushesNoStampWhenTheLogHoldsNothingOfOurs() throws Exception {
        String db = fresh("reads");
        engine.exec(db, "CREATE TABLE unserved (id INT PRIMARY KEY)");
        try (JdbcAdapter adapter = adapter(db, JdbcAdapterConfig.STRUCTURES_EXCLUDE, "unserved");
             Connection c = engine.connect(db); Statement s = c.createStatement()) {
            if (engine.postgres()) {
                // Flushed at each commit (the test server commits asynchronously): the walsender has it at once, and
                // the fence waits for the reader to pass it, not for the WAL writer.
                s.execute("SET synchronous_commit = local");
            }
            FenceRace.awaitPositionFence(adapter, () -> markers(db));
            long markers = markers(db);
            HostReads reads = new HostReads(adapter, new Session("host"));
            for (int i = 0; i < 10; i++) {
                Instant stamp = lastStamp(db);
                s.executeUpdate("INSERT INTO unserved (id) VALUES (" + i + ")");
                assertEquals(List.of(), reads.modified("item", Instant.EPOCH));
                assertEquals(stamp, lastStamp(db), "round " + i + ": a read's fence flushed a new stamp");
            }
            assertEquals(markers, markers(db), "the reads' fences set no marker");
        }
    }

    @Test
    void anotherNodesFenceSetsAMarkerRow() throws Exception {
        String db = fresh("nodes");
        try (JdbcAdapter a = adapter(db); JdbcAdapter b = adapter(db)) {
            await(() -> a.captureStatus().leader() || b.captureStatus().leader(), "a node leads");
            JdbcAdapter leader = a.captureStatus().leader() ? a : b;
            JdbcAdapter other = leader == a ? b : a;
            FenceRace.awaitPositionFence(leader, () -> markers(db));
            engine.exec(db, "INSERT INTO item (id, v) VALUES (1, 1)");
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
        String db = fresh("stuck");
        int timeout = 1;
        int lease = 3;
        try (JdbcAdapter adapter = adapter(db, JdbcAdapterConfig.CAPTURE_FENCE_TIMEOUT_SECONDS, String.valueOf(timeout),
                JdbcAdapterConfig.CAPTURE_LEASE_SECONDS, String.valueOf(lease));
             Connection lock = engine.connect(db); Statement s = lock.createStatement()) {
            FenceRace.awaitPositionFence(adapter, () -> markers(db));
            // The writer's next flush waits for this lock: the reader reads on, the index stands still.
            lock.setAutoCommit(false);
            s.executeQuery("SELECT * FROM " + own("esa_capture") + " FOR UPDATE").close();
            try {
                engine.exec(db, "INSERT INTO item (id, v) VALUES (1, 1)");
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

    /** One of the adapter's own tables, as this engine's tests name it (PostgreSQL keeps them in schema esa). */
    private String own(String table) {
        return engine.postgres() ? "esa." + table : table;
    }

    /** The change-index stamp of the item row {@code id}, or null when it is not indexed. */
    private Instant stamp(String db, int id) throws Exception {
        try (Connection c = engine.connect(db); PreparedStatement ps = c.prepareStatement("SELECT MAX(stamp) FROM "
                + own("esa_change") + " WHERE table_name = 'item' AND row_id = ?")) {
            ps.setString(1, String.valueOf(id));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                LocalDateTime stamp = rs.getObject(1, LocalDateTime.class);
                return stamp == null ? null : stamp.toInstant(ZoneOffset.UTC);
            }
        }
    }

    private Instant lastStamp(String db) throws Exception {
        return instant(db, "SELECT last_stamp FROM " + own("esa_capture") + " WHERE name = 'binlog'");
    }

    private Instant instant(String db, String sql) throws Exception {
        try (Connection c = engine.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC);
        }
    }

    private long markers(String db) throws Exception {
        try (Connection c = engine.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + own("esa_fence"))) {
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
