package org.esabridge.testkit.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The second baseline: the {@code mariadb} command-line client's {@code --quick} read ({@code SELECT *}, rows
 * written as they come, nothing buffered) of the same table, its output read and counted by this process as
 * the wire-mode host reads the ESA's answers. The embedded MariaDB's own client is preferred; its build needs
 * libncurses5, which many machines lack, so the one on the PATH is used when it does not start. On PostgreSQL
 * ({@link #psql}) the baseline is {@code psql -c "COPY (SELECT * FROM t) TO STDOUT"}, one line a row in COPY's
 * text format (newlines inside values escaped), counted the same way.
 */
final class ClientBaseline {
    private final String binary;
    private final String host;
    private final int port;
    private final String schema;
    private final String user;
    private final String password;
    private final boolean copy;

    private ClientBaseline(String binary, String jdbcUrl, String user, String password) {
        this(binary, jdbcUrl, user, password, false);
    }

    private ClientBaseline(String binary, String jdbcUrl, String user, String password, boolean copy) {
        this.binary = binary;
        this.copy = copy;
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        this.host = uri.getHost();
        this.port = uri.getPort();
        this.schema = uri.getPath().substring(1);
        this.user = user;
        this.password = password;
    }

    /** The first candidate that starts, or null when none does. */
    static ClientBaseline find(Path embeddedClient, String jdbcUrl, String user, String password) {
        List<String> candidates = new ArrayList<>();
        if (embeddedClient != null && Files.isExecutable(embeddedClient)) {
            candidates.add(embeddedClient.toString());
        }
        candidates.add("mariadb");
        candidates.add("mysql");
        for (String candidate : candidates) {
            if (starts(candidate)) {
                return new ClientBaseline(candidate, jdbcUrl, user, password);
            }
        }
        return null;
    }

    /** PostgreSQL's COPY through {@code psql} ({@code binary}), or null when it does not start. */
    static ClientBaseline psql(Path binary, String jdbcUrl, String user, String password) {
        return binary != null && starts(binary.toString())
                ? new ClientBaseline(binary.toString(), jdbcUrl, user, password, true) : null;
    }

    private static boolean starts(String binary) {
        try {
            Process p = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String binary() {
        return binary;
    }

    /** The baseline's short name in the report's columns. */
    String label() {
        return copy ? "psql COPY" : "mariadb --quick";
    }

    /** The baseline's command, for the report. */
    String command() {
        return copy ? "`" + binary + " -X -A -t -c \"COPY (SELECT * FROM t) TO STDOUT\"`"
                : "`" + binary + " --quick --batch -e 'SELECT * FROM t'`";
    }

    private ProcessBuilder process(String table) {
        if (!copy) {
            ProcessBuilder pb = new ProcessBuilder(binary, "--no-defaults", "--quick", "--batch", "--skip-column-names",
                    "--protocol=TCP", "-h", host, "-P", Integer.toString(port), "-u", user, schema,
                    "-e", "SELECT * FROM " + table);
            // The password goes by the environment, not the command line that ps shows.
            pb.environment().put("MYSQL_PWD", password);
            return pb;
        }
        ProcessBuilder pb = new ProcessBuilder(binary, "-X", "-q", "-A", "-t", "-h", host, "-p", Integer.toString(port),
                "-U", user, "-d", schema, "-c", "COPY (SELECT * FROM " + table + ") TO STDOUT");
        pb.environment().put("PGPASSWORD", password);
        return pb;
    }

    /** Reads the whole table; returns the number of rows (lines) received. */
    long read(String table) throws IOException, InterruptedException {
        ProcessBuilder pb = process(table);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        long lines = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = p.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        if (p.waitFor() != 0) {
            throw new IOException(binary + " exited with " + p.exitValue() + " reading " + table);
        }
        return lines;
    }
}
