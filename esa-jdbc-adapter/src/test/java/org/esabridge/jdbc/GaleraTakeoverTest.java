package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.jdbc.GaleraCluster.Node;
import org.esabridge.jdbc.mariadb.capture.CaptureNodes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 25 item 4 on Galera: two esa-bridge nodes with the default lease and fence timeout, writers on both database
 * nodes, the capture leader halted as a killed process is. With the other esa-bridge node on the same database node
 * it watches the leader's replication connection and takes over at once; on the other database node it cannot see
 * that connection and waits the lease out. Either way the host sees no fault and its replica equals the table.
 * Skipped without a cluster (see {@link GaleraCluster}).
 */
@Tag("galera")
class GaleraTakeoverTest {
    private static final int INITIAL = 500;
    private static final long LEASE_MILLIS = 10_000;

    @Test
    void aLeaderKilledIsReplacedAtOnceByANodeOnTheSameDatabaseNode() throws Exception {
        run("esa_galera_takeover_same", Node.A, LEASE_MILLIS / 2);
    }

    @Test
    void aLeaderKilledIsReplacedWhenItsLeaseRunsOutByANodeOnTheOtherDatabaseNode() throws Exception {
        run("esa_galera_takeover_other", Node.B, LEASE_MILLIS + 3000);
    }

    private static void run(String db, Node survivorNode, long maxTakeoverMillis) throws Exception {
        GaleraCluster.assumeConfigured();
        GaleraCluster.freshSchema(db);
        GaleraCluster.exec(Node.A, db, "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, modified TIMESTAMP(6)"
                        + " NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), KEY item_mod (modified, id))",
                "INSERT INTO item (id, v) SELECT seq, 0 FROM seq_1_to_" + INITIAL);
        String[] settings = {JdbcAdapterConfig.CHANGE_CAPTURE, "binlog", "page-size", "100", "inline-threshold", "50"};
        try (JdbcAdapter leader = GaleraCluster.adapter(Node.A, db, settings)) {
            awaitTrue(() -> leader.captureStatus() != null && leader.captureStatus().leader(), "the first node leads");
            try (JdbcAdapter survivor = GaleraCluster.adapter(survivorNode, db, settings)) {
                if (survivorNode == Node.A) {
                    awaitTrue(() -> survivor.captureStatus() != null
                            && CaptureNodes.seesLeaderAlive(survivor.captureStatus()), "the other node watches");
                }
                TimedCalls calls = new TimedCalls();
                ExternalSystemAdapter leaderTimed = calls.of(leader);
                ExternalSystemAdapter survivorTimed = calls.of(survivor);
                AtomicBoolean killed = new AtomicBoolean();
                AtomicInteger turn = new AtomicInteger();
                ReplicaHost host = new ReplicaHost(() -> killed.get() || turn.getAndIncrement() % 2 == 0 ? survivorTimed
                        : leaderTimed, "host", "item");
                host.sync();
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger nextId = new AtomicInteger(INITIAL + 1);
                ExecutorService pool = Executors.newFixedThreadPool(2);
                List<Future<Integer>> writers = new ArrayList<>();
                writers.add(pool.submit(new Writer(db, Node.A, 1, stop, nextId)));
                writers.add(pool.submit(new Writer(db, Node.B, 2, stop, nextId)));
                long end = System.currentTimeMillis() + 2000;
                while (System.currentTimeMillis() < end) {
                    host.sync();
                }
                long takeoverMillis;
                try (TakeoverClock takeover = new TakeoverClock(() -> survivor.captureStatus().leader())) {
                    CaptureNodes.halt(leader.captureStatus());
                    killed.set(true);
                    end = System.currentTimeMillis() + maxTakeoverMillis + 3000;
                    while (System.currentTimeMillis() < end) {
                        host.sync();
                    }
                    takeoverMillis = takeover.awaitMillis(maxTakeoverMillis);
                }
                int statements = SoakWriter.stopAll(stop, writers, pool);
                host.sync();
                ReplicaCheck.Counts counts;
                try (Connection c = GaleraCluster.connect(Node.A, db)) {
                    counts = ReplicaCheck.compare(host.replica, ReplicaCheck.table(c, "item", "v"));
                }
                System.out.printf("galera takeover (%s): %d write statements, %d syncs, takeover after %d ms,"
                        + " longest calls %s, %s%n", db, statements, host.syncs, takeoverMillis, calls.longest, counts);
                assertEquals(0, calls.faults.get(), "calls answered with a fault: " + calls.lastFault);
                assertEquals(new ReplicaCheck.Counts(0, 0, 0), counts);
                assertTrue(takeoverMillis >= 0 && takeoverMillis < maxTakeoverMillis, "a reader again within "
                        + maxTakeoverMillis + " ms: " + takeoverMillis + " ms");
            }
        }
    }

    private static final class Writer extends ItemWriter {
        private final String db;
        private final Node node;

        Writer(String db, Node node, int seed, AtomicBoolean stop, AtomicInteger nextId) {
            super(seed, stop, 16, 5, nextId);
            this.db = db;
            this.node = node;
        }

        @Override
        Connection connect() throws SQLException {
            Connection c = GaleraCluster.connect(node, db);
            try (Statement s = c.createStatement()) {
                s.execute("SET wsrep_sync_wait = 0");
            }
            return c;
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!check.holds()) {
            assertTrue(System.nanoTime() < deadline, "not within 30 s: " + what);
            Thread.sleep(20);
        }
    }
}
