package org.esabridge.jdbc.mariadb.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A batch of the index that takes longer than the capture lease's time to live (a huge transaction's million rows;
 * here a table lock on {@code esa_change} held by another connection) must not cost the reading node its lease: the
 * lease's row must show it held throughout, so that no other node takes over and the reader is not stopped.
 *
 * <p>Seen on the old code, where the batch renewed the lease at its start and kept the lease's row locked until its
 * commit: the leader's own renewals waited behind that lock, the row as committed expired one time to live into the
 * batch, the renewal's lock wait ran out, and the leader stopped reading ("the lease was lost") on a single node
 * already; a follower could take the lease the moment the batch committed.
 */
@Tag("database")
class LongFlushLeaseTest {
    private static final String DB = "cap_long_flush";
    private static final Duration TTL = Duration.ofSeconds(3);
    /** Held past the TTL and past the renewal's lock wait (a quarter of the query timeout, 4 s). */
    private static final Duration HELD = Duration.ofSeconds(8);

    @Test
    void aBatchHeldLongerThanTheLeaseKeepsTheLeaseWithItsReader() throws Exception {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(20), modified TIMESTAMP(6) NOT NULL"
                + " DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))");
        String[] settings = {JdbcAdapterConfig.CAPTURE_LEASE_SECONDS, String.valueOf(TTL.toSeconds()),
                JdbcAdapterConfig.QUERY_TIMEOUT_SECONDS, "16"};
        try (JdbcAdapter a = TestDatabase.adapter(DB, settings); JdbcAdapter b = TestDatabase.adapter(DB, settings)) {
            JdbcAdapter leader = awaitOneLeader(a, b);
            JdbcAdapter follower = leader == a ? b : a;
            leader.getCurrentTime();
            String holder;
            long replication;
            try (Connection c = TestDatabase.connect(DB)) {
                replication = awaitWatched(c);
                holder = lease(c).holder();
            }

            String expiredOrMoved = null;
            boolean readerAlive;
            try (Connection blocker = TestDatabase.connect(DB); Statement s = blocker.createStatement();
                 Connection c = TestDatabase.connect(DB)) {
                // A table lock: the batch waits for it as long as it is held (metadata locks wait for a year), while
                // row locks (the lease's) time out after a quarter of the query timeout.
                s.execute("LOCK TABLES esa_change WRITE");
                TestDatabase.exec(DB, "INSERT INTO item (id, v) VALUES (1, 'a')");
                Instant blockedAt = awaitBatchBlocked(c);
                Instant until = blockedAt.plus(HELD);
                for (Instant now = blockedAt; now.isBefore(until); now = dbNow(c)) {
                    LeaseRow row = lease(c);
                    if (expiredOrMoved == null && (!holder.equals(row.holder()) || row.expiresAt().isBefore(now))) {
                        expiredOrMoved = Duration.between(blockedAt, now).toMillis() + " ms into the batch: " + row
                                + " at " + now;
                    }
                    Thread.sleep(50); // sampling the lease's row while the scenario's time passes
                }
                readerAlive = alive(c, replication);
                s.execute("UNLOCK TABLES");
            }
            assertNull(expiredOrMoved, "the lease's row, as every node reads it, showed it lost");
            assertTrue(readerAlive, "the leader's replication connection is still open: it reads on");

            leader.getCurrentTime();
            assertTrue(leader.captureStatus().leader());
            assertFalse(follower.captureStatus().leader());
            try (Connection c = TestDatabase.connect(DB)) {
                assertEquals(holder, lease(c).holder(), "no takeover");
                assertEquals(1, count(c, "SELECT COUNT(*) FROM esa_change WHERE row_id = '1'"));
            }
            assertEquals(java.util.Map.of("1", 'M'), BinlogCaptureTest.kinds(ChangeIndexRows.of(DB, "item")));
        }
    }

    private record LeaseRow(String holder, Instant expiresAt, long watched) {
    }

    private static LeaseRow lease(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT holder, expires_at, watched_connection FROM esa_lease WHERE name = 'binlog-capture'")) {
            assertTrue(rs.next(), "the capture's lease row");
            return new LeaseRow(rs.getString(1), rs.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                    rs.getLong(3));
        }
    }

    /** Waits until the leader has named its replication connection in the lease ({@code Lease#watch}); its id. */
    private static long awaitWatched(Connection c) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            long watched = lease(c).watched();
            if (watched != 0) {
                return watched;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the leader never named its replication connection");
    }

    /** Waits until the reader's batch waits for the table lock; the database time it was seen. */
    private static Instant awaitBatchBlocked(Connection c) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (count(c, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()"
                    + " AND STATE LIKE 'Waiting for table metadata lock%' AND INFO LIKE '%esa_change%'") > 0) {
                return dbNow(c);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the reader's batch never waited for esa_change");
    }

    private static boolean alive(Connection c, long connectionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?")) {
            ps.setLong(1, connectionId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Instant dbNow(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT UTC_TIMESTAMP(6)")) {
            rs.next();
            return rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC);
        }
    }

    /** Waits (bounded) until exactly one of the two reads the log; answers that one. */
    private static JdbcAdapter awaitOneLeader(JdbcAdapter a, JdbcAdapter b) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            boolean la = a.captureStatus().leader();
            boolean lb = b.captureStatus().leader();
            if (la != lb) {
                return la ? a : b;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no single leader within 60 s");
    }
}
