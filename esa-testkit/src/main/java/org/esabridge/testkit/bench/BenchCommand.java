package org.esabridge.testkit.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.esabridge.api.Cursor;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.ResultSink;
import org.esabridge.testkit.EsaClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: on generated tables of N rows, measures in one run (a) a raw JDBC streaming read of the table
 * and (b) a full paged sync of it through HTTPS (getModified → NULL → getModifiedPaged → every readDataPage →
 * closeCursor), and reports rows/s of both, their ratio, the peak heap of each phase, and readDataPage
 * latency by page index. Not a test: numbers depend on the machine, so they are written down, not asserted.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks raw JDBC reading against a full paged ESA sync over HTTPS on generated tables. "
                + "Run with -Xmx256m to check the memory target.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--rows", split = ",", defaultValue = "100000,1000000", paramLabel = "N",
            description = "Table sizes. Default: ${DEFAULT-VALUE}.")
    List<Long> rows;

    @Option(names = "--shapes", split = ",", defaultValue = "narrow,wide", paramLabel = "SHAPE",
            description = "narrow (4 columns) and/or wide (24 columns). Default: ${DEFAULT-VALUE}.")
    List<String> shapes;

    @Option(names = "--work-dir", defaultValue = "./esa-bench", paramLabel = "DIR",
            description = "Embedded database and certificate; tables are reused between runs. Default: ${DEFAULT-VALUE}.")
    Path workDir;

    @Option(names = "--page-size", defaultValue = "5000", paramLabel = "N",
            description = "The adapter's page-size. Default: ${DEFAULT-VALUE}.")
    int pageSize;

    @Option(names = "--fetch-size", defaultValue = "1000", paramLabel = "N",
            description = "JDBC fetch size of the raw read. Default: ${DEFAULT-VALUE}.")
    int fetchSize;

    @Option(names = "--append-to", paramLabel = "FILE", description = "Append the Markdown report to FILE.")
    Path appendTo;

    @Option(names = "--verbose", description = "Keep the server's and the database's log lines.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    private final BenchEnvironment environment;
    /** A second ESA that answers every getModified inline, started only when the paged calls are missing. */
    private BenchEnvironment.Esa inlineEsa;

    public BenchCommand(BenchEnvironment environment) {
        this.environment = environment;
    }

    /** One table's figures. */
    record Run(String table, long rows, double generateSeconds, long rawRows, double rawSeconds, long rawPeakHeap,
               long syncRows, double syncSeconds, long syncPeakHeap, String mode, List<Double> pageMillis) {
        double rawRate() {
            return rawRows / rawSeconds;
        }

        double syncRate() {
            return syncRows / syncSeconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!verbose) {
            // slf4j-simple reads this when the first logger is made, which is after this point in this command.
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        for (String shape : shapes) {
            if (!shape.equals("narrow") && !shape.equals("wide")) {
                throw new IllegalArgumentException("--shapes: narrow or wide, not " + shape);
            }
        }
        List<Run> runs = new ArrayList<>();
        String esaDescription;
        try (BenchEnvironment.Database db = environment.startDatabase(workDir);
             BenchEnvironment.Esa esa = environment.startEsa(db, workDir, Map.of("page-size", Integer.toString(pageSize)))) {
            esaDescription = esa.description();
            try {
                for (long n : rows) {
                    for (String shape : shapes) {
                        runs.add(run(db, esa, shape, n));
                    }
                }
            } finally {
                if (inlineEsa != null) {
                    esaDescription += "; the paged calls answered NOT_SUPPORTED, so the sync column measures one "
                            + "inline getModified of the whole table instead (" + inlineEsa.description() + ")";
                    inlineEsa.close();
                }
            }
        }
        String report = report(runs, esaDescription);
        System.out.print(report);
        if (appendTo != null) {
            Files.writeString(appendTo, report, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return 0;
    }

    private Run run(BenchEnvironment.Database db, BenchEnvironment.Esa esa, String shape, long n) throws Exception {
        String table = BenchTables.name(shape, n);
        System.err.printf(Locale.ROOT, "%s: preparing%n", table);
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            BenchTables.ensure(c, shape, n);
        }
        double generate = seconds(System.nanoTime() - t0);

        System.err.printf(Locale.ROOT, "%s: raw JDBC read%n", table);
        HeapPeak.reset();
        long[] raw = new long[2];
        t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            s.setFetchSize(fetchSize);
            try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY modified_at, id")) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    raw[0]++;
                    for (int i = 1; i <= columns; i++) {
                        String v = rs.getString(i);
                        raw[1] += v == null ? 0 : v.length();
                    }
                }
            }
        }
        double rawSeconds = seconds(System.nanoTime() - t0);
        long rawPeak = HeapPeak.bytes();

        System.err.printf(Locale.ROOT, "%s: sync through %s%n", table, esa.url());
        HeapPeak.reset();
        long[] synced = new long[2];
        ResultSink sink = new ResultSink() {
            @Override
            public void record(ExternalRecord r) {
                synced[0]++;
                for (FieldValue f : r.fields()) {
                    synced[1] += f.text() == null ? 0 : f.text().length();
                }
            }

            @Override
            public void id(String id) {
                synced[0]++;
            }
        };
        List<Double> pageMillis = new ArrayList<>();
        String mode;
        t0 = System.nanoTime();
        try {
            mode = sync(esa, table, sink, pageMillis);
        } catch (EsaException e) {
            if (e.code() != ErrorCode.NOT_SUPPORTED) {
                throw e;
            }
            System.err.printf(Locale.ROOT, "%s: paged calls NOT_SUPPORTED; measuring one inline getModified%n", table);
            if (inlineEsa == null) {
                // One inline answer of a large table outlasts the default 30 s statement limit.
                inlineEsa = environment.startEsa(db, workDir, Map.of("inline-threshold", "1000000",
                        "query-timeout-seconds", "3600"));
            }
            synced[0] = 0;
            synced[1] = 0;
            HeapPeak.reset();
            t0 = System.nanoTime();
            mode = sync(inlineEsa, table, sink, pageMillis) + " (paged calls NOT_SUPPORTED)";
        }
        double syncSeconds = seconds(System.nanoTime() - t0);
        long syncPeak = HeapPeak.bytes();
        System.err.printf(Locale.ROOT, "%s: raw %,.0f rows/s, sync %,.0f rows/s (%s)%n", table, raw[0] / rawSeconds,
                synced[0] / syncSeconds, mode);
        return new Run(table, n, generate, raw[0], rawSeconds, rawPeak, synced[0], syncSeconds, syncPeak, mode, pageMillis);
    }

    /** startSync … release, reading every record of the table; the mode says which way the records came. */
    private static String sync(BenchEnvironment.Esa esa, String table, ResultSink sink, List<Double> pageMillis)
            throws Exception {
        EsaClient client = EsaClient.connect(esa.url(), esa.tls(), Duration.ofMinutes(10));
        client.startSync("esa-bench");
        client.getCurrentTime();
        String mode;
        try {
            if (client.getModified(table, Instant.EPOCH, sink)) {
                mode = "inline getModified";
            } else {
                Cursor cursor = client.getModifiedPaged(table, Instant.EPOCH);
                mode = "paged, " + cursor.pageCount() + " pages of " + cursor.pageSize();
                try {
                    for (long p = 0; p < cursor.pageCount(); p++) {
                        long p0 = System.nanoTime();
                        client.readDataPage(cursor.cursorId(), p, sink);
                        pageMillis.add((System.nanoTime() - p0) / 1e6);
                    }
                } finally {
                    client.closeCursor(cursor.cursorId());
                }
            }
            client.endSync();
        } finally {
            client.release();
        }
        return mode;
    }

    private String report(List<Run> runs, String esaDescription) {
        Runtime rt = Runtime.getRuntime();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%n## Paged sync vs raw JDBC read (esa-testkit bench, %s)%n%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        out.append("Command: `java ").append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()
                .stream().filter(a -> a.startsWith("-Xm")).toList())).append(" -jar esa-server/target/esa-server.jar ")
                .append(String.join(" ", spec.commandLine().getParseResult().originalArgs())).append("`  \n");
        out.append(String.format(Locale.ROOT, "Machine: %d cores visible to the JVM, Java %s, max heap %d MiB.  %n",
                rt.availableProcessors(), System.getProperty("java.version"), rt.maxMemory() >> 20));
        out.append("ESA: ").append(esaDescription).append(".  \n");
        out.append("Raw read: one `SELECT * ... ORDER BY modified_at, id` with fetch size ").append(fetchSize)
                .append(", every column read with getString. Sync: startSync, getCurrentTime, getModified (NULL), "
                        + "getModifiedPaged, every readDataPage in order, closeCursor, endSync, release; every field "
                        + "of every record touched.\n\n");
        out.append("| table | rows | raw JDBC rows/s | ESA sync rows/s | ratio | sync rows/s per core | peak heap raw / sync (MiB) | mode |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Run r : runs) {
            out.append(String.format(Locale.ROOT, "| %s | %,d | %,.0f | %,.0f | %.2f | %,.0f | %d / %d | %s |%n",
                    r.table(), r.rows(), r.rawRate(), r.syncRate(), r.syncRate() / r.rawRate(),
                    r.syncRate() / rt.availableProcessors(), r.rawPeakHeap() >> 20, r.syncPeakHeap() >> 20, r.mode()));
        }
        out.append("\nreadDataPage latency (ms) by page index:\n\n");
        out.append("| table | first | 10 % | 25 % | 50 % | 75 % | 90 % | last | median | max |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Run r : runs) {
            List<Double> p = r.pageMillis();
            if (p.isEmpty()) {
                continue;
            }
            List<Double> sorted = new ArrayList<>(p);
            sorted.sort(null);
            out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n",
                    r.table(), p.get(0), at(p, 0.10), at(p, 0.25), at(p, 0.50), at(p, 0.75), at(p, 0.90),
                    p.get(p.size() - 1), at(sorted, 0.5), sorted.get(sorted.size() - 1)));
        }
        return out.toString();
    }

    private static double at(List<Double> values, double fraction) {
        return values.get((int) Math.min(values.size() - 1, Math.round(fraction * (values.size() - 1))));
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
