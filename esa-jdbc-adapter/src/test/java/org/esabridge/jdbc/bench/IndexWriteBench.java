package org.esabridge.jdbc.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.esabridge.jdbc.mariadb.embedded.EmbeddedMariaDb;

/**
 * A benchmark, not a test: what the change index's writes cost the server, statement by statement, without a log
 * reader (issue 22). Writes {@code entries} new entries in segments of 5000 (one transaction each, a progress row
 * updated as the index writer does), then updates {@code updates} existing ones in segments of {@code small}, for each
 * layout/statement variant named, and prints the server's CPU per entry (from /proc via the process handle), the wall
 * time, the handler counters per entry, and a page read of the incremental kind.
 *
 * <p>{@code IndexWriteBench DIR entries updates small variant...}, a variant {@code layout/statement}. Layouts:
 * {@code v9} (today's: clustered by (table_name, kind, stamp, seq), unique (table_name, row_hash)), {@code v8}
 * (clustered by the hash, a secondary (table_name, kind, stamp, seq)), {@code nouniq} (v9 without the unique key: a
 * lower bound, not exact), {@code dup} (v9 with a non-unique
 * {@code (table_name, row_hash)} key: append-only entries, superseded ones to be removed later, with {@code plain}),
 * {@code hist} (the latest entry per row in a narrow table keyed by hash, a history table
 * clustered by stamp; its statements are its own). Statements: {@code server} (today's JSON upsert, hashed by the
 * server), {@code client} (hash sent as hex), {@code select} (the JSON_TABLE select alone), {@code plain},
 * {@code ignore}, {@code replace}, {@code delins} (delete the batch's entries, then a plain insert), {@code updfirst}
 * and {@code updonly} (an UPDATE joined to the array first; the insert after it always, or only unless every entry
 * existed), {@code sorted} (the array in hash order, seq following it), {@code sortedseq} (hash order, seq as read),
 * {@code serversort} (the server orders the array by hash, seq following it), {@code pertable} (the table a parameter, not an array element),
 * {@code par1}/{@code par2}/{@code par3} (a segment's entries split by hash over that many connections written at
 * once, see {@link #parallelPhase}), {@code binary} (a server-side prepared statement),
 * {@code noannot} (the session's binlog_annotate_row_events off), {@code nolog} (the session's sql_log_bin off: the
 * index's rows not in the binary log). System property {@code server.options}: more
 * server options, space-separated.
 */
public final class IndexWriteBench {
    private static final String V9 = "CREATE TABLE %s (table_name VARCHAR(64) NOT NULL, row_hash BINARY(20) NOT NULL,"
            + " row_id TEXT NOT NULL, kind CHAR(1) NOT NULL, stamp DATETIME(6) NOT NULL, seq BIGINT NOT NULL,"
            + " PRIMARY KEY (table_name, kind, stamp, seq), UNIQUE KEY esa_change_by_row (table_name, row_hash))"
            + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
    private static final String V8 = "CREATE TABLE %s (table_name VARCHAR(64) NOT NULL, row_hash BINARY(20) NOT NULL,"
            + " row_id TEXT NOT NULL, kind CHAR(1) NOT NULL, stamp DATETIME(6) NOT NULL, seq BIGINT NOT NULL,"
            + " PRIMARY KEY (table_name, row_hash), KEY esa_change_by_stamp (table_name, kind, stamp, seq))"
            + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
    private static final String NOUNIQ = "CREATE TABLE %s (table_name VARCHAR(64) NOT NULL, row_hash BINARY(20) NOT NULL,"
            + " row_id TEXT NOT NULL, kind CHAR(1) NOT NULL, stamp DATETIME(6) NOT NULL, seq BIGINT NOT NULL,"
            + " PRIMARY KEY (table_name, kind, stamp, seq))"
            + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

