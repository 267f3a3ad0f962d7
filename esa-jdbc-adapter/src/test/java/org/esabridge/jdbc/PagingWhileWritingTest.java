package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.esabridge.api.Cursor;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Promise 3: pages read in random order, twice, while writers update, insert and delete: each pass holds every
 * row that existed unchanged at the opening, with its value at the opening, nothing inserted later, and no row
 * twice; every row changed meanwhile arrives in the next sync. Both page plans: keyset pages on a table with a
 * modification index, id ranges on one without.
 */
@Tag("database")
class PagingWhileWritingTest {
    private static final String DB = "esa_paging_writers_test";
    private static final Session HOST = new Session("host");
    private static final int ROWS = 4000;
    private static JdbcAdapter adapter;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        for (String table : List.of("item", "item_noidx")) {
            TestDatabase.exec(DB, "CREATE TABLE " + table + " (id INT PRIMARY KEY, v INT NOT NULL, modified TIMESTAMP(6)"
                            + " NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)"
                            + (table.equals("item") ? ", KEY item_mod (modified, id))" : ")"),
                    // 8 statements of 500 rows: many rows share a modification time, pages cut inside it.
                    "INSERT INTO " + table + " (id, v) SELECT seq, 0 FROM seq_1_to_500");
            for (int s = 1; s < ROWS / 500; s++) {
                TestDatabase.exec(DB, "INSERT INTO " + table + " (id, v) SELECT seq, 0 FROM seq_" + (s * 500 + 1) + "_to_"
                        + (s * 500 + 500));
            }
        }
        adapter = TestDatabase.adapter(DB, "page-size", "100", "inline-threshold", "100000", "pool-size", "8");
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"item", "item_noidx"})
    void pagesReadWhileWritersRunHoldEveryUnchangedRowOnceAndChangesArriveNextSync(String table) throws Exception {
        Instant before = adapter.getCurrentTime();
        Map<String, String> atOpen = table(table);
        Cursor c = adapter.getModifiedPaged(HOST, table, Instant.EPOCH);
        assertEquals(ROWS, c.total());
        assertEquals(ROWS / 100, c.pageCount());

        Set<String> touched = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger writes = new AtomicInteger();
        AtomicInteger nextId = new AtomicInteger(ROWS + 1);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int seed = w;
            writers.add(pool.submit(() -> {
                Random r = new Random(seed);
                try (Connection conn = TestDatabase.connect(DB); Statement s = conn.createStatement()) {
                    while (!stop.get()) {
                        int id = 1 + r.nextInt(ROWS);
                        // Only rows a writer really touches count as touched: an untouched row counted so was
                        // expected in the next sync although it had not changed (a failure whenever the rows were
                        // written more than the watermark's margin before the sync began - a loaded machine).
                        switch (r.nextInt(3)) {
                            case 0 -> {
                                touched.add(Integer.toString(id));
                                s.execute("UPDATE " + table + " SET v = v + 1 WHERE id = " + id);
                            }
                            case 1 -> {
                                touched.add(Integer.toString(id));
                                s.execute("DELETE FROM " + table + " WHERE id = " + id);
                            }
                            default -> {
                                int fresh = nextId.getAndIncrement();
                                touched.add(Integer.toString(fresh));
                                s.execute("INSERT INTO " + table + " (id, v) VALUES (" + fresh + ", 1)");
                            }
                        }
                        writes.incrementAndGet();
                        Thread.sleep(3);
                    }
                }
                return null;
            }));
        }

        List<Map<String, String>> passes = new ArrayList<>();
        List<Integer> duplicates = new ArrayList<>();
        Random order = new Random(42);
        for (int pass = 0; pass < 2; pass++) {
            List<Long> pages = new ArrayList<>();
            for (long p = 0; p < c.pageCount(); p++) {
                pages.add(p);
            }
            Collections.shuffle(pages, order);
            Map<String, String> seen = new HashMap<>();
            int dup = 0;
            for (long p : pages) {
                RecordingResultHandler sink = new RecordingResultHandler();
                adapter.readDataPage(HOST, c.cursorId(), p, sink);
                for (ExternalRecord rec : sink.records()) {
                    if (seen.put(rec.id(), rec.field("v").text()) != null) {
                        dup++;
                    }
                }
                Thread.sleep(5);
            }
            passes.add(seen);
            duplicates.add(dup);
        }
        stop.set(true);
        for (Future<?> f : writers) {
            f.get();
        }
        pool.shutdown();
        adapter.closeCursor(HOST, c.cursorId());
        assertTrue(writes.get() > 100, "writers ran during the reads: " + writes.get());

        for (int pass = 0; pass < 2; pass++) {
            Map<String, String> seen = passes.get(pass);
            assertEquals(0, duplicates.get(pass), "no row twice in one cursor");
            int missing = 0;
            for (Map.Entry<String, String> e : atOpen.entrySet()) {
                if (!touched.contains(e.getKey()) && !e.getValue().equals(seen.get(e.getKey()))) {
                    missing++;
                }
            }
            assertEquals(0, missing, "every row unchanged since the opening, with its value at the opening");
            assertTrue(atOpen.keySet().containsAll(seen.keySet()), "nothing inserted after the opening");
            System.out.printf(table + ": paging while writing, pass %d: %d rows of %d at open, %d touched by %d writes,"
                    + " 0 duplicates, 0 unchanged rows missing%n", pass + 1, seen.size(), atOpen.size(), touched.size(), writes.get());
        }

        // The next sync brings every change made meanwhile.
        Map<String, String> now = table(table);
        RecordingResultHandler modified = new RecordingResultHandler();
        assertTrue(adapter.getModified(table, before, modified));
        Map<String, String> delivered = new HashMap<>();
        modified.records().forEach(r -> delivered.put(r.id(), r.field("v").text()));
        RecordingResultHandler deleted = new RecordingResultHandler();
        assertTrue(adapter.getDeleted(table, before, deleted));
        Set<String> gone = new HashSet<>(deleted.ids());
        for (String id : touched) {
            if (now.containsKey(id)) {
                assertEquals(now.get(id), delivered.get(id), "changed row " + id + " arrives with its value");
            } else if (atOpen.containsKey(id)) {
                assertTrue(gone.contains(id), "deleted row " + id + " arrives as deleted");
            }
        }
    }

    private static Map<String, String> table(String table) throws Exception {
        Map<String, String> m = new HashMap<>();
        try (Connection conn = TestDatabase.connect(DB); PreparedStatement ps = conn.prepareStatement("SELECT id, v FROM " + table);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getString(2));
            }
        }
        return m;
    }
}
