package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.esabridge.api.ExternalRecord;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.changes.Watermark;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Promise 1 under load: writers insert, update and delete for about 20 s (some transactions held open 1–3 s,
 * some rolled back) while a sync host pulls incrementally (inline or, past the threshold, through cursors)
 * into a replica. After one last sync the replica equals the table: 0 missed, 0 stale, 0 ghosts. A naive host
 * (the watermark off) runs alongside on the same data, for comparison; its counts are printed, not asserted.
 */
@Tag("database")
class SyncHostReplicaTest {
    private static final String DB = "esa_replica_test";
    private static final int INITIAL = 2000;
    private static final int WRITERS = 4;
    private static final long RUN_MILLIS = 20_000;
    private static JdbcAdapter adapter;
    private static JdbcAdapter naive;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, modified TIMESTAMP(6) NOT NULL"
                        + " DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), KEY item_mod (modified, id))",
                "INSERT INTO item (id, v) SELECT seq, 0 FROM seq_1_to_" + INITIAL);
        // Polling mode, watermark on and off; binlog mode under load: BinlogReplicaSoakTest.
        String[] settings = {"page-size", "100", "inline-threshold", "50", "pool-size", "6",
                JdbcAdapterConfig.CHANGE_CAPTURE, "polling"};
        adapter = TestDatabase.adapter(DB, settings);
        naive = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(TestDatabase.settings(DB, settings), null), Watermark.Mode.OFF);
    }

    @AfterAll
    static void stop() {
        adapter.close();
        naive.close();
    }

    /** Mixed writes on one connection until told to stop. */
    private static final class Writer implements java.util.concurrent.Callable<Integer> {
        private final Random r;
        private final AtomicBoolean stop;
        private final AtomicInteger nextId;
        private final AtomicInteger held = new AtomicInteger();
        private final AtomicInteger rolledBack = new AtomicInteger();

        Writer(int seed, AtomicBoolean stop, AtomicInteger nextId) {
            this.r = new Random(seed);
            this.stop = stop;
            this.nextId = nextId;
        }

        @Override
        public Integer call() throws Exception {
            int statements = 0;
            try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement()) {
                while (!stop.get()) {
                    int kind = r.nextInt(20);
                    if (kind < 16) {
                        statements += change(s); // auto-commit
                    } else {
                        c.setAutoCommit(false);
                        try {
                            for (int i = 1 + r.nextInt(4); i > 0; i--) {
                                statements += change(s);
                            }
                            if (kind >= 18) {
                                held.incrementAndGet();
                                Thread.sleep(1000 + r.nextInt(2000)); // stamped now, committed seconds later
                            }
                            if (r.nextInt(5) == 0) {
                                rolledBack.incrementAndGet();
                                c.rollback();
                            } else {
                                c.commit();
                            }
                        } catch (SQLException e) {
                            c.rollback(); // a deadlock or lock wait victim; its changes are gone, which is fine
                        } finally {
                            c.setAutoCommit(true);
                        }
                    }
                    Thread.sleep(r.nextInt(10));
                }
            }
            return statements;
        }

        private int change(Statement s) throws SQLException {
            int upper = nextId.get();
            int id = 1 + r.nextInt(upper - 1);
            try {
                switch (r.nextInt(4)) {
                    case 0 -> s.execute("INSERT INTO item (id, v) VALUES (" + nextId.getAndIncrement() + ", " + r.nextInt(1000) + ")");
                    case 1 -> s.execute("DELETE FROM item WHERE id = " + id);
                    default -> s.execute("UPDATE item SET v = v + 1 WHERE id = " + id);
                }
            } catch (SQLException e) {
                if (s.getConnection().getAutoCommit()) {
                    return 0; // an auto-commit statement that lost a lock wait; nothing changed
                }
                throw e;
            }
            return 1;
        }
    }

    /** Replica vs table. */
    private record Counts(int missed, int stale, int ghosts) {
    }

    private static Counts compare(Map<String, ExternalRecord> replica, Map<String, ExternalRecord> table) {
        int missed = 0;
        int stale = 0;
        int ghosts = 0;
        for (Map.Entry<String, ExternalRecord> e : table.entrySet()) {
            ExternalRecord copy = replica.get(e.getKey());
            if (copy == null) {
                missed++;
            } else if (!copy.equals(e.getValue())) {
                stale++;
            }
        }
        for (String id : replica.keySet()) {
            if (!table.containsKey(id)) {
                ghosts++;
            }
        }
        return new Counts(missed, stale, ghosts);
    }

    private static Map<String, ExternalRecord> table() throws SQLException {
        Map<String, ExternalRecord> m = new HashMap<>();
        try (Connection c = TestDatabase.connect(DB);
             PreparedStatement ps = c.prepareStatement("SELECT id, modified, v FROM item");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                m.put(rs.getString(1), new ExternalRecord(rs.getString(1), ValueCodec.readInstant(rs, 2),
                        List.of(new org.esabridge.api.FieldValue("v", rs.getString(3)))));
            }
        }
        return m;
    }

    @Test
    void aReplicaPulledIncrementallyWhileWritersRunEqualsTheTable() throws Exception {
        ReplicaHost host = new ReplicaHost(adapter, "host", "item");
        ReplicaHost naiveHost = new ReplicaHost(naive, "naive-host", "item");
        host.sync();
        naiveHost.sync();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger nextId = new AtomicInteger(INITIAL + 1);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Writer> writers = new ArrayList<>();
        List<Future<Integer>> running = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            Writer writer = new Writer(w, stop, nextId);
            writers.add(writer);
            running.add(pool.submit(writer));
        }
        long end = System.currentTimeMillis() + RUN_MILLIS;
        Random pause = new Random(7);
        while (System.currentTimeMillis() < end) {
            host.sync();
            naiveHost.sync();
            Thread.sleep(100 + pause.nextInt(400));
        }
        stop.set(true);
        int statements = 0;
        for (Future<Integer> f : running) {
            statements += f.get();
        }
        pool.shutdown();
        host.sync();
        naiveHost.sync();

        Map<String, ExternalRecord> table = table();
        Counts counts = compare(host.replica, table);
        Counts naiveCounts = compare(naiveHost.replica, table);
        System.out.printf("replica test: %d rows, %d write statements, %d held transactions, %d rolled back;"
                        + " esa-bridge host: %d syncs, %d cursors, %d pages, %d entries delivered, %d duplicates inside"
                        + " a cursor; missed=%d stale=%d ghosts=%d; naive host: missed=%d stale=%d ghosts=%d%n",
                table.size(), statements, writers.stream().mapToInt(w -> w.held.get()).sum(),
                writers.stream().mapToInt(w -> w.rolledBack.get()).sum(), host.syncs, host.cursors, host.pages,
                host.delivered, host.duplicatesInACursor, counts.missed(), counts.stale(), counts.ghosts(),
                naiveCounts.missed(), naiveCounts.stale(), naiveCounts.ghosts());
        assertTrue(host.cursors > 0, "the paged path was exercised");
        assertTrue(writers.stream().mapToInt(w -> w.held.get()).sum() > 5, "transactions were held open");
        assertEquals(new Counts(0, 0, 0), counts);
    }
}
