package org.esabridge.testkit.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.esabridge.api.Cursor;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ResultSink;
import org.esabridge.testkit.EsaClient;
import org.esabridge.testkit.HttpsTransport;

/**
 * {@code bench --engine postgresql}'s log-capture figures, after the syncs: fence latency (getCurrentTime with
 * nothing to wait for, and right after a one-row commit the reader must index first) and catch-up (the ESA
 * stopped, every row of a table updated in one transaction while no reader runs, then from a new ESA's start
 * to its first getCurrentTime answered: the reader decoded and indexed them all).
 */
final class PostgresCapture {
    private static final int FENCES = 50;

    private final BenchEnvironment environment;
    private final Path workDir;
    private final Map<String, String> settings;

    /** The figures; latencies in milliseconds. */
    record Figures(String table, List<Double> idleFences, List<Double> writeFences, long caughtUpRows,
                   double startSeconds, double catchUpSeconds, String load) {
        String report() {
            StringBuilder out = new StringBuilder();
            out.append("\nLog capture (PostgreSQL logical decoding): fence latency, ").append(FENCES)
                    .append(" getCurrentTime calls one after another over a kept connection, on ").append(table)
                    .append(" — idle (nothing to index) and each right after a one-row UPDATE committed (the fence "
                            + "waits until the reader indexed it):\n\n");
            out.append("| fence | p50 ms | p90 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n");
            row(out, "idle", idleFences);
            row(out, "after a one-row commit", writeFences);
            out.append(String.format(Locale.ROOT, "%nCatch-up: the ESA stopped, `UPDATE %s` of all %,d rows in one "
                    + "transaction while no reader ran, then a new ESA started (%.1f s until it listened): %.1f s from the "
                    + "start to its first getCurrentTime answered (every change decoded and indexed: a getModifiedPaged "
                    + "after the stop then reported all of them), %,.0f rows/s. Load "
                    + "%s.%n", table, caughtUpRows, startSeconds, catchUpSeconds, caughtUpRows / catchUpSeconds, load));
            return out.toString();
        }

        private static void row(StringBuilder out, String name, List<Double> millis) {
            List<Double> sorted = new ArrayList<>(millis);
            sorted.sort(null);
            out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f |%n", name, at(sorted, 0.5),
                    at(sorted, 0.9), at(sorted, 0.99), sorted.get(sorted.size() - 1)));
        }

        private static double at(List<Double> sorted, double fraction) {
            return sorted.get((int) Math.min(sorted.size() - 1, Math.round(fraction * (sorted.size() - 1))));
        }
    }

    PostgresCapture(BenchEnvironment environment, Path workDir, Map<String, String> settings) {
        this.environment = environment;
        this.workDir = workDir;
        this.settings = settings;
    }

    /** Measures on {@code table} (generated); stops {@code esa}. */
    Figures measure(BenchEnvironment.Database db, BenchEnvironment.Esa esa, String table) throws Exception {
        System.err.printf(Locale.ROOT, "%s: fence latency%n", table);
        List<Double> idle = new ArrayList<>();
        List<Double> afterWrite = new ArrayList<>();
        EsaClient client = EsaClient.over(new HttpsTransport(esa.url(), esa.tls(), Duration.ofMinutes(10), null));
        client.startSync("esa-bench-fence");
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement()) {
            for (int i = 0; i < FENCES; i++) {
                long t0 = System.nanoTime();
                client.getCurrentTime();
                idle.add((System.nanoTime() - t0) / 1e6);
            }
            for (int i = 0; i < FENCES; i++) {
                s.executeUpdate("UPDATE " + table + " SET amount = amount + 1" + PostgresBenchTables.touch()
                        + " WHERE id = " + (i + 1));
                long t0 = System.nanoTime();
                client.getCurrentTime();
                afterWrite.add((System.nanoTime() - t0) / 1e6);
            }
        } finally {
            client.release();
        }

        System.err.printf(Locale.ROOT, "%s: catch-up%n", table);
        Instant before = BenchCommand.currentTime(esa);
        esa.close();
        long rows;
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement()) {
            rows = s.executeUpdate("UPDATE " + table + " SET amount = amount + 1" + PostgresBenchTables.touch());
        }
        String load = BenchCommand.loadAverage();
        long t0 = System.nanoTime();
        try (BenchEnvironment.Esa again = environment.startEsa(db, workDir, settings)) {
            long started = System.nanoTime();
            BenchCommand.settle(again);
            long t1 = System.nanoTime();
            long changed = changedAfter(again, table, before);
            if (changed != rows) {
                throw new EsaException(ErrorCode.INTERNAL, "catch-up of " + table + ": " + rows + " rows updated, "
                        + changed + " reported changed after the restart");
            }
            return new Figures(table, idle, afterWrite, rows, (started - t0) / 1e9, (t1 - t0) / 1e9, load);
        }
    }

    /** How many records getModifiedPaged after {@code after} reports: the catch-up indexed every change. */
    private static long changedAfter(BenchEnvironment.Esa esa, String table, Instant after) throws Exception {
        long[] count = new long[1];
        ResultSink sink = new ResultSink() {
            @Override
            public void record(ExternalRecord r) {
                count[0]++;
            }

            @Override
            public void id(String id) {
                count[0]++;
            }
        };
        EsaClient client = EsaClient.over(new HttpsTransport(esa.url(), esa.tls(), Duration.ofMinutes(10), null));
        client.startSync("esa-bench-catch-up");
        try {
            if (!client.getModified(table, after, sink)) {
                Cursor cursor = client.getModifiedPaged(table, after);
                try {
                    for (long p = 0; p < cursor.pageCount(); p++) {
                        client.readDataPage(cursor.cursorId(), p, sink);
                    }
                } finally {
                    client.closeCursor(cursor.cursorId());
                }
            }
            client.endSync();
        } finally {
            client.release();
        }
        return count[0];
    }
}
