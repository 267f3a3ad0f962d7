package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.esabridge.jdbc.postgres.TestPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 23 item 6 on PostgreSQL: two esa-bridge nodes on one database, the one that holds the replication slot a
 * real child JVM, SIGKILLed mid-run while writers write and a host syncs through the other node. The other node
 * finds the slot without its walsender and takes over well within the lease (30 s here); the host's calls are
 * answered throughout (no fault, the fence waits across the takeover) and after a last sync its replica equals the
 * table: 0 missed, 0 stale, 0 ghosts, no id twice in a cursor.
 */
@Tag("database")
class PgLogSlotHolderKilledTest {
    private static final String DB = "esa_pg_log_killed_test";
    private static final int INITIAL = 500;
    private static final int WRITERS = 3;
    private static final long LEASE_MILLIS = 30_000;

    /** The settings both nodes run with. */
    private static Map<String, String> settings(String url, String user, String password) {
        Map<String, String> m = new HashMap<>();
        m.put(JdbcAdapterConfig.JDBC_URL, url);
        m.put(JdbcAdapterConfig.JDBC_USER, user);
        m.put(JdbcAdapterConfig.JDBC_PASSWORD, password);
        m.put(JdbcAdapterConfig.CHANGE_CAPTURE, "log");
        m.put(JdbcAdapterConfig.CAPTURE_LEASE_SECONDS, Long.toString(LEASE_MILLIS / 1000));
        m.put("page-size", "100");
        m.put("inline-threshold", "50");
        // No trigger keeps it: named, so that the table is not stamped by the index (seam-values' part).
        m.put("structure.item.modified-column", "modified");
        return m;
    }

    @Test
    void theSlotHolderKilledMidRunCostsTheHostNothing() throws Exception {
        TestPostgres.freshDatabase(DB);
        TestPostgres.exec(DB, "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, modified timestamptz NOT NULL"
                + " DEFAULT now())", "INSERT INTO item (id, v) SELECT g, 0 FROM generate_series(1, " + INITIAL + ") g");
        Path childLog = Files.createTempFile("esa-pg-slot-holder", ".log");
        Process holder = null;
        try {
            holder = LeadingChild.start(Node.class, childLog, TestPostgres.url(DB), TestPostgres.user(),
                    TestPostgres.password());
            try (JdbcAdapter survivor = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(settings(TestPostgres.url(DB),
                    TestPostgres.user(), TestPostgres.password()), null))) {
                assertTrue(!survivor.captureStatus().leader(), "the child JVM holds the slot");
                run(holder, survivor);
            }
        } finally {
            if (holder != null) {
                holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(childLog);
        }
    }

    private static void run(Process holder, JdbcAdapter survivor) throws Exception {
        TimedCalls calls = new TimedCalls();
        ReplicaHost host = new ReplicaHost(calls.of(survivor), "host", "item");
        host.sync();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger nextId = new AtomicInteger(INITIAL + 1);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<Integer>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            writers.add(pool.submit(ItemWriter.on(() -> TestPostgres.connect(DB), 700 + w, stop, nextId)));
        }
        long end = System.currentTimeMillis() + 2000;
        while (System.currentTimeMillis() < end) {
            host.sync();
        }
        long killedAt = System.nanoTime();
        holder.destroyForcibly(); // SIGKILL: no close, no lease given back; the kernel ends its connections
        assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        long takeoverMillis = -1;
        end = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < end && (takeoverMillis < 0 || System.currentTimeMillis() < end - 10_000)) {
            host.sync();
            if (takeoverMillis < 0 && survivor.captureStatus().leader()) {
                takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
                end = System.currentTimeMillis() + 3000; // syncs from the new leader's index, writers still on
            }
        }
        int statements = SoakWriter.stopAll(stop, writers, pool);
        host.sync();
        ReplicaCheck.Counts counts;
        try (Connection c = TestPostgres.connect(DB)) {
            counts = ReplicaCheck.compare(host.replica, ReplicaCheck.table(c, "item", "v"));
        }
        System.out.printf("pg slot holder killed: %d write statements, %d syncs, takeover after %d ms, longest calls %s,"
                        + " %d duplicates in a cursor, %s%n", statements, host.syncs, takeoverMillis, calls.longest,
                host.duplicatesInACursor, counts);
        assertEquals(0, calls.faults.get(), "calls answered with a fault: " + calls.lastFault);
        assertTrue(takeoverMillis >= 0 && takeoverMillis < LEASE_MILLIS / 2, "the slot read again within "
                + LEASE_MILLIS / 2 + " ms (found by its missing walsender, not the lease): " + takeoverMillis + " ms");
        assertEquals(new ReplicaCheck.Counts(0, 0, 0), counts);
        assertEquals(0, host.duplicatesInACursor, "no id twice inside one cursor");
    }

    /**
     * The child JVM: an esa-bridge node on the database ({@code url user password}) that says so once it holds the
     * slot ({@link LeadingChild}), then reads until it is killed.
     */
    static final class Node {
        public static void main(String[] args) throws Exception {
            JdbcAdapter node = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(settings(args[0], args[1],
                    args.length > 2 ? args[2] : ""), null));
            LeadingChild.announce(node);
            new java.util.concurrent.CountDownLatch(1).await(); // for good: the child ends only by its kill
        }
    }
}
