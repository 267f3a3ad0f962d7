package org.esabridge.jdbc.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.esabridge.jdbc.TestDatabase;
import org.esabridge.jdbc.dialect.MariaDbDialect;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("database")
class LeaseTest {
    private static final String DB = "esa_lease_test";
    private static DataSource ds;

    @BeforeAll
    static void schema() throws Exception {
        TestDatabase.freshSchema(DB);
        ds = TestDatabase.dataSource(DB);
        try (Connection c = ds.getConnection()) {
            Lease.createTable(c, org.esabridge.jdbc.dialect.StateTables.inConnectionSchema(MariaDbDialect.INSTANCE));
        }
    }

    @BeforeEach
    void free() {
        TestDatabase.exec(DB, "DELETE FROM esa_lease");
    }

    private static Lease lease(String holder) {
        return new Lease(ds, MariaDbDialect.INSTANCE, "reader", holder, Duration.ofMinutes(5));
    }

    /** What a holder's death looks like once its time to live has run out. */
    private static void expire() {
        TestDatabase.exec(DB, "UPDATE esa_lease SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND");
    }

    @Test
    void oneHolderAtATimeUntilReleased() throws Exception {
        Lease a = lease("node-a");
        Lease b = lease("node-b");
        assertTrue(a.tryAcquire());
        assertFalse(b.tryAcquire(), "taken");
        assertTrue(a.tryAcquire(), "the holder renews");
        a.release();
        assertTrue(b.tryAcquire());
        assertFalse(a.tryAcquire());
        try (Connection c = ds.getConnection()) {
            assertEquals("node-b", b.currentHolder(c));
        }
    }

    @Test
    void anExpiredLeaseIsTakenOverAndItsFormerHolderCanNoLongerWriteUnderIt() throws Exception {
        Lease a = lease("node-a");
        Lease b = lease("node-b");
        assertTrue(a.tryAcquire());
        expire();
        try (Connection c = ds.getConnection()) {
            assertNull(a.currentHolder(c), "expired");
        }
        assertTrue(b.tryAcquire());
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            assertFalse(a.stillHeld(c), "deposed");
            assertTrue(b.stillHeld(c));
            c.commit();
        }
        expire();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            assertFalse(b.stillHeld(c), "an expired lease is not held, even by its last holder");
            c.rollback();
        }
    }

    @Test
    void ofManyNodesTryingAtOnceExactlyOneWins() throws Exception {
        int nodes = 8;
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            CountDownLatch ready = new CountDownLatch(nodes);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> won = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                Lease l = lease("node-" + i);
                won.add(pool.submit(() -> {
                    try (Connection c = ds.getConnection()) {
                        ready.countDown();
                        go.await();
                        return l.tryAcquire(c);
                    }
                }));
            }
            assertTrue(ready.await(30, TimeUnit.SECONDS));
            go.countDown();
            int winners = 0;
            for (Future<Boolean> f : won) {
                winners += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, winners);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void workWaitsForTheHolderAndGivesUpNamingItAfterTheBound() throws Exception {
        Lease other = lease("node-other");
        assertTrue(other.tryAcquire());
        Lease mine = lease("node-mine");
        try (Connection c = ds.getConnection()) {
            SQLException e = assertThrows(SQLException.class,
                    () -> mine.runHolding(c, Duration.ofMillis(200), () -> {
                        throw new AssertionError("ran without the lease");
                    }));
            assertTrue(e.getMessage().contains("node-other"), e.getMessage());
        }
        other.release();
        List<String> ran = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            mine.runHolding(c, Duration.ofSeconds(30), () -> ran.add("work"));
            assertNull(mine.currentHolder(c), "released after the work");
        }
        assertEquals(List.of("work"), ran);
    }
}
