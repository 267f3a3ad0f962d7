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
}
