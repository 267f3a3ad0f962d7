package org.esabridge.jdbc.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.esabridge.api.Cursor;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ResultSink;
import org.esabridge.api.Session;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.mariadb.embedded.EmbeddedMariaDb;
import org.esabridge.testkit.bench.HeapPeak;

/**
 * A benchmark, not a test: a cursor over a 1M-row table. Reports the time to open it, readDataPage latency at
 * the first, middle and last page (median of several reads, so flat latency shows as three close numbers), and
 * the heap high-water mark of a full paged read. Run with {@code -Xmx256m}; the command is in BENCHMARKS.md.
 *
 * <p>Arguments: {@code [rows] [page-size] [data-dir]}, defaults 1000000, 1000, target/bench-data.
 */
public final class CursorBench {
    private static final Session HOST = new Session("bench");
    private static final int REPETITIONS = 9;

    private CursorBench() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String pageSize = args.length > 1 ? args[1] : "1000";
        Path dataDir = Path.of(args.length > 2 ? args[2] : "target/bench-data").toAbsolutePath();
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(dataDir)) {
            db.createSchema("bench");
            String url = db.url("bench");
            long t0 = System.nanoTime();
            try (Connection c = db.connect("bench"); Statement s = c.createStatement()) {
                s.execute("SET time_zone = '+00:00'");
                s.execute("DROP TABLE IF EXISTS item");
                s.execute("CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT NOT NULL,"
                        + " price DECIMAL(10,2) NOT NULL, note VARCHAR(100), modified TIMESTAMP(6) NOT NULL"
                        + " DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), KEY item_mod (modified, id))");
                // Modification times spread over ~11 days, 1000 rows sharing each second's batch.
                s.execute("INSERT INTO item (id, name, qty, price, note, modified) SELECT seq, CONCAT('item ', seq),"
                        + " seq % 97, (seq % 10000) / 100, REPEAT('n', 40 + seq % 50),"
                        + " TIMESTAMP'2026-01-01 00:00:00' + INTERVAL (seq DIV 1000) SECOND + INTERVAL (seq % 1000) MICROSECOND"
                        + " FROM seq_1_to_" + rows);
                s.execute("ANALYZE TABLE item");
            }
            System.out.printf("generated %d rows in %.1f s%n", rows, (System.nanoTime() - t0) / 1e9);

            Map<String, String> settings = new HashMap<>();
            settings.put(JdbcAdapterConfig.JDBC_URL, url);
            settings.put(JdbcAdapterConfig.JDBC_USER, db.user());
            settings.put(JdbcAdapterConfig.JDBC_PASSWORD, db.password());
            settings.put(JdbcAdapterConfig.PAGE_SIZE, pageSize);
            try (JdbcAdapter adapter = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(settings, null))) {
                run(adapter, db);
            }
        }
    }

    private static void run(JdbcAdapter adapter, EmbeddedMariaDb db) throws Exception {
        long t0 = System.nanoTime();
        Cursor c = adapter.getModifiedPaged(HOST, "item", Instant.EPOCH);
        System.out.printf("open: %d rows, %d pages of %d in %.0f ms%n", c.total(), c.pageCount(), c.pageSize(),
                (System.nanoTime() - t0) / 1e6);
        Counting sink = new Counting();
        for (int warm = 0; warm < 3; warm++) {
            adapter.readDataPage(HOST, c.cursorId(), warm, sink);
        }
        long[] pages = {0, c.pageCount() / 2, c.pageCount() - 1};
        String[] names = {"first", "middle", "last"};
        for (int i = 0; i < pages.length; i++) {
            double[] ms = new double[REPETITIONS];
            for (int r = 0; r < REPETITIONS; r++) {
                long s = System.nanoTime();
                adapter.readDataPage(HOST, c.cursorId(), pages[i], sink);
                ms[r] = (System.nanoTime() - s) / 1e6;
            }
            Arrays.sort(ms);
            System.out.printf("readDataPage %-6s (page %d): median %.1f ms, min %.1f, max %.1f over %d reads%n",
                    names[i], pages[i], ms[REPETITIONS / 2], ms[0], ms[REPETITIONS - 1], REPETITIONS);
        }
        explain(db);

        HeapPeak.reset();
        long full = System.nanoTime();
        Counting all = new Counting();
        for (long p = 0; p < c.pageCount(); p++) {
            adapter.readDataPage(HOST, c.cursorId(), p, all);
        }
        double seconds = (System.nanoTime() - full) / 1e9;
        System.out.printf("full paged read: %d records in %.1f s (%.0f records/s); heap high-water %.1f MB"
                        + " (max heap %.0f MB)%n", all.records, seconds, all.records / seconds,
                HeapPeak.bytes() / 1048576.0,
                Runtime.getRuntime().maxMemory() / 1048576.0);
        adapter.closeCursor(HOST, c.cursorId());
    }

    private static void explain(EmbeddedMariaDb db) throws Exception {
        try (Connection c = db.connect("bench"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("EXPLAIN SELECT t.id FROM item t WHERE t.modified > '2026-01-01'"
                     + " AND t.modified <= '2027-01-01' AND t.modified >= '2026-01-06' AND (t.modified, t.id) >= ('2026-01-06', 0)"
                     + " AND t.modified <= '2026-01-06 00:00:01' AND (t.modified, t.id) < ('2026-01-06 00:00:01', 0)"
                     + " ORDER BY t.modified, t.id")) {
            while (rs.next()) {
                System.out.printf("plan of a middle page: type=%s key=%s rows=%s extra=%s%n", rs.getString("type"),
                        rs.getString("key"), rs.getString("rows"), rs.getString("Extra"));
            }
        }
    }

    /** Counts what a page streams, the way the server's sink writes it out: nothing kept. */
    private static final class Counting implements ResultSink {
        long records;

        @Override
        public void record(ExternalRecord record) {
            records++;
        }

        @Override
        public void id(String id) {
            records++;
        }
    }
}
