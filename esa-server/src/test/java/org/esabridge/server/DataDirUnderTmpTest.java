package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory below the system temp directory (containers and CI run there) keeps the embedded database
 * through a normal stop (issue 25 §1): {@code --demo} stopped by SIGTERM, {@code stdio --demo} ended by
 * {@code release}, then a second start finds the rows and the token of the first. Real processes: the JVM's
 * shutdown hooks are what deleted it.
 */
class DataDirUnderTmpTest {
    private static final String MARKER = "kept across stops";

    @TempDir
    Path tmp;

    @Test
    void theEmbeddedDatabaseSurvivesStopsAndRelease() throws Exception {
        Path data = tmp.resolve("data");

        Process first = serve(data);
        String token = Files.readString(data.resolve("auth").resolve("token")).strip();
        try (Connection c = embedded(data); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE customers SET name = '" + MARKER + "' WHERE id = 1");
        }
        stop(first);
        assertTrue(Files.isDirectory(data.resolve("mariadb").resolve("esa")), "the schema survives SIGTERM");

        Process stdio = java(List.of("stdio", "--demo", "--data-dir", data.toString()), data.resolve("stdio.err"));
        try (OutputStream in = stdio.getOutputStream()) {
            in.write(("<sync><esa-call call-id=\"1\"><release/></esa-call></sync>\n").getBytes(StandardCharsets.UTF_8));
        }
        String answer = new String(stdio.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(stdio.waitFor(120, TimeUnit.SECONDS), "stdio did not end after release");
        assertEquals(StdioEsa.EXIT_DONE, stdio.exitValue(), answer + Files.readString(data.resolve("stdio.err")));
        assertTrue(Files.isDirectory(data.resolve("mariadb").resolve("esa")), "the schema survives release");

        Process second = serve(data);
        try {
            assertEquals(token, Files.readString(data.resolve("auth").resolve("token")).strip());
            try (Connection c = embedded(data); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT name FROM customers WHERE id = 1")) {
                assertTrue(rs.next());
                assertEquals(MARKER, rs.getString(1));
            }
            try (Connection c = embedded(data); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables "
                         + "WHERE table_schema = 'esa' AND table_name LIKE 'esa\\_%'")) {
                rs.next();
                assertTrue(rs.getInt(1) > 0, "the esa_ state tables");
            }
        } finally {
            stop(second);
        }
    }

    /** {@code --demo --data-dir data} in a JVM of its own, once it serves. */
    private Process serve(Path data) throws Exception {
        Process process = java(List.of("--demo", "--data-dir", data.toString(), "--port", "0"),
                data.resolve("server.err"));
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<List<String>> started = CompletableFuture.supplyAsync(() -> {
            List<String> lines = new ArrayList<>();
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                    if (line.startsWith("esa-bridge is serving")) {
                        return lines;
                    }
                }
            } catch (IOException e) {
                lines.add(e.toString());
            }
            return lines;
        });
        List<String> lines = started.get(180, TimeUnit.SECONDS);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("esa-bridge is serving")),
                lines + Files.readString(data.resolve("server.err")));
        // Keep draining standard output so the process never blocks on a full pipe.
        CompletableFuture.runAsync(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the process ended
            }
        });
        return process;
    }

    private Process java(List<String> args, Path err) throws IOException {
        Files.createDirectories(err.getParent());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The data directory lies below the child's temp directory, whatever the test JVM's is.
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectError(err.toFile()).start();
    }

    /** SIGTERM, as a service manager or container runtime stops it. */
    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the server did not stop on SIGTERM");
    }

    /** The embedded server's own account, from the client option file it writes at each start. */
    private static Connection embedded(Path data) throws Exception {
        Properties cnf = new Properties();
        for (String line : Files.readAllLines(data.resolve("embedded-mariadb.cnf"))) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                cnf.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + cnf.getProperty("port") + "/esa",
                cnf.getProperty("user"), cnf.getProperty("password"));
    }
}
