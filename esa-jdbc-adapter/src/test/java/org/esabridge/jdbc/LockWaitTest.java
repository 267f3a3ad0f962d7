package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A write that waits for a row lock another transaction holds: retried within a bound (the lock wait is a
 * quarter of query-timeout-seconds), so a short hold costs a delay, a long one a quick DATABASE_UNAVAILABLE.
 */
@Tag("database")
class LockWaitTest {
    private static final String DB = "esa_lock_wait_test";
    private static JdbcAdapter adapter;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(20),"
                        + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                "INSERT INTO item (id, name) VALUES (1, 'a'), (2, 'b')");
        // lock wait 1 s per attempt
        adapter = TestDatabase.adapter(DB, "structure.item.writable", "true", "query-timeout-seconds", "4");
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    private static Instant rename(String id, String name) throws EsaException {
        ExternalRecord seen = adapter.read("item", id);
        return adapter.update(new Session("host"), "item", seen.modifiedAt(),
                new ExternalRecord(id, null, List.of(new FieldValue("name", name))));
    }

    private static Connection lockRow(String id) throws Exception {
        Connection holder = TestDatabase.connect(DB);
        holder.setAutoCommit(false);
        try (Statement s = holder.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT id FROM item WHERE id = " + id + " FOR UPDATE")) {
            assertTrue(rs.next());
        }
        return holder;
    }

    @Test
    void aLockHeldLongerThanOneWaitIsOutlastedByTheRetries() throws Exception {
        Connection holder = lockRow("1");
        later.schedule(() -> {
            holder.rollback();
            holder.close();
            return null;
        }, 1500, TimeUnit.MILLISECONDS);
        long start = System.nanoTime();

        rename("1", "after the lock");

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.toMillis() >= 1000, "the first attempt waited for the lock: " + took);
        assertEquals("after the lock", adapter.read("item", "1").fields().stream()
                .filter(f -> f.name().equals("name")).findFirst().orElseThrow().text());
    }

    @Test
    void aLockHeldForLongGivesDatabaseUnavailableWithinTheBound() throws Exception {
        try (Connection holder = lockRow("2")) {
            long start = System.nanoTime();
            EsaException e = assertThrows(EsaException.class, () -> rename("2", "never"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(ErrorCode.DATABASE_UNAVAILABLE, e.code(), e.getMessage());
            assertTrue(took.toMillis() < 8000, "four attempts of about 1 s each: " + took);
            holder.rollback();
        }
        assertEquals("b", adapter.read("item", "2").fields().stream()
                .filter(f -> f.name().equals("name")).findFirst().orElseThrow().text());
    }
}
