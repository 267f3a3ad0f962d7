package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mode prints the same account of change capture as the HTTPS server does (issue 24: none was printed
 * outside it): {@code --connect} on standard output after its first line, the command-line ESA on standard error
 * (its standard output carries the protocol's documents only).
 */
class StartSummaryModesTest {
    private static final String SCHEMA = "start_summary_modes";

    private static final String CHANGES = "change capture: binlog - 1 structure(s), every committed change in commit"
            + " order from the binary log; 1 of them without a modification column, whose modified-at is the commit's"
            + " stamp in the change index";
    private static final String NOT_SERVED = "not served: 1 table(s) with no primary key and no unique key over NOT NULL"
            + " columns (keyless) - add one, or set structure.<table>.id-columns to columns that identify a row";

    /** {@code java … Main <args>} against a fresh schema with one served and one unservable table. */
    private static List<String> command(Path dir, String... args) {
        TestDatabase.freshSchema(SCHEMA);
        TestDatabase.exec(SCHEMA, "CREATE TABLE plain (id INT PRIMARY KEY, v INT)", "CREATE TABLE keyless (v INT)");
        Map<String, String> db = TestDatabase.settings(SCHEMA);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        command.addAll(List.of("--data-dir", dir.toString(),
                "--" + JdbcAdapterConfig.JDBC_URL, db.get(JdbcAdapterConfig.JDBC_URL),
                "--" + JdbcAdapterConfig.JDBC_USER, db.get(JdbcAdapterConfig.JDBC_USER),
                "--" + JdbcAdapterConfig.JDBC_PASSWORD, db.get(JdbcAdapterConfig.JDBC_PASSWORD)));
        return command;
    }

    @Test
    void connectPrintsTheCaptureSummaryAfterItsFirstLine(@TempDir Path dir) throws Exception {
        // A host that is not there: the ESA starts, prints its lines, and keeps trying; stopped once they are read.
        Process process = new ProcessBuilder(command(dir, "--connect", "https://127.0.0.1:9/esa",
                "--external-system-id", "summary"))
                .redirectError(dir.resolve("err").toFile()).start();
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch four = new java.util.concurrent.CountDownLatch(4);
        Thread reader = new Thread(() -> {
            try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                    process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                    four.countDown();
                }
            } catch (java.io.IOException e) {
                // the process was stopped
            }
        });
        reader.start();
        try {
            four.await(60, TimeUnit.SECONDS);
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            reader.join(10_000);
        }
        assertTrue(lines.size() >= 4, lines + "\n" + Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
        assertEquals("esa-bridge polls https://127.0.0.1:9/esa/next for calls", lines.get(0));
        assertEquals(CHANGES, lines.get(1));
        assertTrue(lines.get(2).startsWith("deletions: 1 from the binary log."), lines.get(2));
        assertEquals(NOT_SERVED, lines.get(3));
    }

    @Test
    void stdioPrintsTheCaptureSummaryOnStandardError(@TempDir Path dir) throws Exception {
        List<String> command = command(dir, "stdio");
        File out = dir.resolve("out").toFile();
        File err = dir.resolve("err").toFile();
        Process process = new ProcessBuilder(command).redirectOutput(out).redirectError(err)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the command-line ESA did not end at the end of its input");
        String errText = Files.readString(err.toPath(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), errText);
        assertEquals("", Files.readString(out.toPath(), StandardCharsets.UTF_8), "standard output is the protocol's");
        List<String> lines = errText.lines().toList();
        assertTrue(lines.contains(CHANGES), errText);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("deletions: 1 from the binary log.")), errText);
        assertTrue(lines.contains(NOT_SERVED), errText);
    }
}
