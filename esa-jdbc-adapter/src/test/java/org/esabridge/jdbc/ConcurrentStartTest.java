package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.esabridge.jdbc.cluster.Lease;
import org.esabridge.jdbc.dialect.StateTables;
import org.esabridge.jdbc.mariadb.MariaDbDialect;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Nodes starting together on a fresh database (issue 17): the migrations and the demo schema run once,
 * serialised by a lease row rather than a server-local named lock.
 */
@Tag("database")
class ConcurrentStartTest {
    private static final String DB = "esa_concurrent_start";

    private static long count(String sql) throws SQLException {
        try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean tableExists(String table) throws SQLException {
        return count("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + DB
                + "' AND TABLE_NAME = '" + table + "'") == 1;
    }

    @Test
    void nodesStartedAtTheSameMomentOnAFreshDatabaseAllStartAndMigrateOnce() throws Exception {
        int nodes = 6;
        TestDatabase.freshSchema(DB);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        List<JdbcAdapter> started = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<JdbcAdapter>> starts = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                starts.add(pool.submit(() -> {
                    go.await();
                    return TestDatabase.adapter(DB, JdbcAdapterConfig.DEMO, "true");
                }));
            }
            go.countDown();
            for (Future<JdbcAdapter> f : starts) {
                started.add(f.get(120, TimeUnit.SECONDS));
            }
            assertEquals(Migrations.latest(), count("SELECT COUNT(*) FROM esa_schema_version"));
            assertEquals(Migrations.latest(), count("SELECT MAX(version) FROM esa_schema_version"));
            assertEquals(1, count("SELECT COUNT(*) FROM esa_config WHERE name = 'demo-created'"));
            long customers = count("SELECT COUNT(*) FROM customers");
            assertTrue(customers > 0);
            JdbcAdapter another = TestDatabase.adapter(DB, JdbcAdapterConfig.DEMO, "true");
            started.add(another);
            assertEquals(customers, count("SELECT COUNT(*) FROM customers"), "the demo rows went in once");
            assertEquals(0, count("SELECT COUNT(*) FROM esa_lease WHERE name = 'start' AND holder IS NOT NULL"),
                    "the start lease is free");
        } finally {
            started.forEach(JdbcAdapter::close);
            pool.shutdownNow();
        }
    }

    @Test
    void aStartLeaseHeldByAnotherNodeKeepsThisNodeFromMigratingUntilItIsReleased() throws Exception {
        TestDatabase.freshSchema(DB);
        try (Connection c = TestDatabase.connect(DB)) {
            Migrations.createBootstrapTables(c, org.esabridge.jdbc.dialect.StateTables.inConnectionSchema(MariaDbDialect.INSTANCE));
        }
        Lease otherNode = new Lease(TestDatabase.dataSource(DB), MariaDbDialect.INSTANCE, "start", "node-elsewhere",
                Duration.ofMinutes(5));
        assertTrue(otherNode.tryAcquire());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<JdbcAdapter> start = pool.submit(() -> TestDatabase.adapter(DB));
            // While the other node holds the lease this node must not touch the schema (a GET_LOCK, local to
            // one Galera node, would not have stopped it).
            assertThrows(TimeoutException.class, () -> start.get(1, TimeUnit.SECONDS));
            assertFalse(tableExists("esa_config"), "migrated under another node's lease");
            otherNode.release();
            try (JdbcAdapter adapter = start.get(120, TimeUnit.SECONDS)) {
                assertTrue(tableExists("esa_config"));
                assertEquals(Migrations.latest(), count("SELECT MAX(version) FROM esa_schema_version"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A migration that outlasts the start lease's time to live (version 9 rebuilding a large change index) keeps the
     * lease: a second node waits instead of running it again, then finds the version done and starts.
     */
    @Test
    void aMigrationLongerThanTheLeaseKeepsItAndTheNextStarterFindsTheVersionDone() throws Exception {
        TestDatabase.freshSchema(DB);
        TestDatabase.adapter(DB).close();
        // Back to version 8: the change index keyed by its rows' hashes, which version 9 rebuilds.
        TestDatabase.exec(DB, "ALTER TABLE esa_change DROP PRIMARY KEY, DROP KEY esa_change_by_row,"
                        + " ADD PRIMARY KEY (table_name, row_hash), ADD KEY esa_change_by_stamp (table_name, kind, stamp, seq)",
                "DELETE FROM esa_schema_version WHERE version = " + Migrations.latest());
        StateTables state = StateTables.inConnectionSchema(MariaDbDialect.INSTANCE);
        Duration ttl = Duration.ofSeconds(2);
        Lease nodeA = new Lease(TestDatabase.dataSource(DB), MariaDbDialect.INSTANCE, "start", "node-a", ttl);
        Lease nodeB = new Lease(TestDatabase.dataSource(DB), MariaDbDialect.INSTANCE, "start", "node-b", ttl);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection blocker = TestDatabase.connect(DB); Connection watcher = TestDatabase.connect(DB)) {
            // An open transaction that read the change index holds its metadata lock: version 9's rebuild waits for
            // it as long as the test wants, the stand-in for a rebuild of millions of entries.
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.executeQuery("SELECT COUNT(*) FROM esa_change").close();
            }
            Future<?> a = pool.submit(() -> migrateHolding(nodeA, state));
            awaitTrue(watcher, "SELECT COUNT(*) > 0 FROM information_schema.PROCESSLIST WHERE DB = '" + DB + "'"
                    + " AND STATE LIKE 'Waiting for table metadata lock%' AND INFO LIKE 'ALTER TABLE%'");
            Future<?> b = pool.submit(() -> migrateHolding(nodeB, state));
            // Past twice the time to live on the database's clock, node A still holds the lease it took.
            try (Statement s = watcher.createStatement(); ResultSet rs = s.executeQuery("SELECT UTC_TIMESTAMP(6)")) {
                rs.next();
                awaitTrue(watcher, "SELECT UTC_TIMESTAMP(6) > TIMESTAMP '" + rs.getString(1) + "' + INTERVAL "
                        + 2 * ttl.toSeconds() + " SECOND");
            }
            assertEquals("node-a", nodeA.currentHolder(watcher), "the lease outlived its time to live with its work");
            assertFalse(b.isDone(), "node B waits");
            blocker.commit();
            a.get(120, TimeUnit.SECONDS);
            b.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, count("SELECT COUNT(*) FROM esa_schema_version WHERE version = " + Migrations.latest()));
        assertEquals(0, count("SELECT COUNT(*) FROM esa_lease WHERE name = 'start' AND holder IS NOT NULL"));
    }

    @Test
    void aNodeWhoseStartLeaseRanOutRecordsNoVersionAndSaysWhoHoldsIt() throws Exception {
        TestDatabase.freshSchema(DB);
        TestDatabase.adapter(DB).close();
        TestDatabase.exec(DB, "DELETE FROM esa_schema_version WHERE version = " + Migrations.latest());
        StateTables state = StateTables.inConnectionSchema(MariaDbDialect.INSTANCE);
        Lease stalled = new Lease(TestDatabase.dataSource(DB), MariaDbDialect.INSTANCE, "start", "node-stalled",
                Duration.ofMinutes(1));
        Lease taker = new Lease(TestDatabase.dataSource(DB), MariaDbDialect.INSTANCE, "start", "node-taker",
                Duration.ofMinutes(1));
        assertTrue(taker.tryAcquire(), "taken while the stalled node's work ran");
        try (Connection c = TestDatabase.connect(DB)) {
            SQLException e = assertThrows(SQLException.class, () -> Migrations.migrate(c, MariaDbDialect.INSTANCE, state,
                    stalled));
            assertTrue(e.getMessage().contains("node-taker"), e.getMessage());
        }
        assertEquals(0, count("SELECT COUNT(*) FROM esa_schema_version WHERE version = " + Migrations.latest()));
    }

    private static Void migrateHolding(Lease lease, StateTables state) throws SQLException {
        try (Connection c = TestDatabase.connect(DB)) {
            lease.runHolding(c, Duration.ofSeconds(120), () -> Migrations.migrate(c, MariaDbDialect.INSTANCE, state, lease));
        }
        return null;
    }

    /** Polls a condition (one boolean column) with a deadline. */
    private static void awaitTrue(Connection c, String sql) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "never true: " + sql);
            Thread.sleep(20);
        }
    }
}
