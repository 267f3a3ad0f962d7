package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.jdbc.mariadb.capture.CaptureNodes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 25 item 4: two nodes on one database with the default lease and fence timeout (10 s each), writers and a
 * host syncing throughout; the node that reads the binary log dies (its reader stops, its replication connection
 * closes, its lease is left to run out), or has its replication connection killed by the server while it lives.
 * The host sees latency, never a fault: every call is answered, and after a last sync the replica equals the table
 * (0 missed, 0 stale, 0 ghosts). The takeover itself comes well within the lease's time to live.
 */
@Tag("database")
class CaptureTakeoverTest {
    private static final int INITIAL = 500;
    private static final int WRITERS = 3;
    private static final long BEFORE_MILLIS = 2000;
    /** The default lease: a takeover that waited it out would come after 10 s. */
    private static final long LEASE_MILLIS = 10_000;

    @Test
    void aLeaderKilledMidRunIsReplacedWithinALeaseAndTheHostSeesNoFault() throws Exception {
        String db = "esa_takeover_kill";
        run(db, (leader, survivor) -> CaptureNodes.halt(leader.captureStatus()), true, LEASE_MILLIS / 2);
    }

    @Test
    void aLeaderWhoseReplicationConnectionIsKilledStopsLeadingAndTheCaptureGoesOn() throws Exception {
        String db = "esa_takeover_cut";
        run(db, (leader, survivor) -> TestDatabase.exec(db, "KILL CONNECTION " + watchedConnection(db)), false,
                LEASE_MILLIS / 2);
    }

    /**
     * Without a connection to watch (another account without the PROCESS privilege, another Galera node) the
     * lease is waited out, 10 s, as long as getCurrentTime's own timeout: its wait goes on across the takeover.
     */
    @Test
    void aLeaderKilledUnwatchedIsReplacedWhenItsLeaseRunsOutAndTheHostSeesNoFault() throws Exception {
        String db = "esa_takeover_unwatched";
        run(db, (leader, survivor) -> {
            TestDatabase.exec(db, "UPDATE esa_lease SET watched_holder = NULL WHERE name = 'binlog-capture'");
            await(() -> !CaptureNodes.seesLeaderAlive(survivor.captureStatus()), "the other node no longer watches");
            CaptureNodes.halt(leader.captureStatus());
        }, true, LEASE_MILLIS + 2000);
    }

    @FunctionalInterface
    private interface Kill {
        void apply(JdbcAdapter leader, JdbcAdapter survivor) throws Exception;
    }

    private static void run(String db, Kill kill, boolean leaderDies, long maxTakeoverMillis) throws Exception {
        TestDatabase.freshSchema(db);
        TestDatabase.exec(db, "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, modified TIMESTAMP(6) NOT NULL"
                        + " DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), KEY item_mod (modified, id))",
                "INSERT INTO item (id, v) SELECT seq, 0 FROM seq_1_to_" + INITIAL);
        String[] settings = {JdbcAdapterConfig.CHANGE_CAPTURE, "binlog", "page-size", "100", "inline-threshold", "50"};
        try (JdbcAdapter a = TestDatabase.adapter(db, settings); JdbcAdapter b = TestDatabase.adapter(db, settings)) {
            JdbcAdapter leader = awaitOneLeader(a, b);
            JdbcAdapter survivor = leader == a ? b : a;
            await(() -> CaptureNodes.seesLeaderAlive(survivor.captureStatus()), "the other node watches the leader");

            AtomicBoolean killed = new AtomicBoolean();
            AtomicInteger turn = new AtomicInteger();
            TimedCalls calls = new TimedCalls();
            // Behind a load balancer: calls go to both nodes, to the survivor only once the leader is dead.
            ExternalSystemAdapter aTimed = calls.of(a);
            ExternalSystemAdapter bTimed = calls.of(b);
            ExternalSystemAdapter survivorTimed = survivor == a ? aTimed : bTimed;
            ReplicaHost host = new ReplicaHost(() -> killed.get() && leaderDies ? survivorTimed
                    : turn.getAndIncrement() % 2 == 0 ? aTimed : bTimed, "host", "item");
            host.sync();

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger nextId = new AtomicInteger(INITIAL + 1);
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            List<Future<Integer>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                writers.add(pool.submit(new Writer(db, 300 + w, stop, nextId)));
            }
            syncFor(host, BEFORE_MILLIS);
            long takeoverMillis;
            // A leader that lives on reads again through a new replication connection, named in the lease.
            long cut = leaderDies ? 0 : watchedConnection(db);
            try (TakeoverClock takeover = new TakeoverClock(() -> survivor.captureStatus().leader()
                    || !leaderDies && leader.captureStatus().leader() && namesAnotherConnection(db, cut))) {
                kill.apply(leader, survivor);
                killed.set(true);
                long end = System.currentTimeMillis() + maxTakeoverMillis + 3000;
                while (System.currentTimeMillis() < end) {
                    host.sync();
                }
                takeoverMillis = takeover.awaitMillis(maxTakeoverMillis);
            }
            int statements = SoakWriter.stopAll(stop, writers, pool);
            host.sync();

            ReplicaCheck.Counts counts;
            try (Connection c = TestDatabase.connect(db)) {
                counts = ReplicaCheck.compare(host.replica, ReplicaCheck.table(c, "item", "v"));
            }
            System.out.printf("capture takeover (%s): %d write statements, %d syncs, takeover after %d ms,"
                    + " longest calls %s, %s%n", db, statements, host.syncs, takeoverMillis, calls.longest, counts);
            assertEquals(0, calls.faults.get(), "calls answered with a fault: " + calls.lastFault);
            assertEquals(new ReplicaCheck.Counts(0, 0, 0), counts);
            assertTrue(takeoverMillis >= 0 && takeoverMillis < maxTakeoverMillis, "a reader again within "
                    + maxTakeoverMillis + " ms: " + takeoverMillis + " ms");
            if (leaderDies) {
                assertTrue(survivor.captureStatus().leader());
            } else {
                assertTrue(a.captureStatus().leader() != b.captureStatus().leader(), "exactly one node leads");
            }
        }
    }

    private static void syncFor(ReplicaHost host, long millis) throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            host.sync();
        }
    }

    /** The leader's replication connection as named in its lease. */
    private static boolean namesAnotherConnection(String db, long connection) {
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT watched_connection FROM esa_lease WHERE name = 'binlog-capture'"
                     + " AND watched_holder = holder")) {
            return rs.next() && rs.getLong(1) != connection;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long watchedConnection(String db) throws SQLException {
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT watched_connection FROM esa_lease WHERE name = 'binlog-capture'"
                     + " AND watched_holder = holder")) {
            assertTrue(rs.next(), "the leader names its replication connection");
            return rs.getLong(1);
        }
    }

    private static final class Writer extends ItemWriter {
        private final String db;

        Writer(String db, int seed, AtomicBoolean stop, AtomicInteger nextId) {
            super(seed, stop, 15, 4, nextId);
            this.db = db;
        }

        @Override
        Connection connect() throws SQLException {
            return TestDatabase.connect(db);
        }
    }

    private static JdbcAdapter awaitOneLeader(JdbcAdapter a, JdbcAdapter b) throws InterruptedException {
        await(() -> a.captureStatus().leader() != b.captureStatus().leader(), "one leader");
        return a.captureStatus().leader() ? a : b;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 15 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
