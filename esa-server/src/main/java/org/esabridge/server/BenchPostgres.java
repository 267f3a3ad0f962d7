package org.esabridge.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The private PostgreSQL 15 {@code bench --engine postgresql} runs against, from Debian's binaries
 * ({@code /usr/lib/postgresql/15/bin}) on a free loopback port, with {@code wal_level=logical} for log capture, as
 * the tests' {@code TestPostgres} starts one. PostgreSQL refuses to run as root, so as root it runs as the
 * {@code postgres} account, and its cluster lives in a fresh directory under the temp directory (the work
 * directory is usually under {@code /root}, which that account cannot enter) and is deleted when it stops; as
 * another user it lives in {@code <work-dir>/postgresql} and is kept, with its tables, between runs.
 */
final class BenchPostgres implements AutoCloseable {
    static final String SUPERUSER = "postgres";
    private static final Path BINARIES = Path.of("/usr/lib/postgresql/15/bin");

    private final Path dir;
    private final Path data;
    private final boolean root;
    private final boolean temporary;
    private final int port;

    private BenchPostgres(Path dir, boolean root, boolean temporary, int port) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.root = root;
        this.temporary = temporary;
        this.port = port;
    }

    static BenchPostgres start(Path workDir, String database) throws IOException, SQLException {
        if (!Files.isExecutable(BINARIES.resolve("initdb"))) {
            throw new IOException("no PostgreSQL 15 binaries in " + BINARIES + " (apt-get install postgresql-15),"
                    + " or give --jdbc-url of a running server");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir;
        if (root) {
            dir = Files.createTempDirectory("esa-bench-pg-");
            run(List.of("chown", "postgres:postgres", dir.toString()), false);
        } else {
            dir = Files.createDirectories(workDir.toAbsolutePath().resolve("postgresql"));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        BenchPostgres pg = new BenchPostgres(dir, root, root, port);
        if (!Files.exists(pg.data.resolve("PG_VERSION"))) {
            run(List.of(BINARIES.resolve("initdb").toString(), "-D", pg.data.toString(), "-U", SUPERUSER,
                    "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"), root);
        }
        // Durable settings as shipped (fsync on): the figures should be a server's, not a test server's.
        run(List.of(BINARIES.resolve("pg_ctl").toString(), "-D", pg.data.toString(), "-l", dir.resolve("log").toString(),
                "-w", "-t", "120", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir
                        + " -c wal_level=logical -c max_replication_slots=10 -c max_wal_senders=10",
                "start"), root);
        try (Connection c = DriverManager.getConnection(pg.url("postgres"), SUPERUSER, "");
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE " + database);
                }
            }
        } catch (SQLException e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    static Path psql() {
        return BINARIES.resolve("psql");
    }

    @Override
    public void close() {
        try {
            run(List.of(BINARIES.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"), root);
        } catch (IOException e) {
            System.err.println("bench: stopping PostgreSQL: " + e.getMessage());
        }
        if (temporary) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("bench: " + dir + " stays behind: " + e.getMessage());
            }
        }
    }

    private static void run(List<String> command, boolean asPostgres) throws IOException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }
}
