package org.esabridge.jdbc.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.capture.CaptureStatus;
import org.esabridge.jdbc.mariadb.embedded.EmbeddedMariaDb;

/**
 * A benchmark, not a test: the binlog reader on the embedded MariaDB (issue 12).
 * <ol>
 *   <li>Catch-up throughput: {@code rows} row events written while no reader runs, then the time from the adapter's
 *   start until a fence returns (every event read, decoded and in the index) → row events/s.</li>
 *   <li>Under a write load ({@code writers} threads of single-row autocommit inserts and updates for
 *   {@code seconds}), as fast as they go and then throttled to {@code rate} changes/s: capture lag (sampled every
 *   100 ms), getCurrentTime (fence) latency and the fence rows the load phase added.</li>
 *   <li>Idle: getCurrentTime latency one call at a time, then each right after a one-row commit; bursts of 50 calls at once on the node that reads the log
 *   and on a second node (which sets marker rows), with the fence rows each burst added.</li>
 * </ol>
 * Arguments: {@code [rows] [seconds] [writers] [data-dir] [rate]}, defaults 500000, 20, 2, target/bench-binlog, 2000.
 */
public final class BinlogBench {
    private BinlogBench() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int writers = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Path dataDir = Path.of(args.length > 3 ? args[3] : "target/bench-binlog").toAbsolutePath();
        int rate = args.length > 4 ? Integer.parseInt(args[4]) : 2000;
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(dataDir)) {
            db.createSchema("bench");
            try (Connection c = db.connect("bench"); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS item");
                s.execute("DROP TABLE IF EXISTS esa_change");
                s.execute("DROP TABLE IF EXISTS esa_capture");
                s.execute("DROP TABLE IF EXISTS esa_schema_version");
                s.execute("CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT NOT NULL,"
                        + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),"
                        + " KEY item_mod (modified, id))");
            }
            Map<String, String> settings = new HashMap<>();
            settings.put(JdbcAdapterConfig.JDBC_URL, db.url("bench"));
            settings.put(JdbcAdapterConfig.JDBC_USER, db.user());
            settings.put(JdbcAdapterConfig.JDBC_PASSWORD, db.password());
            settings.put(JdbcAdapterConfig.CAPTURE_FENCE_TIMEOUT_SECONDS, "600");
            JdbcAdapterConfig config = JdbcAdapterConfig.fromSettings(settings, null);
            try (JdbcAdapter first = JdbcAdapter.start(config)) {
                first.getCurrentTime(); // the stored position: the log's end before the rows below
            }
            try (Connection c = db.connect("bench"); Statement s = c.createStatement()) {
                for (int from = 1; from <= rows; from += 1000) {
                    s.execute("INSERT INTO item (id, name, qty) SELECT seq, CONCAT('item ', seq), seq % 97 FROM seq_"
                            + from + "_to_" + Math.min(rows, from + 999));
                }
            }
            ProcessHandle server = serverProcess(dataDir);
            long jvmCpu0 = jvmCpuNanos();
            long serverCpu0 = cpuNanos(server);
            Map<Long, Long> threads0 = threadCpuTicks(server);
            Map<String, Long> jvmThreads0 = jvmThreadTicks();
            long t0 = System.nanoTime();
            try (JdbcAdapter adapter = JdbcAdapter.start(config)) {
                adapter.getCurrentTime();
                double s = (System.nanoTime() - t0) / 1e9;
                double jvmCpu = (jvmCpuNanos() - jvmCpu0) / 1e9;
                double serverCpu = (cpuNanos(server) - serverCpu0) / 1e9;
                System.out.printf("catch-up: %d row events in %.2f s = %.0f row events/s (start, read, index, fence);"
                        + " CPU: JVM %.2f s + MariaDB %.2f s = %.1f µs per row event%n",
                        rows, s, rows / s, jvmCpu, serverCpu, (jvmCpu + serverCpu) * 1e6 / rows);
                printBusiestThread(threads0, threadCpuTicks(server), rows);
                printJvmThreads(jvmThreads0, jvmThreadTicks(), rows);
                underLoad(db, server, adapter, seconds, writers, rows, 0);
                underLoad(db, server, adapter, seconds, writers, rows, rate);
                idle(adapter, 200);
                afterCommit(db, adapter, 200);
                burst(db, adapter, 50, "the reading node");
                try (JdbcAdapter other = JdbcAdapter.start(config)) {
                    burst(db, other, 50, "a second node");
                }
            }
        }
    }

    /**
     * The embedded server's process (its pid file is in the data directory): on a shared machine its CPU time and the
     * JVM's say more than the wall time does.
     */
    private static ProcessHandle serverProcess(Path dataDir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dataDir.resolve("mariadb"))) {
            Path pidFile = files.filter(f -> f.getFileName().toString().endsWith(".pid")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no pid file in " + dataDir));
            long pid = Long.parseLong(java.nio.file.Files.readString(pidFile).strip());
            return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
        }
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    /**
     * CPU ticks of each of the server's threads (/proc/PID/task/TID/stat, user + system), or none where /proc is not
     * there. One thread per connection: in the catch-up the busiest is the index writer's.
     */
    static Map<Long, Long> threadCpuTicks(ProcessHandle process) {
        Map<Long, Long> ticks = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        try (java.util.stream.Stream<Path> dirs = java.nio.file.Files.list(tasks)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                try {
                    String stat = java.nio.file.Files.readString(dir.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(Long.parseLong(dir.getFileName().toString()),
                            Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                } catch (java.io.IOException | RuntimeException ended) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return Map.of();
        }
        return ticks;
    }

    /** The server's busiest thread over the catch-up (the index writer's connection: the serial stage) and the rest. */
    private static void printBusiestThread(Map<Long, Long> before, Map<Long, Long> after, int rows) {
        long busiest = 0;
        long all = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            long delta = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            busiest = Math.max(busiest, delta);
            all += delta;
        }
        if (all > 0) {
            double perTick = 1e6 / 100; // µs per clock tick (USER_HZ 100)
            System.out.printf("catch-up MariaDB CPU by thread: busiest (the index writer) %.1f µs per row event,"
                    + " the others %.1f%n", busiest * perTick / rows, (all - busiest) * perTick / rows);
        }
    }

    /**
     * This JVM's CPU ticks by thread kind (/proc/self/task/TID/comm, digits dropped so that a pool's threads add up):
     * the log reader's thread, the index writer's, the JIT compiler's, the collector's.
     */
    private static Map<String, Long> jvmThreadTicks() {
        Map<String, Long> ticks = new HashMap<>();
        try (java.util.stream.Stream<Path> dirs = java.nio.file.Files.list(Path.of("/proc/self/task"))) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                try {
                    String name = java.nio.file.Files.readString(dir.resolve("comm")).strip().replaceAll("[0-9]+", "#");
                    String stat = java.nio.file.Files.readString(dir.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.merge(name + "/" + dir.getFileName(), Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
                            Long::sum);
                } catch (java.io.IOException | RuntimeException ended) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return Map.of();
        }
        return ticks;
    }

    private static void printJvmThreads(Map<String, Long> before, Map<String, Long> after, int rows) {
        Map<String, Long> byKind = new java.util.TreeMap<>();
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long delta = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (delta > 0) {
                byKind.merge(e.getKey().substring(0, e.getKey().lastIndexOf('/')), delta, Long::sum);
            }
        }
        StringBuilder line = new StringBuilder("catch-up JVM CPU by thread, µs per row event:");
        byKind.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> line.append(String.format(" %s %.2f;", e.getKey(), e.getValue() * 1e4 / rows)));
        System.out.println(line);
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * {@code calls} getCurrentTime calls at once, as a host syncing that many structures makes them (every binlog-mode
     * read starts with the same fence), five rounds on an idle log: the wall time of each round and the fence rows it
     * added (calls arriving together share markers).
     */
    private static void burst(EmbeddedMariaDb db, JdbcAdapter adapter, int calls, String node) throws Exception {
        adapter.getCurrentTime();
        for (int round = 0; round < 5; round++) {
            long before = fenceRows(db);
            List<Thread> threads = new ArrayList<>();
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < calls; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        adapter.getCurrentTime();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                threads.add(t);
                t.start();
            }
            long t0 = System.nanoTime();
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            System.out.printf("burst of %d getCurrentTime on %s: %.1f ms, %d fence rows%n", calls, node,
                    (System.nanoTime() - t0) / 1e6, fenceRows(db) - before);
        }
    }

    /** {@code calls} getCurrentTime one after the other on an idle log. */
    private static void idle(JdbcAdapter adapter, int calls) throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            long f0 = System.nanoTime();
            adapter.getCurrentTime();
            millis.add((System.nanoTime() - f0) / 1e6);
        }
        Collections.sort(millis);
        System.out.printf("idle: getCurrentTime p50 %.2f ms, p99 %.2f ms (%d calls one at a time)%n",
                millis.get(calls / 2), millis.get((int) (calls * 0.99)), calls);
    }

    /**
     * {@code calls} times one row updated and committed, then getCurrentTime (a host writing back, then asking the
     * time): the call's latency.
     */
    private static void afterCommit(EmbeddedMariaDb db, JdbcAdapter adapter, int calls) throws Exception {
        List<Double> millis = new ArrayList<>();
        try (Connection c = db.connect("bench"); Statement s = c.createStatement()) {
            for (int i = 0; i < calls; i++) {
                s.execute("UPDATE item SET qty = qty + 1 WHERE id = " + (1 + i));
                long f0 = System.nanoTime();
                adapter.getCurrentTime();
                millis.add((System.nanoTime() - f0) / 1e6);
            }
        }
        Collections.sort(millis);
        System.out.printf("after a one-row commit: getCurrentTime p50 %.2f ms, p99 %.2f ms (%d calls one at a time)%n",
                millis.get(calls / 2), millis.get((int) (calls * 0.99)), calls);
    }

    private static long fenceRows(EmbeddedMariaDb db) throws Exception {
        try (Connection c = db.connect("bench"); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM esa_fence")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** @param rate changes/s over all writers, or 0: as fast as they go */
    private static void underLoad(EmbeddedMariaDb db, ProcessHandle server, JdbcAdapter adapter, int seconds,
                                  int writers, int base, int rate) throws Exception {
        long fenceRowsBefore = fenceRows(db);
        // Each writer's pair of changes is due at a fixed interval from its start (a throttle, not a measurement).
        long pairNanos = rate == 0 ? 0 : 2_000_000_000L * writers / rate;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int offset = base + 1 + w * 10_000_000 + (rate == 0 ? 0 : 5_000_000);
            Thread t = new Thread(() -> {
                try (Connection c = db.connect("bench"); Statement s = c.createStatement()) {
                    long start = System.nanoTime();
                    for (int i = 0; !stop.get(); i++) {
                        if (pairNanos > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(start + i * pairNanos - System.nanoTime());
                        }
                        s.execute("INSERT INTO item (id, name, qty) VALUES (" + (offset + i) + ", 'load', 1)");
                        s.execute("UPDATE item SET qty = qty + 1 WHERE id = " + (1 + i % base));
                        written.addAndGet(2);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "writer-" + w);
            threads.add(t);
            t.start();
        }
        CaptureStatus status = adapter.captureStatus();
        List<Double> fenceMillis = new ArrayList<>();
        double maxLag = 0;
        long maxLagEvents = 0;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long readBefore = status.eventsRead();
        long jvmCpu0 = jvmCpuNanos();
        long serverCpu0 = cpuNanos(server);
        long t0 = System.nanoTime();
        while (System.nanoTime() < end) {
            long f0 = System.nanoTime();
            adapter.getCurrentTime();
            fenceMillis.add((System.nanoTime() - f0) / 1e6);
            maxLag = Math.max(maxLag, status.lagSeconds());
            maxLagEvents = Math.max(maxLagEvents, status.lagEvents());
            Thread.sleep(100);
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        double jvmCpu = (jvmCpuNanos() - jvmCpu0) / 1e9;
        double serverCpu = (cpuNanos(server) - serverCpu0) / 1e9;
        Collections.sort(fenceMillis);
        System.out.printf("under load (%s): %d writers, %.0f row changes/s written, %.0f binlog events/s read;"
                        + " capture lag max %.2f s / %d rows; getCurrentTime p50 %.1f ms, p99 %.1f ms, max %.1f ms"
                        + " (%d fences, %d fence rows); CPU: JVM %.2f s + MariaDB %.2f s (writers included)%n",
                rate == 0 ? "unthrottled" : "throttled to " + rate + "/s", writers, written.get() / s,
                (status.eventsRead() - readBefore) / s, maxLag, maxLagEvents,
                fenceMillis.get(fenceMillis.size() / 2), fenceMillis.get((int) (fenceMillis.size() * 0.99)),
                fenceMillis.get(fenceMillis.size() - 1), fenceMillis.size(), fenceRows(db) - fenceRowsBefore, jvmCpu,
                serverCpu);
    }
}
