package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.esabridge.api.ExternalRecord;

/**
 * The replica soak of {@link SyncHostReplicaTest} (on each engine) over the tables {@code owner},
 * {@code item} (owner_id set to NULL when its owner goes) and {@code part} (deleted with its owner), ids 1 to
 * {@link #INITIAL} and owners 1 to {@link #OWNERS} to begin with: hosts on each table and a naive one on {@code item}
 * sync while the writers run, {@code part} is truncated half-way, and after one last sync each replica equals its
 * table. Each engine's test brings its schema, adapters, writers and statements.
 */
final class OwnedTablesSoak {
    static final int INITIAL = 2000;
    static final int OWNERS = 200;
    private static final int WRITERS = 4;

    private OwnedTablesSoak() {
    }

    /** Makes one writer of the engine's mix of statements. */
    interface Writers {
        SoakWriter create(int seed, AtomicBoolean stop, AtomicInteger nextId, AtomicInteger nextOwner);
    }

    /** A new connection to the test's database, to read the tables behind the adapter's back. */
    interface Database {
        Connection connect() throws SQLException;
    }

    /**
     * @param mode         the adapter's engine and capture mode, for the printed figures
     * @param fromTheLog   whether the adapter reads the change index: then no id comes twice in one cursor (polling's
     *                     cursors may meet a row again that was updated while they were read)
     * @param truncatePart empties {@code part} (half-way through the run)
     */
    static void run(String mode, boolean fromTheLog, JdbcAdapter adapter, JdbcAdapter naive, long runMillis, Writers newWriter,
                    Database db, Runnable truncatePart) throws Exception {
        ReplicaHost host = new ReplicaHost(adapter, "host", "item");
        ReplicaHost parts = new ReplicaHost(adapter, "parts-host", "part");
        ReplicaHost owners = new ReplicaHost(adapter, "owners-host", "owner");
        List<ReplicaHost> hosts = List.of(host, parts, owners);
        ReplicaHost naiveHost = new ReplicaHost(naive, "naive-host", "item");
        for (ReplicaHost h : hosts) {
            h.sync();
        }
        naiveHost.sync();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger nextId = new AtomicInteger(INITIAL + 1);
        AtomicInteger nextOwner = new AtomicInteger(OWNERS + 1);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<SoakWriter> writers = new ArrayList<>();
        List<Future<Integer>> running = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            SoakWriter writer = newWriter.create(w, stop, nextId, nextOwner);
            writers.add(writer);
            running.add(pool.submit(writer));
        }
        long start = System.currentTimeMillis();
        long end = start + runMillis;
        Random pause = new Random(7);
        boolean truncated = false;
        while (System.currentTimeMillis() < end) {
            if (!truncated && System.currentTimeMillis() > start + runMillis / 2) {
                truncatePart.run();
                truncated = true;
            }
            for (ReplicaHost h : hosts) {
                h.sync();
            }
            naiveHost.sync();
            Thread.sleep(100 + pause.nextInt(400));
        }
        int statements = SoakWriter.stopAll(stop, running, pool);
        for (ReplicaHost h : hosts) {
            h.sync();
        }
        naiveHost.sync();

        Map<String, ExternalRecord> table = table(db, "item");
        ReplicaCheck.Counts counts = ReplicaCheck.compare(host.replica, table);
        ReplicaCheck.Counts partCounts = ReplicaCheck.compare(parts.replica, table(db, "part"));
        ReplicaCheck.Counts ownerCounts = ReplicaCheck.compare(owners.replica, table(db, "owner"));
        ReplicaCheck.Counts naiveCounts = ReplicaCheck.compare(naiveHost.replica, table);
        System.out.printf("replica test (" + mode + "): %d rows, %d write statements, %d held transactions, %d rolled back;"
                        + " esa-bridge host: %d syncs, %d cursors, %d pages, %d entries delivered, %d duplicates inside"
                        + " a cursor; missed=%d stale=%d ghosts=%d; naive host: missed=%d stale=%d ghosts=%d%n",
                table.size(), statements, writers.stream().mapToInt(w -> w.held.get()).sum(),
                writers.stream().mapToInt(w -> w.rolledBack.get()).sum(), host.syncs, host.cursors, host.pages,
                host.delivered, host.duplicatesInACursor, counts.missed(), counts.stale(), counts.ghosts(),
                naiveCounts.missed(), naiveCounts.stale(), naiveCounts.ghosts());
        System.out.printf("replica test (" + mode + "): part %d rows, %d id comparisons, missed=%d stale=%d ghosts=%d"
                        + " duplicates=%d; owner %d rows, missed=%d stale=%d ghosts=%d duplicates=%d; %d ms%n",
                table(db, "part").size(), parts.comparisons, partCounts.missed(), partCounts.stale(), partCounts.ghosts(),
                parts.duplicatesInACursor, table(db, "owner").size(), ownerCounts.missed(), ownerCounts.stale(),
                ownerCounts.ghosts(), owners.duplicatesInACursor, System.currentTimeMillis() - start);
        assertTrue(host.cursors > 0, "the paged path was exercised");
        assertTrue(writers.stream().mapToInt(w -> w.held.get()).sum() > 5, "transactions were held open");
        assertTrue(parts.comparisons > 0, "the truncate made the host compare ids");
        assertEquals(new ReplicaCheck.Counts(0, 0, 0), counts, "item");
        assertEquals(new ReplicaCheck.Counts(0, 0, 0), partCounts, "part");
        assertEquals(new ReplicaCheck.Counts(0, 0, 0), ownerCounts, "owner");
        assertEquals(0, fromTheLog ? hosts.stream().mapToLong(h -> h.duplicatesInACursor).sum() : 0, "no id twice inside one cursor");
    }

    /** The table's rows as records: id, modification time, then v and, where there is one, owner_id. */
    private static Map<String, ExternalRecord> table(Database db, String name) throws SQLException {
        try (Connection c = db.connect()) {
            return name.equals("owner") ? ReplicaCheck.table(c, name, "v") : ReplicaCheck.table(c, name, "v", "owner_id");
        }
    }
}
