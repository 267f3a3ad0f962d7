package org.esabridge.testkit.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
import org.esabridge.api.call.EsaCall;
import org.esabridge.api.xml.EsaCallWriter;
import org.esabridge.testkit.EsaClient;
import org.esabridge.testkit.EsaTransport;
import org.esabridge.testkit.HttpsTransport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: on generated tables of N rows, with and without an index on the modification column, measures
 * in one run two baselines — the {@code mariadb} command-line client's {@code --quick} read of the table and a
 * raw JDBC streaming read — and a full paged sync of it through HTTPS (getModified → NULL → getModifiedPaged →
 * every readDataPage → closeCursor) by three hosts: one in this JVM that only counts {@code <record>} tags as the
 * bytes arrive (wire mode), the same count of what {@code curl} in a process of its own receives (curl mode,
 * {@link CurlHost}: the ESA's CPU apart from its host's, as on a host on another machine), and one that parses
 * every record (parse mode, as a real host does).
 * Reports rows/s, ratios to the baselines, the heap high-water of each phase, the load average, and
 * readDataPage latency by page index. With {@code --engine postgresql} the same on PostgreSQL with log capture,
 * against {@code psql}'s {@code COPY … TO STDOUT} instead of the mariadb client, followed by the log reader's
 * fence latency and catch-up ({@link PostgresCapture}). Not a test: numbers depend on the machine, so they are written down, not
 * asserted.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks a full paged ESA sync over HTTPS against the mariadb client's --quick read and a raw "
                + "JDBC read of generated tables. Run with -Xmx256m to check the memory target.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--rows", split = ",", defaultValue = "200000,1000000", paramLabel = "N",
            description = "Table sizes. Default: ${DEFAULT-VALUE}.")
    List<Long> rows;

    @Option(names = "--shapes", split = ",", defaultValue = "contact,wide", paramLabel = "SHAPE",
            description = "narrow (4 columns), contact (8 columns) and/or wide (24 columns). Default: ${DEFAULT-VALUE}.")
    List<String> shapes;

    @Option(names = "--index", split = ",", defaultValue = "with,without", paramLabel = "WITH|WITHOUT",
            description = "Tables with and/or without an index on (modified_at, id). Default: ${DEFAULT-VALUE}.")
    List<String> index;

    @Option(names = "--host", split = ",", defaultValue = "wire,curl,parse", paramLabel = "MODE",
            description = "wire (count <record> tags in this JVM, no parse), curl (curl in its own process fetches the "
                    + "pages, its output counted here: the ESA's CPU measured apart from the host's) and/or parse "
                    + "(every record parsed). Default: ${DEFAULT-VALUE}.")
    List<String> hosts;

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

    @Option(names = "--engine", defaultValue = "mariadb", paramLabel = "ENGINE",
            description = "mariadb (embedded; baseline mariadb --quick) or postgresql (a private PostgreSQL 15 from "
                    + "/usr/lib/postgresql/15/bin, or --jdbc-url; log capture; baseline psql COPY … TO STDOUT, and "
                    + "the reader's catch-up and fence latency). Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--jdbc-url", paramLabel = "URL",
            description = "--engine postgresql: an existing server's database to generate the tables in (wal_level="
                    + "logical, an account with REPLICATION) instead of a private server: the bench_* tables and the "
                    + "adapter's esa schema stay there, the slot and publication esa_bench are dropped at the end. "
                    + "The password is read from the environment variable " + PASSWORD_VARIABLE + ".")
    String jdbcUrl;

    @Option(names = "--jdbc-user", defaultValue = "postgres", paramLabel = "USER",
            description = "The account for --jdbc-url. Default: ${DEFAULT-VALUE}.")
    String jdbcUser;

    @Spec
    CommandSpec spec;

    /**
     * Rows of the warm-up table: enough for the JIT to compile the sync's paths fully. With 20,000, the first measured
     * 1M-row sync still spent 1.5–1.7 µs more ESA CPU a row than a second sync of the same table (the compiler's
     * threads count as the ESA's). A size no run measures, so that the warm-up reads none of the measured tables.
     */
    private static final long WARM_UP_ROWS = 150_000;
    private static final String PASSWORD_VARIABLE = "ESA_BENCH_JDBC_PASSWORD";

    private final BenchEnvironment environment;
    /** A second ESA that answers every getModified inline, started only when the paged calls are missing. */
    private BenchEnvironment.Esa inlineEsa;
    private ClientBaseline client;
    /** The host in a process of its own; null when curl is not asked for or does not start. */
    private CurlHost curl;

    /** The three hosts of a sync (see the class comment). */
    private enum Host { WIRE, CURL, PARSE }

    public BenchCommand(BenchEnvironment environment) {
        this.environment = environment;
    }

    /**
     * One host's full sync of one table. {@code cpuSeconds}: CPU time of this JVM (ESA and, but for curl, the host)
     * during the sync; on a machine shared with other work it moves far less than the wall-clock rate. {@code
     * esaCpuSeconds}: the ESA's alone (curl host: this JVM's less the thread that counts curl's output; NaN for the
     * hosts in this JVM); {@code hostCpuSeconds}: curl's (NaN for the others); {@code databaseCpuSeconds}: the
     * database server's, when this JVM started it (else NaN).
     */
    record Sync(long rows, double seconds, long peakHeap, String mode, List<Double> pageMillis, double cpuSeconds,
                double esaCpuSeconds, double hostCpuSeconds, double databaseCpuSeconds) {
        double rate() {
            return rows / seconds;
        }

        double cpuMicrosPerRow() {
            return cpuSeconds * 1e6 / rows;
        }
    }

    /**
     * The client baseline's CPU per row: the {@code mariadb} (or {@code psql}) process's own and the database
     * server's while it read, each NaN when not measured.
     */
    record ClientCpu(double clientMicrosPerRow, double databaseMicrosPerRow) {
    }

    /**
     * One table's figures; a sync or the client baseline is null when not measured. {@code settleSeconds}: from
     * the table's generation to a getCurrentTime answered (the binary-log reader indexing the generated rows), kept
     * out of the syncs; {@code incremental}: a wire sync of the 1 % of rows changed after the full sync;
     * {@code smallCalls}: latencies (ms) of inline getModified calls of {@value #SMALL_CHANGE} changed rows.
     */
    record Run(String table, long rows, String load, double rawRate, long rawPeakHeap, Double clientRate,
               String clientSpread, Sync wire, Sync parse, double settleSeconds, Sync incremental,
               List<Double> smallCalls, Sync curl, ClientCpu clientCpu) {
    }

    private static final int SMALL_CHANGE = 20;
    private static final int SMALL_CALLS = 100;

    @Override
    public Integer call() throws Exception {
        if (!verbose) {
            // slf4j-simple reads this when the first logger is made, which is after this point in this command.
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        for (String shape : shapes) {
            if (!BenchTables.SHAPES.contains(shape)) {
                throw new IllegalArgumentException("--shapes: one of " + BenchTables.SHAPES + ", not " + shape);
            }
        }
        for (String i : index) {
            if (!i.equals("with") && !i.equals("without")) {
                throw new IllegalArgumentException("--index: with or without, not " + i);
            }
        }
        for (String h : hosts) {
            if (!h.equals("wire") && !h.equals("curl") && !h.equals("parse")) {
                throw new IllegalArgumentException("--host: wire, curl or parse, not " + h);
            }
        }
        if (!engine.equals("mariadb") && !engine.equals("postgresql")) {
            throw new IllegalArgumentException("--engine: mariadb or postgresql, not " + engine);
        }
        boolean postgres = engine.equals("postgresql");
        List<Run> runs = new ArrayList<>();
        String esaDescription;
        PostgresCapture.Figures capture = null;
        try (BenchEnvironment.Database db = environment.startDatabase(workDir, engine, jdbcUrl, jdbcUser,
                System.getenv().getOrDefault(PASSWORD_VARIABLE, ""));
             BenchEnvironment.Esa esa = environment.startEsa(db, workDir, Map.of("page-size", Integer.toString(pageSize)))) {
            esaDescription = esa.description();
            client = postgres ? ClientBaseline.psql(db.psqlClient(), db.jdbcUrl(), db.user(), db.password())
                    : ClientBaseline.find(db.mariadbClient(), db.jdbcUrl(), db.user(), db.password());
            curl = hosts.contains("curl") ? CurlHost.find() : null;
            if (hosts.contains("curl") && curl == null) {
                esaDescription += "; curl did not start, so there is no curl host";
            }
            try {
                settle(esa);
                warmUp(db, esa);
                for (long n : rows) {
                    for (String shape : shapes) {
                        for (String i : index) {
                            runs.add(run(db, esa, shape, i.equals("with"), n));
                        }
                    }
                }
                if (postgres) {
                    // Last: it stops this ESA (stopping twice is harmless) to write while no reader runs.
                    capture = new PostgresCapture(environment, workDir, Map.of("page-size", Integer.toString(pageSize)))
                            .measure(db, esa, BenchTables.name(shapes.get(0), index.get(0).equals("with"), rows.get(0)));
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
        if (capture != null) {
            report += capture.report();
        }
        Path chart = chartFile();
        Files.writeString(chart, BenchChart.svg("Full sync" + (postgres ? " on PostgreSQL" : "")
                + ", rows/s by table (esa-testkit bench)", bars(runs), postgres ? "psql COPY" : "mariadb --quick"),
                StandardCharsets.UTF_8);
        Path shown = appendTo == null ? chart : appendTo.toAbsolutePath().getParent().relativize(chart.toAbsolutePath());
        report += "\n![rows/s by table: " + (postgres ? "psql COPY" : "mariadb --quick")
                + ", raw JDBC, ESA wire and parse syncs](" + shown + ")\n";
        System.out.print(report);
        if (appendTo != null) {
            Files.writeString(appendTo, report, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return 0;
    }

    /**
     * Unreported syncs of a warm-up table by each host, so that the first measured table does not carry the
     * JIT's warm-up (its first pages took ten times the later ones).
     */
    private void warmUp(BenchEnvironment.Database db, BenchEnvironment.Esa esa) throws Exception {
        String table = BenchTables.name(shapes.get(0), true, WARM_UP_ROWS);
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            ensureTable(db, c, shapes.get(0), true, WARM_UP_ROWS);
        }
        settle(esa);
        for (int i = 0; i < 2; i++) {
            sync(db, esa, table, Host.WIRE);
            sync(db, esa, table, Host.PARSE);
            if (curl != null) {
                sync(db, esa, table, Host.CURL);
            }
        }
    }

    private static void ensureTable(BenchEnvironment.Database db, Connection c, String shape, boolean modIndex, long n)
            throws java.sql.SQLException {
        if (db.engine().equals("postgresql")) {
            PostgresBenchTables.ensure(c, shape, modIndex, n);
        } else {
            BenchTables.ensure(c, shape, modIndex, n);
        }
    }

    /** What an update of a bench table adds to its SET clause: nothing where the column updates itself. */
    static String touch(BenchEnvironment.Database db) {
        return db.engine().equals("postgresql") ? PostgresBenchTables.touch() : "";
    }

    private Run run(BenchEnvironment.Database db, BenchEnvironment.Esa esa, String shape, boolean modIndex, long n)
            throws Exception {
        String table = BenchTables.name(shape, modIndex, n);
        System.err.printf(Locale.ROOT, "%s: preparing%n", table);
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            ensureTable(db, c, shape, modIndex, n);
        }
        // Every measurement starts with the change capture caught up: a getCurrentTime in binlog mode answers once
        // the reader has indexed every row generated above, which would otherwise be timed as part of the sync.
        long s0 = System.nanoTime();
        settle(esa);
        double settleSeconds = seconds(System.nanoTime() - s0);
        String load = loadAverage();

        Double clientRate = null;
        String clientSpread = "–";
        ClientCpu clientCpu = new ClientCpu(Double.NaN, Double.NaN);
        if (client != null) {
            System.err.printf(Locale.ROOT, "%s: %s%n", table, db.engine().equals("postgresql") ? client.label()
                    : client.binary() + " --quick");
            double own0 = ProcessCpu.childrenSeconds();
            double db0 = databaseCpu();
            long t0 = System.nanoTime();
            long lines = client.read(table);
            clientRate = lines / seconds(System.nanoTime() - t0);
            clientCpu = new ClientCpu((ProcessCpu.childrenSeconds() - own0) * 1e6 / lines,
                    (databaseCpu() - db0) * 1e6 / lines);
        }

        System.err.printf(Locale.ROOT, "%s: raw JDBC read%n", table);
        HeapPeak.reset();
        long rawRows = 0;
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            if (db.engine().equals("postgresql")) {
                c.setAutoCommit(false); // PgJDBC honours the fetch size only inside a transaction
            }
            s.setFetchSize(fetchSize);
            long chars = 0;
            try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    rawRows++;
                    for (int i = 1; i <= columns; i++) {
                        String v = rs.getString(i);
                        chars += v == null ? 0 : v.length();
                    }
                }
            }
        }
        double rawRate = rawRows / seconds(System.nanoTime() - t0);
        long rawPeak = HeapPeak.bytes();

        Sync wire = hosts.contains("wire") ? sync(db, esa, table, Host.WIRE) : null;
        Sync curlSync = curl != null ? sync(db, esa, table, Host.CURL) : null;
        Sync parse = hosts.contains("parse") ? sync(db, esa, table, Host.PARSE) : null;
        if (client != null) {
            // Alternated: the client again after the syncs, so that the ratio's baseline is the mean of the client
            // before and after them (on a shared machine either one alone moved by half).
            long t1 = System.nanoTime();
            long lines = client.read(table);
            double after = lines / seconds(System.nanoTime() - t1);
            clientSpread = String.format(Locale.ROOT, "%,.0f / %,.0f", clientRate, after);
            clientRate = (clientRate + after) / 2;
        }
        Sync incremental = incremental(db, esa, table, n);
        List<Double> smallCalls = smallCalls(db, esa, table);
        System.err.printf(Locale.ROOT, "%s: " + (db.engine().equals("postgresql") ? "psql COPY" : "mariadb")
                + " %s rows/s, raw JDBC %,.0f rows/s, wire %s, curl %s, parse %s (load %s)%n",
                table, clientRate == null ? "-" : String.format(Locale.ROOT, "%,.0f", clientRate), rawRate,
                wire == null ? "-" : String.format(Locale.ROOT, "%,.0f rows/s %.1f µs CPU/row", wire.rate(),
                        wire.cpuMicrosPerRow()),
                curlSync == null ? "-" : String.format(Locale.ROOT, "%,.0f rows/s, ESA %.2f µs CPU/row", curlSync.rate(),
                        curlSync.esaCpuSeconds() * 1e6 / curlSync.rows()),
                parse == null ? "-" : String.format(Locale.ROOT, "%,.0f rows/s", parse.rate()), load);
        return new Run(table, n, load, rawRate, rawPeak, clientRate, clientSpread, wire, parse, settleSeconds,
                incremental, smallCalls, curlSync, clientCpu);
    }

    private Sync sync(BenchEnvironment.Database db, BenchEnvironment.Esa esa, String table, Host host)
            throws Exception {
        return sync(db, esa, table, host, Instant.EPOCH);
    }

    private Sync sync(BenchEnvironment.Database db, BenchEnvironment.Esa esa, String table, Host host, Instant after)
            throws Exception {
        System.err.printf(Locale.ROOT, "%s: %s sync through %s%n", table, host.name().toLowerCase(Locale.ROOT),
                esa.url());
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
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        long thread0 = threadCpuNanos();
        double curl0 = ProcessCpu.childrenSeconds();
        double db0 = databaseCpu();
        try {
            mode = sync(db, esa, table, after, sink, synced, host, pageMillis);
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
            cpu0 = processCpuNanos();
            thread0 = threadCpuNanos();
            curl0 = ProcessCpu.childrenSeconds();
            db0 = databaseCpu();
            host = Host.PARSE;
            mode = sync(db, inlineEsa, table, after, sink, synced, host, pageMillis) + " (paged calls NOT_SUPPORTED)";
        }
        double wall = seconds(System.nanoTime() - t0);
        double cpu = seconds(processCpuNanos() - cpu0);
        // The curl host's thread here only counts curl's output (and makes the few calls around the pages).
        double esaCpu = host == Host.CURL ? cpu - seconds(threadCpuNanos() - thread0) : Double.NaN;
        double hostCpu = host == Host.CURL ? ProcessCpu.childrenSeconds() - curl0 : Double.NaN;
        return new Sync(synced[0], wall, HeapPeak.bytes(), mode, pageMillis, cpu, esaCpu, hostCpu,
                databaseCpu() - db0);
    }

    /** CPU seconds of the database server this JVM started, NaN for one it did not. */
    private static double databaseCpu() {
        return ProcessCpu.databaseServer().map(ProcessCpu::ofTree).orElse(Double.NaN);
    }

    /**
     * startSync … release, reading every record of the table; the mode says which way the records came. In wire
     * mode the pages are posted as documents and their records counted in the bytes.
     */
    private String sync(BenchEnvironment.Database db, BenchEnvironment.Esa esa, String table, Instant after,
                        ResultSink sink, long[] synced, Host host, List<Double> pageMillis) throws Exception {
        boolean wire = host == Host.WIRE;
        HttpsTransport transport = new HttpsTransport(esa.url(), esa.tls(), Duration.ofMinutes(10), null);
        EsaClient client = EsaClient.over(transport);
        RecordCounter counter = new RecordCounter();
        long c0 = System.nanoTime();
        client.startSync("esa-bench");
        long c1 = System.nanoTime();
        client.getCurrentTime();
        long c2 = System.nanoTime();
        String mode;
        try {
            boolean inline = client.getModified(table, after, sink);
            long c3 = System.nanoTime();
            System.err.printf(Locale.ROOT, "%s: startSync %.1f ms, getCurrentTime %.1f ms, getModified %.1f ms%n", table,
                    (c1 - c0) / 1e6, (c2 - c1) / 1e6, (c3 - c2) / 1e6);
            if (inline) {
                mode = "inline getModified";
            } else {
                Cursor cursor = client.getModifiedPaged(table, after);
                System.err.printf(Locale.ROOT, "%s: getModifiedPaged %.1f ms%n", table, (System.nanoTime() - c3) / 1e6);
                mode = "paged, " + cursor.pageCount() + " pages of " + cursor.pageSize() + ", "
                        + plan(db, cursor.cursorId());
                try {
                    if (host == Host.CURL) {
                        CurlHost.Pages pages = curl.fetch(esa.url(), cursor.cursorId(), cursor.pageCount(), workDir);
                        if (pages.counted().fault() || pages.counted().records() != cursor.total()) {
                            throw new EsaException(ErrorCode.INTERNAL, "curl read " + pages.counted().records()
                                    + " records of " + cursor.total() + " from the pages of " + table
                                    + (pages.counted().fault() ? ", and a fault" : ""));
                        }
                        synced[0] += pages.counted().records();
                    }
                    for (long p = 0; host != Host.CURL && p < cursor.pageCount(); p++) {
                        long p0 = System.nanoTime();
                        if (wire) {
                            ByteArrayOutputStream doc = new ByteArrayOutputStream(256);
                            EsaCallWriter.write(doc, "page-" + p, new EsaCall.ReadDataPage(cursor.cursorId(), p));
                            EsaTransport.Answer answer = transport.exchange(doc.toByteArray(), "application/xml; charset=UTF-8");
                            RecordCounter.Counted counted;
                            try (InputStream in = answer.body()) {
                                counted = counter.count(in);
                            }
                            if (answer.status() != 200 || counted.fault()) {
                                throw new EsaException(ErrorCode.INTERNAL, "readDataPage " + p + " of " + table
                                        + " failed (HTTP " + answer.status() + ")");
                            }
                            synced[0] += counted.records();
                        } else {
                            client.readDataPage(cursor.cursorId(), p, sink);
                        }
                        pageMillis.add((System.nanoTime() - p0) / 1e6);
                    }
                    if (cursor.pageCount() <= 3) {
                        System.err.printf(Locale.ROOT, "%s: readDataPage ms %s%n", table, pageMillis);
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

    /**
     * Waits, through getCurrentTime, until the change capture has caught up with the database; a reader indexing a
     * million generated rows outlasts one fence's time-out, so DATABASE_UNAVAILABLE is asked again (for 30 minutes).
     */
    static void settle(BenchEnvironment.Esa esa) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        EsaClient client = EsaClient.over(new HttpsTransport(esa.url(), esa.tls(), Duration.ofMinutes(10), null));
        client.startSync("esa-bench-settle");
        try {
            while (true) {
                try {
                    client.getCurrentTime();
                    return;
                } catch (EsaException e) {
                    if (e.code() != ErrorCode.DATABASE_UNAVAILABLE || System.nanoTime() > deadline) {
                        throw e;
                    }
                }
            }
        } finally {
            client.release();
        }
    }

    /** How the ESA cuts the cursor's pages ({@code esa_cursor.page_plan}: id ranges or the modification index). */
    private static String plan(BenchEnvironment.Database db, String cursorId) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT page_plan FROM " + db.stateTable("esa_cursor")
                     + " WHERE id = ?")) {
            ps.setString(1, cursorId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "plan ?";
            }
        } catch (java.sql.SQLException e) {
            return "plan ?";
        }
    }

    /**
     * Changes 1 % of the rows (every hundredth id) and times the wire sync of the changes after the moment
     * before: an incremental sync, which walks the modification index when there is one (or the change index).
     */
    private Sync incremental(BenchEnvironment.Database db, BenchEnvironment.Esa esa, String table, long n)
            throws Exception {
        Instant before = currentTime(esa);
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + table + " SET amount = amount + 1" + touch(db) + " WHERE "
                    + (db.engine().equals("postgresql") ? "id % 100 = 0" : "id MOD 100 = 0"));
        }
        settle(esa);
        return sync(db, esa, table, Host.WIRE, before);
    }

    /**
     * Changes {@value #SMALL_CHANGE} rows, then times {@value #SMALL_CALLS} inline getModified calls of them one
     * after the other, each a whole exchange over a kept connection (its getCurrentTime fence included when the
     * ESA captures from the binary log).
     */
    private List<Double> smallCalls(BenchEnvironment.Database db, BenchEnvironment.Esa esa, String table)
            throws Exception {
        Instant before = currentTime(esa);
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + table + " SET amount = amount + 1" + touch(db) + " WHERE id <= "
                    + SMALL_CHANGE);
        }
        settle(esa);
        EsaClient client = EsaClient.over(new HttpsTransport(esa.url(), esa.tls(), Duration.ofMinutes(10), null));
        client.startSync("esa-bench-small");
        List<Double> millis = new ArrayList<>();
        try {
            for (int i = 0; i < SMALL_CALLS; i++) {
                long[] got = new long[1];
                long t0 = System.nanoTime();
                boolean inline = client.getModified(table, before, new ResultSink() {
                    @Override
                    public void record(ExternalRecord r) {
                        got[0]++;
                    }

                    @Override
                    public void id(String id) {
                    }
                });
                millis.add((System.nanoTime() - t0) / 1e6);
                if (!inline || got[0] < SMALL_CHANGE) {
                    throw new EsaException(ErrorCode.INTERNAL, "small getModified of " + table + ": " + got[0]
                            + " records, inline " + inline);
                }
            }
        } finally {
            client.release();
        }
        return millis;
    }

    static Instant currentTime(BenchEnvironment.Esa esa) throws Exception {
        EsaClient client = EsaClient.over(new HttpsTransport(esa.url(), esa.tls(), Duration.ofMinutes(10), null));
        client.startSync("esa-bench-time");
        try {
            return client.getCurrentTime();
        } finally {
            client.release();
        }
    }

    private static long threadCpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Beside the report it is appended to (named by the time), else in the work directory. */
    private Path chartFile() throws IOException {
        if (appendTo != null) {
            String stem = appendTo.getFileName().toString().replaceFirst("\\.md$", "");
            String stamp = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "").replace("-", "");
            return appendTo.toAbsolutePath().resolveSibling(stem + "-chart-" + stamp + ".svg");
        }
        Files.createDirectories(workDir);
        return workDir.resolve("bench-chart.svg");
    }

    private static List<BenchChart.Bar> bars(List<Run> runs) {
        List<BenchChart.Bar> bars = new ArrayList<>();
        for (Run r : runs) {
            bars.add(new BenchChart.Bar(r.table(), r.clientRate(), r.rawRate(),
                    r.wire() == null ? null : r.wire().rate(), r.parse() == null ? null : r.parse().rate()));
        }
        return bars;
    }

    private String report(List<Run> runs, String esaDescription) {
        Runtime rt = Runtime.getRuntime();
        StringBuilder out = new StringBuilder();
        boolean postgres = engine.equals("postgresql");
        String baseline = postgres ? "psql COPY" : "mariadb --quick";
        String per = postgres ? "COPY" : "mariadb";
        out.append(String.format(Locale.ROOT, "%n## Paged sync vs %s and raw JDBC%s (esa-testkit bench, %s)%n%n",
                baseline, postgres ? " on PostgreSQL" : "", Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        out.append("Command: `java ").append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()
                .stream().filter(a -> a.startsWith("-Xm")).toList())).append(" -jar esa-server/target/esa-server.jar ")
                .append(String.join(" ", spec.commandLine().getParseResult().originalArgs())).append("`  \n");
        out.append(String.format(Locale.ROOT, "Machine: %d cores visible to the JVM, Java %s, max heap %d MiB.  %n",
                rt.availableProcessors(), System.getProperty("java.version"), rt.maxMemory() >> 20));
        out.append("ESA: ").append(esaDescription).append(".  \n");
        out.append("Baselines: ").append(client == null ? (postgres ? "`psql (not found)`"
                        : "`mariadb (not found) --quick --batch -e 'SELECT * FROM t'`")
                        : client.command())
                .append(", its output counted by this JVM; raw JDBC: one `SELECT *` "
                        + "with fetch size ").append(fetchSize).append(", every column read with getString. Sync: "
                        + "startSync, getCurrentTime, getModified (NULL), getModifiedPaged, every readDataPage in order, "
                        + "closeCursor, endSync, release; wire host: counts `<record>` tags in the bytes; curl host: the "
                        + "pages fetched by one `curl --config` (a section per readDataPage, one kept-alive connection, "
                        + "`-k`), its output counted by this JVM; parse host: "
                        + "every field of every record parsed and touched. Load: the 1- and 5-minute load average when "
                        + "the table's measurements began.\n\n");
        out.append("| table | rows | " + baseline + " rows/s (mean; before / after the syncs) | raw JDBC rows/s | wire rows/s | wire ÷ " + per + " | wire s "
                + "| wire JVM CPU µs/row | parse rows/s | parse ÷ " + per + " | peak heap raw / wire / parse (MiB) | mode | load |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (Run r : runs) {
            Sync any = r.wire() != null ? r.wire() : r.parse();
            out.append(String.format(Locale.ROOT, "| %s | %,d | %s | %,.0f | %s | %s | %s | %s | %s | %s | %d / %s / %s | %s | %s |%n",
                    r.table(), r.rows(), r.clientRate() == null ? "–"
                            : String.format(Locale.ROOT, "%,.0f (%s)", r.clientRate(), r.clientSpread()),
                    r.rawRate(), rate(r.wire()), ratio(r.wire(), r.clientRate()),
                    r.wire() == null ? "–" : String.format(Locale.ROOT, "%.1f", r.wire().seconds()),
                    r.wire() == null ? "–" : String.format(Locale.ROOT, "%.1f", r.wire().cpuMicrosPerRow()),
                    rate(r.parse()), ratio(r.parse(), r.clientRate()), r.rawPeakHeap() >> 20, heap(r.wire()),
                    heap(r.parse()), any == null ? "–" : any.mode(), r.load()));
        }
        out.append("\nCPU per row (µs) by process: the ").append(per).append(" client and the database server while it "
                + "read; the full sync by the curl host (curl in a process of its own, as a host on another machine): its "
                + "rate, the ESA alone (this JVM less the thread counting curl's output), curl, the database server; and "
                + "this JVM during the wire host's sync (ESA and host together):\n\n");
        out.append("| table | " + per + " client | database while " + per + " read | curl rows/s | curl ÷ " + per
                + " | ESA (curl host) | curl | database (curl host) | JVM (wire host) |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Run r : runs) {
            Sync c = r.curl();
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.table(),
                    micros(r.clientCpu().clientMicrosPerRow()), micros(r.clientCpu().databaseMicrosPerRow()), rate(c),
                    ratio(c, r.clientRate()), c == null ? "–" : micros(c.esaCpuSeconds() * 1e6 / c.rows()),
                    c == null ? "–" : micros(c.hostCpuSeconds() * 1e6 / c.rows()),
                    c == null ? "–" : micros(c.databaseCpuSeconds() * 1e6 / c.rows()),
                    r.wire() == null ? "–" : micros(r.wire().cpuMicrosPerRow())));
        }
        out.append("\nIncremental sync (1 % of the rows changed after the full syncs, wire host) and small calls (")
                .append(SMALL_CALLS).append(" inline getModified of ").append(SMALL_CHANGE).append(" changed rows, one "
                        + "after another); settle: from the table's generation to a getCurrentTime answered (the change "
                        + "capture indexing the generated rows, not part of any sync):\n\n");
        out.append("| table | incremental rows | incremental s | incremental rows/s | mode | small call p50 ms | p99 ms "
                + "| max ms | settle s |\n");
        out.append("|---|---:|---:|---:|---|---:|---:|---:|---:|\n");
        for (Run r : runs) {
            List<Double> sorted = new ArrayList<>(r.smallCalls());
            sorted.sort(null);
            Sync inc = r.incremental();
            out.append(String.format(Locale.ROOT, "| %s | %,d | %.2f | %s | %s | %.1f | %.1f | %.1f | %.1f |%n", r.table(),
                    inc.rows(), inc.seconds(), rate(inc), inc.mode(), at(sorted, 0.5), at(sorted, 0.99),
                    sorted.get(sorted.size() - 1), r.settleSeconds()));
        }
        out.append("\nreadDataPage latency (ms) by page index, ").append(hosts.contains("wire") ? "wire" : "parse")
                .append(" host:\n\n");
        out.append("| table | first | 10 % | 25 % | 50 % | 75 % | 90 % | last | median | max |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Run r : runs) {
            Sync any = r.wire() != null ? r.wire() : r.parse();
            List<Double> p = any == null ? List.of() : any.pageMillis();
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

    private static String rate(Sync s) {
        return s == null ? "–" : String.format(Locale.ROOT, "%,.0f", s.rate());
    }

    private static String ratio(Sync s, Double baseline) {
        return s == null || baseline == null ? "–" : String.format(Locale.ROOT, "%.2f", s.rate() / baseline);
    }

    private static String micros(double m) {
        return Double.isNaN(m) ? "–" : String.format(Locale.ROOT, "%.2f", m);
    }

    private static String heap(Sync s) {
        return s == null ? "–" : Long.toString(s.peakHeap() >> 20);
    }

    private static double at(List<Double> values, double fraction) {
        return values.get((int) Math.min(values.size() - 1, Math.round(fraction * (values.size() - 1))));
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