    private static final String JSON_SERVER_HASH = "INSERT INTO %s (table_name, row_hash, row_id, kind, stamp, seq)"
            + " SELECT CONVERT(UNHEX(j.table_name) USING utf8mb4), UNHEX(SHA1(CONVERT(CONVERT(UNHEX(j.row_id) USING utf8mb4) USING utf8mb4))),"
            + " CONVERT(UNHEX(j.row_id) USING utf8mb4), j.kind, ?, ? + j.n"
            + " FROM JSON_TABLE(?, '$[*]' COLUMNS (n FOR ORDINALITY,"
            + " table_name VARCHAR(512) CHARACTER SET ascii PATH '$[0]',"
            + " row_id MEDIUMTEXT CHARACTER SET ascii PATH '$[1]',"
            + " kind CHAR(1) CHARACTER SET ascii PATH '$[2]')) j"
            + " ON DUPLICATE KEY UPDATE row_id = VALUES(row_id), kind = VALUES(kind), stamp = VALUES(stamp),"
            + " seq = VALUES(seq)";
    private static final String JSON_CLIENT_HASH = "INSERT INTO %s (table_name, row_hash, row_id, kind, stamp, seq)"
            + " SELECT CONVERT(UNHEX(j.table_name) USING utf8mb4), UNHEX(j.h),"
            + " CONVERT(UNHEX(j.row_id) USING utf8mb4), j.kind, ?, ? + j.n"
            + " FROM JSON_TABLE(?, '$[*]' COLUMNS (n FOR ORDINALITY,"
            + " table_name VARCHAR(512) CHARACTER SET ascii PATH '$[0]',"
            + " row_id MEDIUMTEXT CHARACTER SET ascii PATH '$[1]',"
            + " kind CHAR(1) CHARACTER SET ascii PATH '$[2]', h CHAR(40) CHARACTER SET ascii PATH '$[3]')) j"
            + " ON DUPLICATE KEY UPDATE row_id = VALUES(row_id), kind = VALUES(kind), stamp = VALUES(stamp),"
            + " seq = VALUES(seq)";
    private static final String JSON_SELECT_ONLY = "SELECT COUNT(*), SUM(LENGTH(h)) FROM (SELECT CONVERT(UNHEX(j.table_name) USING utf8mb4) t,"
            + " UNHEX(SHA1(CONVERT(CONVERT(UNHEX(j.row_id) USING utf8mb4) USING utf8mb4))) h,"
            + " CONVERT(UNHEX(j.row_id) USING utf8mb4) i, j.kind, ? s, ? + j.n q"
            + " FROM JSON_TABLE(?, '$[*]' COLUMNS (n FOR ORDINALITY,"
            + " table_name VARCHAR(512) CHARACTER SET ascii PATH '$[0]',"
            + " row_id MEDIUMTEXT CHARACTER SET ascii PATH '$[1]',"
            + " kind CHAR(1) CHARACTER SET ascii PATH '$[2]')) j) x";

