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
import org.esabridge.jdbc.mariadb.MariaDbDialect;
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
    @Test
    void workThatOutlastsTheTimeToLiveKeepsTheLeaseUntilItEnds() throws Exception {
        Lease mine = new Lease(ds, MariaDbDialect.INSTANCE, "reader", "node-mine", Duration.ofSeconds(2));
        Lease other = lease("node-other");
        List<String> seen = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            mine.runHolding(c, Duration.ofSeconds(30), () -> {
                // Well past the first expiry (twice the time to live after it), on the database's clock.
                awaitDatabaseTimePast(c, expiresAt(c).plusSeconds(4));
                seen.add("taken by another: " + other.tryAcquire());
                seen.add("holder: " + mine.currentHolder(c));
            });
            assertNull(mine.currentHolder(c), "released after the work");
        }
        assertEquals(List.of("taken by another: false", "holder: node-mine"), seen);
        assertTrue(other.tryAcquire(), "free once the work ended");
    }

    @Test
    void workWhoseLeaseWasTakenMeanwhileEndsInAnErrorAndLeavesTheLeaseToItsTaker() throws Exception {
        Lease mine = new Lease(ds, MariaDbDialect.INSTANCE, "reader", "node-mine", Duration.ofSeconds(2));
        try (Connection c = ds.getConnection()) {
            SQLException e = assertThrows(SQLException.class, () -> mine.runHolding(c, Duration.ofSeconds(30), () -> {
                // Taken from under the work: what another node does once it saw the lease expire (a stalled holder).
                TestDatabase.exec(DB, "UPDATE esa_lease SET holder = 'node-other' WHERE name = 'reader'");
                c.setAutoCommit(false);
                assertFalse(mine.stillHeld(c), "a write guarded by the lease is refused");
                c.rollback();
                c.setAutoCommit(true);
            }));
            assertTrue(e.getMessage().contains("lost") && e.getMessage().contains("node-other"), e.getMessage());
            assertEquals("node-other", mine.currentHolder(c), "the taker keeps it");
        }
    }

    @Test
    void overlappingWorksOfOneHolderKeepTheLeaseUntilTheLastEnds() throws Exception {
        Lease mine = new Lease(ds, MariaDbDialect.INSTANCE, "reader", "node-mine", Duration.ofSeconds(2));
        Lease other = lease("node-other");
        CountDownLatch secondRunning = new CountDownLatch(1);
        CountDownLatch firstDone = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> second = pool.submit(() -> {
                boolean[] takenMeanwhile = {true};
                try (Connection c = ds.getConnection()) {
                    mine.runHolding(c, Duration.ofSeconds(30), () -> {
                        secondRunning.countDown();
                        try {
                            assertTrue(firstDone.await(60, TimeUnit.SECONDS));
                        } catch (InterruptedException e) {
                            throw new SQLException(e);
                        }
                        takenMeanwhile[0] = other.tryAcquire();
                    });
                }
                return takenMeanwhile[0];
            });
            assertTrue(secondRunning.await(60, TimeUnit.SECONDS));
            try (Connection c = ds.getConnection()) {
                mine.runHolding(c, Duration.ofSeconds(30), () -> { });
            }
            firstDone.countDown();
            assertFalse(second.get(60, TimeUnit.SECONDS), "the first work's end let another node in while the second ran");
            try (Connection c = ds.getConnection()) {
                assertNull(mine.currentHolder(c), "released after the last work");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The start's lease with {@code pool-size=1}: its work holds the pool's only connection, so renewals that wait for
     * that pool never get one and the lease runs out under the work (the start then fails). Renewals that connect
     * apart keep it. Both are shown: the first half is how the adapter's start lease was wired before.
     */
    @Test
    void aWorkHoldingThePoolsOnlyConnectionKeepsItsLeaseOnlyWhenRenewalsConnectApart() throws Exception {
        com.zaxxer.hikari.HikariConfig hc = new com.zaxxer.hikari.HikariConfig();
        hc.setDataSource(ds);
        hc.setMaximumPoolSize(1);
        hc.setConnectionTimeout(250);
        try (com.zaxxer.hikari.HikariDataSource one = new com.zaxxer.hikari.HikariDataSource(hc)) {
            org.esabridge.jdbc.dialect.StateTables state =
                    org.esabridge.jdbc.dialect.StateTables.inConnectionSchema(MariaDbDialect.INSTANCE);
            Lease shared = new Lease(one, MariaDbDialect.INSTANCE, state, "reader", "node-mine", Duration.ofSeconds(2));
            try (Connection c = one.getConnection()) {
                SQLException e = assertThrows(SQLException.class, () -> shared.runHolding(c, Duration.ofSeconds(30),
                        () -> awaitDatabaseTimePast(c, expiresAt(c).plusSeconds(4))));
                assertTrue(e.getMessage().contains("was lost while its work ran"), e.getMessage());
            }
            TestDatabase.exec(DB, "DELETE FROM esa_lease");

            Lease apart = new Lease(one, () -> ds, MariaDbDialect.INSTANCE, state, "reader", "node-mine",
                    Duration.ofSeconds(2));
            Lease other = lease("node-other");
            List<String> seen = new ArrayList<>();
            try (Connection c = one.getConnection()) {
                apart.runHolding(c, Duration.ofSeconds(30), () -> {
                    awaitDatabaseTimePast(c, expiresAt(c).plusSeconds(4));
                    seen.add("taken by another: " + other.tryAcquire());
                });
            }
            assertEquals(List.of("taken by another: false"), seen);
        }
    }

    private static java.time.Instant expiresAt(Connection c) throws SQLException {
        try (java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(
                "SELECT expires_at FROM esa_lease WHERE name = 'reader'")) {
            rs.next();
            return rs.getObject(1, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC);
        }
    }

    /** A poll of the database's clock (the lease's), with a deadline. */
    private static void awaitDatabaseTimePast(Connection c, java.time.Instant t) throws SQLException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT UTC_TIMESTAMP(6) > ?")) {
                ps.setObject(1, java.time.LocalDateTime.ofInstant(t, java.time.ZoneOffset.UTC));
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return;
                    }
                }
            }
            assertTrue(System.nanoTime() < deadline, "the database's clock did not pass " + t);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new SQLException(e);
            }
        }
    }

    @Test
    void aHolderWhoseWatchedConnectionEndsIsTakenOverAtOnceButOnlyByANodeThatSawItAlive() throws Exception {
        Lease a = lease("node-a");
        Lease b = lease("node-b");
        Lease late = lease("node-late");
        assertTrue(a.tryAcquire());
        try (Connection holders = ds.getConnection(); Connection c = ds.getConnection()) {
            long id = connectionId(holders);
            assertFalse(b.watch(c, id), "only the holder names its connection");
            assertTrue(a.watch(c, id));
            assertFalse(b.takeOverIfHolderGone(c), "alive");
            assertTrue(b.seesHolderAlive());
            holders.close();
            awaitGone(c, id);
            assertFalse(late.takeOverIfHolderGone(c), "never seen alive from here: maybe not visible, wait for expiry");
            assertTrue(b.takeOverIfHolderGone(c), "seen alive, now gone: the holder died");
            assertEquals("node-b", b.currentHolder(c));
            c.setAutoCommit(false);
            assertFalse(a.stillHeld(c), "deposed");
            c.rollback();
        }
    }

    @Test
    void aHolderThatNamedANewConnectionKeepsItsLease() throws Exception {
        Lease a = lease("node-a");
        Lease b = lease("node-b");
        assertTrue(a.tryAcquire());
        try (Connection first = ds.getConnection(); Connection second = ds.getConnection();
             Connection c = ds.getConnection()) {
            long firstId = connectionId(first);
            assertTrue(a.watch(c, firstId));
            assertFalse(b.takeOverIfHolderGone(c));
            first.close();
            awaitGone(c, firstId);
            assertTrue(a.watch(c, connectionId(second)), "the holder reconnected");
            assertFalse(b.takeOverIfHolderGone(c), "its new connection lives");
            assertEquals("node-a", a.currentHolder(c));
        }
    }

    @Test
    void aNewHolderIsNotJudgedByItsPredecessorsConnection() throws Exception {
        Lease a = lease("node-a");
        Lease b = lease("node-b");
        Lease watcher = lease("node-c");
        assertTrue(a.tryAcquire());
        try (Connection holders = ds.getConnection(); Connection c = ds.getConnection()) {
            long id = connectionId(holders);
            assertTrue(a.watch(c, id));
            assertFalse(watcher.takeOverIfHolderGone(c));
            expire();
            assertTrue(b.tryAcquire(), "taken after expiry, before b names a connection");
            holders.close();
            awaitGone(c, id);
            assertFalse(watcher.takeOverIfHolderGone(c), "a's connection says nothing about b");
            assertEquals("node-b", b.currentHolder(c));
        }
    }

    private static long connectionId(Connection c) throws SQLException {
        try (java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The server drops a closed connection from its process list a moment later. */
    private static void awaitGone(Connection c, long id) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (java.sql.PreparedStatement ps = c.prepareStatement(MariaDbDialect.INSTANCE.connectionExistsSql())) {
                ps.setLong(1, id);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return;
                    }
                }
            }
            assertTrue(System.nanoTime() < deadline, "connection " + id + " still listed after 10 s");
            Thread.sleep(10);
        }
    }
}
