package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Promise 1 in binlog capture mode, under the load that defeats polling: writers insert, update and delete in
 * two tables, one with a seconds-precision TIMESTAMP, some transactions held open 1–3 s, some rolled back,
 * while a session keeps InnoDB's INNODB_TRX cache hot and one host per table pulls incrementally (inline or,
 * past the threshold, through cursors). After one last sync each replica equals its table: 0 missed, 0 stale,
 * 0 ghosts, and no id twice inside one cursor.
 *
 * <p>{@code -Desa.test.capture=polling} runs the same load against polling mode, to compare.
 */
@Tag("database")
class BinlogReplicaSoakTest {
    private static final String DB = "esa_binlog_replica_test";
    private static final String MODE = System.getProperty("esa.test.capture", "binlog");
    private static final List<String> TABLES = List.of("item", "sec");
    private static final int INITIAL = 1000;
    private static final int WRITERS = 4;
    private static final long RUN_MILLIS = 10_000;
    private static JdbcAdapter adapter;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB,
                "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, modified TIMESTAMP(6) NOT NULL"
                        + " DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), KEY item_mod (modified, id))",
                "CREATE TABLE sec (id INT PRIMARY KEY, v INT NOT NULL, modified TIMESTAMP NOT NULL"
                        + " DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, KEY sec_mod (modified, id))",
                "INSERT INTO item (id, v) SELECT seq, 0 FROM seq_1_to_" + INITIAL,
                "INSERT INTO sec (id, v) SELECT seq, 0 FROM seq_1_to_" + INITIAL);
        adapter = TestDatabase.adapter(DB, JdbcAdapterConfig.CHANGE_CAPTURE, MODE, "page-size", "100",
                "inline-threshold", "50", "pool-size", "6");
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    /** Mixed writes over both tables until told to stop. */
    private static final class Writer extends SoakWriter {
        private final AtomicInteger nextId;

        Writer(int seed, AtomicBoolean stop, AtomicInteger nextId) {
            super(seed, stop, 15, 4);
            this.nextId = nextId;
        }

        @Override
        Connection connect() throws SQLException {
            return TestDatabase.connect(DB);
        }

        @Override
        void change(Statement s) throws SQLException {
            String table = TABLES.get(r.nextInt(TABLES.size()));
            int id = 1 + r.nextInt(nextId.get() - 1);
            switch (r.nextInt(40) == 0 ? 9 : r.nextInt(4)) {
                // A burst: more changes than the inline threshold, so that the next sync pages through them.
                case 9 -> s.execute("UPDATE " + table + " SET v = v + 1 WHERE id BETWEEN " + id + " AND " + (id + 250));
                case 0 -> s.execute("INSERT INTO " + table + " (id, v) VALUES (" + nextId.getAndIncrement() + ", "
                        + r.nextInt(1000) + ")");
                case 1 -> s.execute("DELETE FROM " + table + " WHERE id = " + id);
                default -> s.execute("UPDATE " + table + " SET v = v + 1 WHERE id = " + id);
            }
        }
    }


    private static Map<String, ExternalRecord> table(String name) throws SQLException {
        try (Connection c = TestDatabase.connect(DB)) {
            return ReplicaCheck.table(c, name, "v");
        }
    }

    @Test
    void replicasPulledWhileWritersRunEqualTheirTablesWithNoIdTwiceInACursor() throws Exception {
        List<ReplicaHost> hosts = new ArrayList<>();
        for (String t : TABLES) {
            hosts.add(new ReplicaHost(adapter, "host-" + t, t));
        }
        for (ReplicaHost h : hosts) {
            h.sync();
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger nextId = new AtomicInteger(INITIAL + 1);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Writer> writers = new ArrayList<>();
        List<Future<Integer>> running = new ArrayList<>();
        int statements = 0;
        try (InnodbTrxPoller poller = new InnodbTrxPoller(DB)) {
            for (int w = 0; w < WRITERS; w++) {
                Writer writer = new Writer(100 + w, stop, nextId);
                writers.add(writer);
                running.add(pool.submit(writer));
            }
            long end = System.currentTimeMillis() + RUN_MILLIS;
            Random pause = new Random(11);
            while (System.currentTimeMillis() < end) {
                for (ReplicaHost h : hosts) {
                    h.sync();
                }
                // The host's rhythm, not a synchronisation: syncs 0.1–0.4 s apart, as a busy host would.
                Thread.sleep(100 + pause.nextInt(300));
            }
            stop.set(true);
            for (Future<Integer> f : running) {
                statements += f.get();
            }
            pool.shutdown();
            for (ReplicaHost h : hosts) {
                h.sync();
            }
        }
        int held = writers.stream().mapToInt(w -> w.held.get()).sum();
        int rolledBack = writers.stream().mapToInt(w -> w.rolledBack.get()).sum();
        List<String> report = new ArrayList<>();
        Map<String, ReplicaCheck.Counts> counts = new HashMap<>();
        long duplicates = 0;
        int cursors = 0;
        for (int i = 0; i < TABLES.size(); i++) {
            ReplicaHost h = hosts.get(i);
            ReplicaCheck.Counts c = ReplicaCheck.compare(h.replica, table(TABLES.get(i)));
            counts.put(TABLES.get(i), c);
            duplicates += h.duplicatesInACursor;
            cursors += h.cursors;
            report.add(TABLES.get(i) + ": " + h.syncs + " syncs, " + h.cursors + " cursors, " + h.pages + " pages, "
                    + h.delivered + " delivered, " + h.duplicatesInACursor + " duplicates inside a cursor, " + c);
        }
        System.out.printf("binlog replica test (%s): %d write statements, %d held, %d rolled back; %s%n", MODE,
                statements, held, rolledBack, String.join("; ", report));
        assertTrue(cursors > TABLES.size(), "the paged path was exercised after the first full read");
        assertTrue(held > 3, "transactions were held open");
        assertTrue(rolledBack > 3, "transactions were rolled back");
        assertEquals(Map.of("item", new ReplicaCheck.Counts(0, 0, 0), "sec", new ReplicaCheck.Counts(0, 0, 0)), counts);
        assertEquals(0, duplicates, "no id twice inside one cursor");
    }
}