    private static final String PER_TABLE = "INSERT INTO %s (table_name, row_hash, row_id, kind, stamp, seq)"
            + " SELECT 'item', UNHEX(SHA1(CONVERT(UNHEX(j.row_id) USING utf8mb4))),"
            + " CONVERT(UNHEX(j.row_id) USING utf8mb4), j.kind, ?, ? + j.n"
            + " FROM JSON_TABLE(?, '$[*]' COLUMNS (n FOR ORDINALITY,"
            + " row_id MEDIUMTEXT CHARACTER SET ascii PATH '$[0]',"
            + " kind CHAR(1) CHARACTER SET ascii PATH '$[1]')) j"
            + " ON DUPLICATE KEY UPDATE row_id = VALUES(row_id), kind = VALUES(kind), stamp = VALUES(stamp),"
            + " seq = VALUES(seq)";
    /** The server orders the array by hash, seq following that order. */
    private static final String SERVER_SORT = "INSERT INTO %s (table_name, row_hash, row_id, kind, stamp, seq)"
            + " SELECT x.t, x.h, x.i, x.kind, ?, ? + ROW_NUMBER() OVER (ORDER BY x.t, x.h) FROM (SELECT"
            + " CONVERT(UNHEX(j.table_name) USING utf8mb4) t, UNHEX(SHA1(CONVERT(UNHEX(j.row_id) USING utf8mb4))) h,"
            + " CONVERT(UNHEX(j.row_id) USING utf8mb4) i, j.kind"
            + " FROM JSON_TABLE(?, '$[*]' COLUMNS ("
            + " table_name VARCHAR(512) CHARACTER SET ascii PATH '$[0]',"
            + " row_id MEDIUMTEXT CHARACTER SET ascii PATH '$[1]',"
            + " kind CHAR(1) CHARACTER SET ascii PATH '$[2]')) j) x ORDER BY x.t, x.h"
            + " ON DUPLICATE KEY UPDATE row_id = VALUES(row_id), kind = VALUES(kind), stamp = VALUES(stamp),"
            + " seq = VALUES(seq)";
    private static final String UPDATE_FIRST = "UPDATE %s e JOIN JSON_TABLE(?, '$[*]' COLUMNS (n FOR ORDINALITY,"
            + " table_name VARCHAR(512) CHARACTER SET ascii PATH '$[0]',"
            + " row_id MEDIUMTEXT CHARACTER SET ascii PATH '$[1]', kind CHAR(1) CHARACTER SET ascii PATH '$[2]')) j"
            + " ON e.table_name = CONVERT(UNHEX(j.table_name) USING utf8mb4)"
            + " AND e.row_hash = UNHEX(SHA1(CONVERT(UNHEX(j.row_id) USING utf8mb4)))"
            + " SET e.kind = j.kind, e.stamp = ?, e.seq = ? + j.n";
    private static final String DELETE = "DELETE e FROM JSON_TABLE(?, '$[*]' COLUMNS ("
            + " table_name VARCHAR(512) CHARACTER SET ascii PATH '$[0]',"
            + " row_id MEDIUMTEXT CHARACTER SET ascii PATH '$[1]')) j"
            + " JOIN %s e ON e.table_name = CONVERT(UNHEX(j.table_name) USING utf8mb4)"
            + " AND e.row_hash = UNHEX(SHA1(CONVERT(UNHEX(j.row_id) USING utf8mb4)))";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).toAbsolutePath();
        int entries = Integer.parseInt(args[1]);
        int updates = Integer.parseInt(args[2]);
        int small = Integer.parseInt(args[3]);
        List<String> options = new ArrayList<>();
        String extra = System.getProperty("server.options", "");
        if (!extra.isBlank()) {
            options.addAll(List.of(extra.split(" ")));
        }
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(dir, 0, options)) {
            db.createSchema("ib");
            ProcessHandle server = serverProcess(dir);
            for (int a = 4; a < args.length; a++) {
                run(db, server, args[a], entries, updates, small);
            }
        }
    }

    private static void run(EmbeddedMariaDb db, ProcessHandle server, String variant, int entries, int updates, int small)
            throws Exception {
        String[] parts = variant.split("/");
        String layout = parts[0];
        String statement = parts.length > 1 ? parts[1] : "server";
        String table = "esa_change_" + layout.toLowerCase();
        try (Connection c = db.connect("ib"); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            if ("hist".equals(layout)) {
                runHistory(c, s, server, entries, updates, small);
                return;
            }
            s.execute(String.format(switch (layout) {
                case "v9" -> V9;
                case "v8" -> V8;
                case "nouniq" -> NOUNIQ;
                case "dup" -> V9.replace("UNIQUE KEY", "KEY");
                default -> throw new IllegalArgumentException(layout);
            }, table));
            s.execute("DROP TABLE IF EXISTS progress");
            s.execute("CREATE TABLE progress (name VARCHAR(32) PRIMARY KEY, last_seq BIGINT NOT NULL) ENGINE=InnoDB");
            s.execute("INSERT INTO progress VALUES ('binlog', 0)");
            String sql = String.format(switch (statement) {
                case "server" -> JSON_SERVER_HASH;
                case "client" -> JSON_CLIENT_HASH;
                case "select" -> JSON_SELECT_ONLY;
                case "plain" -> JSON_SERVER_HASH.substring(0, JSON_SERVER_HASH.indexOf(" ON DUPLICATE"));
                case "ignore" -> JSON_SERVER_HASH.substring(0, JSON_SERVER_HASH.indexOf(" ON DUPLICATE")).replace("INSERT INTO", "INSERT IGNORE INTO");
                case "par1", "par2", "par3", "nolog", "sorted", "binary", "binarysorted", "noannot", "updfirst", "updonly" -> JSON_SERVER_HASH;
                case "pertable", "pertablesorted" -> PER_TABLE;
                case "serversort" -> SERVER_SORT;
                case "sortedseq" -> JSON_SERVER_HASH.replace("n FOR ORDINALITY,", "").replace("kind CHAR(1) CHARACTER SET ascii PATH '$[2]'", "kind CHAR(1) CHARACTER SET ascii PATH '$[2]', n INT PATH '$[3]'");
                case "delins" -> JSON_SERVER_HASH.substring(0, JSON_SERVER_HASH.indexOf(" ON DUPLICATE"));
                case "replace" -> JSON_SERVER_HASH.substring(0, JSON_SERVER_HASH.indexOf(" ON DUPLICATE")).replace("INSERT INTO", "REPLACE INTO");
                default -> throw new IllegalArgumentException(statement);
            }, table);
            s.execute("SET SESSION binlog_annotate_row_events = " + ("noannot".equals(statement) ? 0 : 1));
            s.execute("SET SESSION sql_log_bin = " + ("nolog".equals(statement) ? 0 : 1));
            long[] seq = {0};
            if (statement.startsWith("par")) {
                int ways = Integer.parseInt(statement.substring(3));
                Phase first = parallelPhase(db, c, server, JSON_SERVER_HASH.formatted(table), ways, 1, entries, 5000, seq);
                print(variant, "new " + entries + " in 5000s", first, entries);
                if (updates > 0) {
                    Phase second = parallelPhase(db, c, server, JSON_SERVER_HASH.formatted(table), ways, 1, updates, small, seq);
                    print(variant, "existing " + updates + " in " + small + "s", second, updates);
                }
                return;
            }
            Phase first = phase(c, server, sql, statement, 1, entries, 5000, seq);
            print(variant, "new " + entries + " in 5000s", first, entries);
            if (updates > 0) {
                Phase second = phase(c, server, sql, statement, 1, updates, small, seq);
                print(variant, "existing " + updates + " in " + small + "s", second, updates);
            }
            if (!"select".equals(statement)) {
                readPages(c, table);
            }
        }
    }

    private static final String J_COLS = " FROM JSON_TABLE(?, '$[*]' COLUMNS (n FOR ORDINALITY,"
            + " table_name VARCHAR(512) CHARACTER SET ascii PATH '$[0]',"
            + " row_id MEDIUMTEXT CHARACTER SET ascii PATH '$[1]',"
            + " kind CHAR(1) CHARACTER SET ascii PATH '$[2]')) j";
    private static final String J_TABLE = "CONVERT(UNHEX(j.table_name) USING utf8mb4)";
    private static final String J_ID = "CONVERT(UNHEX(j.row_id) USING utf8mb4)";
    private static final String J_HASH = "UNHEX(SHA1(" + J_ID + "))";

    /**
     * A layout not built: the latest entry of each row in a narrow table keyed by its hash (updated in place), the
     * entries readers page through in a history table clustered by (table_name, kind, stamp, seq) without a secondary
     * key; an entry that moves deletes its old history row, found through the narrow row's previous position.
     */
    private static void runHistory(Connection c, Statement s, ProcessHandle server, int entries, int updates, int small)
            throws Exception {
        s.execute("DROP TABLE IF EXISTS h_row");
        s.execute("DROP TABLE IF EXISTS h_hist");
        s.execute("CREATE TABLE h_row (table_name VARCHAR(64) NOT NULL, row_hash BINARY(20) NOT NULL, kind CHAR(1) NOT NULL,"
                + " stamp DATETIME(6) NOT NULL, seq BIGINT NOT NULL, prev_kind CHAR(1) NULL, prev_stamp DATETIME(6) NULL,"
                + " prev_seq BIGINT NULL, PRIMARY KEY (table_name, row_hash)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
        s.execute("CREATE TABLE h_hist (table_name VARCHAR(64) NOT NULL, kind CHAR(1) NOT NULL, stamp DATETIME(6) NOT NULL,"
                + " seq BIGINT NOT NULL, row_id TEXT NOT NULL, PRIMARY KEY (table_name, kind, stamp, seq))"
                + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
        s.execute("DROP TABLE IF EXISTS progress");
        s.execute("CREATE TABLE progress (name VARCHAR(32) PRIMARY KEY, last_seq BIGINT NOT NULL) ENGINE=InnoDB");
        s.execute("INSERT INTO progress VALUES ('binlog', 0)");
        long[] seq = {0};
        Phase first = historyPhase(c, server, 1, entries, 5000, seq);
        print("hist", "new " + entries + " in 5000s", first, entries);
        if (updates > 0) {
            Phase second = historyPhase(c, server, 1, updates, small, seq);
            print("hist", "existing " + updates + " in " + small + "s", second, updates);
        }
        readPages(c, "h_hist");
    }

    private static Phase historyPhase(Connection c, ProcessHandle server, int firstId, int count, int segment, long[] seq)
            throws Exception {
        String row = "INSERT INTO h_row (table_name, row_hash, kind, stamp, seq) SELECT " + J_TABLE + ", " + J_HASH
                + ", j.kind, ?, ? + j.n" + J_COLS + " ON DUPLICATE KEY UPDATE prev_kind = h_row.kind,"
                + " prev_stamp = h_row.stamp, prev_seq = h_row.seq, kind = VALUES(kind), stamp = VALUES(stamp),"
                + " seq = VALUES(seq)";
        String drop = "DELETE h FROM JSON_TABLE(?, '$[*]' COLUMNS (table_name VARCHAR(512) CHARACTER SET ascii PATH '$[0]',"
                + " row_id MEDIUMTEXT CHARACTER SET ascii PATH '$[1]')) j"
                + " JOIN h_row r ON r.table_name = " + J_TABLE + " AND r.row_hash = " + J_HASH
                + " JOIN h_hist h ON h.table_name = r.table_name AND h.kind = r.prev_kind AND h.stamp = r.prev_stamp"
                + " AND h.seq = r.prev_seq";
        String hist = "INSERT INTO h_hist (table_name, kind, stamp, seq, row_id) SELECT " + J_TABLE + ", j.kind, ?, ? + j.n, "
                + J_ID + J_COLS;
        Map<String, Long> before = counters(c);
        long cpu0 = cpu(server);
        long t0 = System.nanoTime();
        c.setAutoCommit(false);
        try (PreparedStatement psRow = c.prepareStatement(row); PreparedStatement psDrop = c.prepareStatement(drop);
             PreparedStatement psHist = c.prepareStatement(hist);
             PreparedStatement lock = c.prepareStatement("SELECT last_seq FROM progress WHERE name = 'binlog' FOR UPDATE");
             PreparedStatement progress = c.prepareStatement("UPDATE progress SET last_seq = ? WHERE name = 'binlog'")) {
            for (int from = firstId; from < firstId + count; from += segment) {
                int to = Math.min(firstId + count, from + segment);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                }
                StringBuilder json = new StringBuilder(64 + 48 * (to - from)).append('[');
                for (int id = from; id < to; id++) {
                    if (json.length() > 1) {
                        json.append(',');
                    }
                    json.append("[\"").append(hex("item".getBytes(StandardCharsets.UTF_8))).append("\",\"")
                            .append(hex(Integer.toString(id).getBytes(StandardCharsets.UTF_8))).append("\",\"M\"]");
                }
                json.append(']');
                LocalDateTime at = LocalDateTime.now();
                psRow.setObject(1, at);
                psRow.setLong(2, seq[0]);
                psRow.setString(3, json.toString());
                long affected = psRow.executeUpdate();
                if (affected > to - from) { // 1 a row inserted, 2 a row updated
                    psDrop.setString(1, json.toString());
                    psDrop.executeUpdate();
                }
                psHist.setObject(1, at);
                psHist.setLong(2, seq[0]);
                psHist.setString(3, json.toString());
                psHist.executeUpdate();
                seq[0] += to - from;
                progress.setLong(1, seq[0]);
                progress.executeUpdate();
                c.commit();
            }
        } finally {
            c.setAutoCommit(true);
        }
        long wall = System.nanoTime() - t0;
        long cpu = cpu(server) - cpu0;
        Map<String, Long> after = counters(c);
        Map<String, Long> delta = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d != 0) {
                delta.put(e.getKey(), d);
            }
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT (SELECT COUNT(*) FROM h_hist),"
                + " (SELECT COUNT(*) FROM h_row)")) {
            rs.next();
            if (rs.getLong(1) != rs.getLong(2)) {
                throw new IllegalStateException("history " + rs.getLong(1) + " rows, latest " + rs.getLong(2));
            }
        }
        return new Phase(cpu, wall, delta);
    }

    private record Phase(long cpuNanos, long wallNanos, Map<String, Long> counters) {
    }

    /** A segment the simulated reader produced: its ids, split into {@code ways} arrays by the id's hash. */
    private record Segment(int from, int to, List<String> arrays) {
    }

    /**
     * Design change A of issue 22 item 3, as a bench: each segment's entries partitioned by row hash into {@code ways}
     * arrays, each written by its own connection at once (one thread each), the progress row locked first and updated
     * by the first connection after all wrote; the other connections commit first, then the first. {@code ways} 1 is
     * today's writer in this frame. A producer thread makes the segments one ahead and burns {@code reader.us} µs of
     * its own CPU per entry (system property, default 0): the log reader's share of the two cores.
     */
    private static Phase parallelPhase(EmbeddedMariaDb db, Connection c, ProcessHandle server, String sql, int ways,
                                       int firstId, int count, int segment, long[] seq) throws Exception {
        double readerMicros = Double.parseDouble(System.getProperty("reader.us", "0"));
        java.util.concurrent.BlockingQueue<Segment> queue = new java.util.concurrent.ArrayBlockingQueue<>(1);
        Segment end = new Segment(0, 0, List.of());
        Thread reader = new Thread(() -> {
            try {
                java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
                for (int from = firstId; from < firstId + count; from += segment) {
                    int to = Math.min(firstId + count, from + segment);
                    long burnUntil = mx.getCurrentThreadCpuTime() + (long) (readerMicros * 1000 * (to - from));
                    List<StringBuilder> parts = new ArrayList<>();
                    for (int w = 0; w < ways; w++) {
                        parts.add(new StringBuilder(64 + 48 * (to - from) / ways).append('['));
                    }
                    for (int id = from; id < to; id++) {
                        byte[] idBytes = Integer.toString(id).getBytes(StandardCharsets.UTF_8);
                        StringBuilder json = parts.get((sha1.digest(idBytes)[0] & 0xFF) % ways);
                        if (json.length() > 1) {
                            json.append(',');
                        }
                        json.append("[\"").append(hex("item".getBytes(StandardCharsets.UTF_8))).append("\",\"")
                                .append(hex(idBytes)).append("\",\"M\"]");
                    }
                    List<String> arrays = new ArrayList<>();
                    for (StringBuilder json : parts) {
                        arrays.add(json.append(']').toString());
                    }
                    while (mx.getCurrentThreadCpuTime() < burnUntil) {
                        Thread.onSpinWait();
                    }
                    queue.put(new Segment(from, to, arrays));
                }
                queue.put(end);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "reader");
        List<Connection> others = new ArrayList<>();
        for (int w = 1; w < ways; w++) {
            Connection o = db.connect("ib");
            o.setAutoCommit(false);
            others.add(o);
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, ways - 1));
        Map<String, Long> before = counters(c);
        Map<Long, Long> threads0 = BinlogBench.threadCpuTicks(server);
        long jvm0 = cpu(ProcessHandle.current());
        double load0 = loadAverage();
        long cpu0 = cpu(server);
        long t0 = System.nanoTime();
        c.setAutoCommit(false);
        reader.start();
        try (PreparedStatement lock = c.prepareStatement("SELECT last_seq FROM progress WHERE name = 'binlog' FOR UPDATE");
             PreparedStatement progress = c.prepareStatement("UPDATE progress SET last_seq = ? WHERE name = 'binlog'")) {
            for (Segment s = queue.take(); s != end; s = queue.take()) {
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                }
                LocalDateTime at = LocalDateTime.now();
                long seqBefore = seq[0];
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (int w = 1; w < ways; w++) {
                    Connection o = others.get(w - 1);
                    String array = s.arrays().get(w);
                    long base = seqBefore + (long) w * (s.to() - s.from()); // disjoint seq ranges per part
                    done.add(pool.submit(() -> {
                        try (PreparedStatement ps = o.prepareStatement(sql)) {
                            ps.setObject(1, at);
                            ps.setLong(2, base);
                            ps.setString(3, array);
                            ps.executeUpdate();
                        }
                        return null;
                    }));
                }
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setObject(1, at);
                    ps.setLong(2, seqBefore);
                    ps.setString(3, s.arrays().get(0));
                    ps.executeUpdate();
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get();
                }
                seq[0] += (long) ways * (s.to() - s.from());
                progress.setLong(1, seq[0]);
                progress.executeUpdate();
                for (Connection o : others) {
                    o.commit();
                }
                c.commit();
            }
        } finally {
            c.setAutoCommit(true);
            pool.shutdown();
            for (Connection o : others) {
                o.close();
            }
        }
        reader.join();
        long wall = System.nanoTime() - t0;
        long cpu = cpu(server) - cpu0;
        long jvm = cpu(ProcessHandle.current()) - jvm0;
        Map<Long, Long> threads1 = BinlogBench.threadCpuTicks(server);
        List<Long> deltas = new ArrayList<>();
        for (Map.Entry<Long, Long> e : threads1.entrySet()) {
            deltas.add(e.getValue() - threads0.getOrDefault(e.getKey(), 0L));
        }
        deltas.sort(java.util.Comparator.reverseOrder());
        StringBuilder busiest = new StringBuilder();
        long rest = 0;
        for (int i = 0; i < deltas.size(); i++) {
            if (i < ways + 1) {
                busiest.append(String.format(" %.2f", deltas.get(i) * 1e4 / count)); // ticks of 10 ms → µs per entry
            } else {
                rest += deltas.get(i);
            }
        }
        System.out.printf("  %d-way: %.0f entries/s; server threads µs/entry, busiest first:%s, the rest %.2f; JVM %.2f"
                + " µs/entry (reader burns %.1f); load %.2f → %.2f%n", ways, count / (wall / 1e9), busiest, rest * 1e4 / count,
                jvm / 1e3 / count, readerMicros, load0, loadAverage());
        Map<String, Long> after = counters(c);
        Map<String, Long> delta = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d != 0) {
                delta.put(e.getKey(), d);
            }
        }
        return new Phase(cpu, wall, delta);
    }

    private static Phase phase(Connection c, ProcessHandle server, String sql, String statement, int firstId, int count,
                               int segment, long[] seq) throws Exception {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        Map<String, Long> before = counters(c);
        long cpu0 = cpu(server);
        long t0 = System.nanoTime();
        c.setAutoCommit(false);
        try (PreparedStatement ps = statement.startsWith("binary")
                ? c.unwrap(org.mariadb.jdbc.Connection.class).prepareInternal(sql, Statement.NO_GENERATED_KEYS,
                        ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, true)
                : c.prepareStatement(sql);
             PreparedStatement lock = c.prepareStatement("SELECT last_seq FROM progress WHERE name = 'binlog' FOR UPDATE");
             PreparedStatement progress = c.prepareStatement("UPDATE progress SET last_seq = ? WHERE name = 'binlog'")) {
            for (int from = firstId; from < firstId + count; from += segment) {
                int to = Math.min(firstId + count, from + segment);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                }
                StringBuilder json = new StringBuilder(64 + 48 * (to - from)).append('[');
                List<Integer> ids = new ArrayList<>();
                for (int id = from; id < to; id++) {
                    ids.add(id);
                }
                if (statement.startsWith("sorted") || statement.endsWith("sorted")) {
                    Map<Integer, byte[]> hashes = new java.util.HashMap<>();
                    for (int id : ids) {
                        hashes.put(id, sha1.digest(Integer.toString(id).getBytes(StandardCharsets.UTF_8)));
                    }
                    ids.sort((x, y) -> java.util.Arrays.compareUnsigned(hashes.get(x), hashes.get(y)));
                }
                for (int id : ids) {
                    if (json.length() > 1) {
                        json.append(',');
                    }
                    json.append("[\"");
                    if (!statement.startsWith("pertable")) {
                        json.append(hex("item".getBytes(StandardCharsets.UTF_8))).append("\",\"");
                    }
                    byte[] idBytes = Integer.toString(id).getBytes(StandardCharsets.UTF_8);
                    json.append(hex(idBytes)).append("\",\"M\"");
                    if ("sortedseq".equals(statement)) {
                        json.append(',').append(id - from + 1);
                    }
                    if ("client".equals(statement)) {
                        json.append(",\"").append(hex(sha1.digest(idBytes))).append('"');
                    }
                    json.append(']');
                }
                json.append(']');
                LocalDateTime at = LocalDateTime.now();
                ps.setObject(1, at);
                ps.setLong(2, seq[0]);
                ps.setString(3, json.toString());
                int updated = -1;
                if (statement.startsWith("upd")) {
                    try (PreparedStatement upd = c.prepareStatement(String.format(UPDATE_FIRST, sql.substring(12, sql.indexOf(" (")).strip()))) {
                        upd.setString(1, json.toString());
                        upd.setObject(2, at);
                        upd.setLong(3, seq[0]);
                        updated = upd.executeUpdate();
                    }
                }
                if ("delins".equals(statement)) {
                    try (PreparedStatement del = c.prepareStatement(String.format(DELETE, sql.substring(12, sql.indexOf(" (")).strip()))) {
                        del.setString(1, json.toString());
                        del.executeUpdate();
                    }
                }
                if ("select".equals(statement)) {
                    ps.executeQuery().close();
                } else if ("updonly".equals(statement) && updated == to - from) {
                    // every entry existed: nothing to insert
                } else {
                    ps.executeUpdate();
                }
                seq[0] += to - from;
                progress.setLong(1, seq[0]);
                progress.executeUpdate();
                c.commit();
            }
        } finally {
            c.setAutoCommit(true);
        }
        long wall = System.nanoTime() - t0;
        long cpu = cpu(server) - cpu0;
        Map<String, Long> after = counters(c);
        Map<String, Long> delta = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d != 0) {
                delta.put(e.getKey(), d);
            }
        }
        return new Phase(cpu, wall, delta);
    }

    private static void readPages(Connection c, String table) throws Exception {
        String sql = "SELECT row_id, stamp, seq FROM " + table + " WHERE table_name = 'item' AND kind = 'M' AND stamp > ?"
                + " ORDER BY stamp, seq LIMIT 5000";
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, LocalDateTime.of(2000, 1, 1, 0, 0));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getString(1);
                    }
                }
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("  read a page of 5000 (buffer pool warm): best of 5 %.1f ms%n", best / 1e6);
    }

    private static void print(String variant, String phase, Phase p, int count) {
        StringBuilder perEntry = new StringBuilder();
        for (Map.Entry<String, Long> e : p.counters().entrySet()) {
            double v = (double) e.getValue() / count;
            if (v >= 0.05) {
                perEntry.append(String.format(" %s=%.2f", e.getKey().replace("Handler_", "H_").replace("Innodb_", "I_"), v));
            }
        }
        System.out.printf("%-14s %-24s server CPU %.2f µs/entry, wall %.2f µs/entry;%s%n", variant, phase,
                p.cpuNanos() / 1e3 / count, p.wallNanos() / 1e3 / count, perEntry);
    }

    private static Map<String, Long> counters(Connection c) throws Exception {
        Map<String, Long> m = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW SESSION STATUS WHERE Variable_name LIKE 'Handler%'"
                + " OR Variable_name LIKE 'Innodb_rows%' OR Variable_name LIKE 'Binlog_bytes_written'"
                + " OR Variable_name LIKE 'Innodb_data_fsyncs' OR Variable_name LIKE 'Innodb_os_log_written'")) {
            while (rs.next()) {
                try {
                    m.put(rs.getString(1), Long.parseLong(rs.getString(2)));
                } catch (NumberFormatException ignored) {
                    // not a counter
                }
            }
        }
        return m;
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            sb.append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                    .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
        }
        return sb.toString();
    }

    private static ProcessHandle serverProcess(Path dataDir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.list(dataDir.resolve("mariadb"))) {
            Path pidFile = files.filter(f -> f.getFileName().toString().endsWith(".pid")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no pid file in " + dataDir));
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return ProcessHandle.of(pid).orElseThrow();
        }
    }

    private static long cpu(ProcessHandle p) {
        return p.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    private IndexWriteBench() {
    }
}
