package org.esabridge.jdbc.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.Session;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.TestDatabase;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.Faults;
import org.esabridge.jdbc.mariadb.MariaDbDialect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A write that loses to a concurrent one (here an InnoDB deadlock, which reports the same error 1213 as a Galera
 * certification failure; GaleraClusterTest has the real thing): rolled back whole and run again from its
 * conditional statement, applied once; when it keeps losing, a fault that says it was not applied.
 */
@Tag("database")
class WriteConflictTest {
    private static final String DB = "esa_write_conflict_test";
    private static final Dialect DIALECT = MariaDbDialect.INSTANCE;
    private static JdbcAdapter adapter;
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(20),"
                        + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                "INSERT INTO item (id, name) VALUES (1, 'a'), (2, 'b')",
                // Counts the updates that were applied: a write applied twice would count two.
                "CREATE TABLE applied (id INT PRIMARY KEY, n INT NOT NULL)",
                "INSERT INTO applied VALUES (1, 0)",
                "CREATE TRIGGER item_applied AFTER UPDATE ON item FOR EACH ROW UPDATE applied SET n = n + 1 WHERE id = 1",
                "CREATE TABLE ballast (id INT PRIMARY KEY)",
                "CREATE TABLE plain (id INT PRIMARY KEY, v INT NOT NULL)",
                "INSERT INTO plain VALUES (1, 0), (2, 0)");
        adapter = TestDatabase.adapter(DB, "structure.item.writable", "true", "query-timeout-seconds", "20");
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    /** Waits, with a deadline, until some transaction waits for a row lock, or {@code waiter} ends. */
    private static void awaitLockWait(Future<?> waiter) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement()) {
            while (true) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.INNODB_TRX"
                        + " WHERE trx_state = 'LOCK WAIT'")) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                if (waiter.isDone()) {
                    waiter.get();
                    throw new AssertionError("ended without waiting for a lock");
                }
                assertTrue(System.nanoTime() < deadline, "no transaction came to wait for a lock");
                // INNODB_TRX is a cache that InnoDB refreshes only when nobody read it for 100 ms: polling faster
                // would keep showing the first snapshot.
                Thread.sleep(150);
            }
        }
    }

    private static int applied() throws SQLException {
        try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT n FROM applied WHERE id = 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void anUpdateThatLosesADeadlockIsRunAgainAndAppliedOnce() throws Exception {
        ExternalRecord seen = adapter.read("item", "1");
        int before = applied();
        try (Connection holder = TestDatabase.connect(DB); Statement h = holder.createStatement()) {
            holder.setAutoCommit(false);
            // The holder takes the counter row and outweighs the adapter's transaction, so InnoDB picks the
            // adapter's as the deadlock's victim.
            h.executeUpdate("UPDATE applied SET n = n WHERE id = 1");
            h.executeUpdate("INSERT INTO ballast SELECT seq FROM seq_1_to_2000");
            // The adapter's update locks row 1, then its trigger waits for the counter row.
            Future<Instant> write = pool.submit(() -> adapter.update(new Session("host"), "item", seen.modifiedAt(),
                    new ExternalRecord("1", null, List.of(new FieldValue("name", "renamed")))));
            awaitLockWait(write);
            // Now the holder wants row 1: a cycle. Had the holder been the victim, this would throw 1213.
            try (ResultSet rs = h.executeQuery("SELECT id FROM item WHERE id = 1 FOR UPDATE")) {
                assertTrue(rs.next());
            }
            holder.rollback();

            Instant written = write.get(20, TimeUnit.SECONDS);
            ExternalRecord after = adapter.read("item", "1");
            assertEquals("renamed", after.field("name").text());
            assertEquals(after.modifiedAt(), written, "the answer is the stored version");
            assertEquals(before + 1, applied(), "applied exactly once");
        } finally {
            pool.shutdownNow();
        }
    }

    /** Two plain transactions deadlock; the loser's real error is what this test feeds the write path. */
    private static SQLException realDeadlock() throws Exception {
        try (Connection a = TestDatabase.connect(DB); Connection b = TestDatabase.connect(DB);
             Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            sa.executeUpdate("UPDATE plain SET v = v + 1 WHERE id = 1");
            sb.executeUpdate("UPDATE plain SET v = v + 1 WHERE id = 2");
            CompletableFuture<SQLException> bWaits = CompletableFuture.supplyAsync(() -> {
                try {
                    sb.executeUpdate("UPDATE plain SET v = v + 1 WHERE id = 1");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            awaitLockWait(bWaits);
            SQLException lost;
            try {
                sa.executeUpdate("UPDATE plain SET v = v + 1 WHERE id = 2");
                lost = bWaits.get(10, TimeUnit.SECONDS);
            } catch (SQLException e) {
                lost = e;
            }
            a.rollback();
            b.rollback();
            assertNotNull(lost, "one of the two lost the deadlock");
            return lost;
        }
    }

    @Test
    void aConflictOnEveryAttemptStopsAtTheBoundAndSaysNothingWasApplied() throws Exception {
        SQLException deadlock = realDeadlock();
        assertEquals(1213, deadlock.getErrorCode());
        assertTrue(DIALECT.isWriteConflict(deadlock));

        AtomicInteger attempts = new AtomicInteger();
        SQLException thrown = assertThrows(SQLException.class, () -> Deadlocks.retry(DIALECT, () -> {
            attempts.incrementAndGet();
            throw deadlock;
        }));
        assertEquals(Deadlocks.ATTEMPTS, attempts.get());

        EsaRecordException fault = Faults.ofRecord(DIALECT, thrown, "update in item", "item", "1");
        assertEquals(ErrorCode.DATABASE_UNAVAILABLE, fault.code(), "a later try may pass: the host retries later");
        assertEquals("update in item: it kept conflicting with concurrent writes (on this or another database node)"
                + " and was not applied; try again", fault.getMessage());
    }
}
