package org.esabridge.testkit.postgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of one process's own, from the machine's binaries (Debian's {@code postgresql} package, which
 * {@code .ci/run} installs), on a free loopback port with its socket inside its own directory and
 * {@code wal_level=logical} for log capture: the tests' server and the bench's. PostgreSQL refuses to run as root, so
 * as root it runs as the {@code postgres} account the package creates (its directory must then be one that account
 * can enter). The superuser is {@code postgres}, trusted on loopback.
 */
public final class PrivatePostgres implements AutoCloseable {
    /** The superuser of a private server. */
    public static final String SUPERUSER = "postgres";

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final boolean root;
    private final int port;

    private PrivatePostgres(Path bin, Path dir, boolean root, int port) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.root = root;
        this.port = port;
    }

    /**
     * Starts a server with its cluster in {@code dir}/data (made by initdb when there is none yet).
     *
     * @param durable  false for a test server: no fsync, no synchronous commit, no full-page writes
     * @param settings further {@code -c} settings, e.g. {@code max_connections=300}
     */
    public static PrivatePostgres start(Path dir, boolean durable, List<String> settings) throws IOException {
        Path bin = installedBinaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run(List.of("chown", "postgres:postgres", dir.toString()), false);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PrivatePostgres pg = new PrivatePostgres(bin, dir, root, port);
        if (!Files.exists(pg.data.resolve("PG_VERSION"))) {
            List<String> initdb = new ArrayList<>(List.of(bin.resolve("initdb").toString(), "-D", pg.data.toString(),
                    "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"));
            if (!durable) {
                initdb.add("--no-sync");
            }
            run(initdb, root);
        }
        StringBuilder options = new StringBuilder("-p " + port + " -c listen_addresses=127.0.0.1"
                + " -c unix_socket_directories=" + dir + " -c wal_level=logical");
        if (!durable) {
            options.append(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        settings.forEach(s -> options.append(" -c ").append(s));
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", pg.data.toString(), "-l", dir.resolve("log").toString(),
                "-w", "-t", "120", "-o", options.toString(), "start"), root);
        return pg;
    }

    /** The JDBC URL of a database of this server. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The directory of the binaries this server runs (psql is there too). */
    public Path binaries() {
        return bin;
    }

    /** Stops the server at once (as a crash would; the cluster recovers at its next start). */
    public void stopImmediately() throws IOException {
        stop("immediate");
    }

    /** Stops the server, letting it finish its sessions' work. */
    @Override
    public void close() throws IOException {
        stop("fast");
    }

    private void stop(String mode) throws IOException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", mode, "-w", "stop"), root);
    }

    /** Deletes a directory and everything under it; what cannot be deleted stays. */
    public static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // nothing to do: a temp directory left behind
        }
    }

    /** The newest installed PostgreSQL's bin directory (Debian: /usr/lib/postgresql/N/bin). */
    private static Path installedBinaries() throws IOException {
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Path newest = versions.filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", "0"))))
                        .orElse(null);
                if (newest != null) {
                    return newest.resolve("bin");
                }
            }
        }
        throw new IOException("no PostgreSQL binaries under /usr/lib/postgresql (apt-get install postgresql)");
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
