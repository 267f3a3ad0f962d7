package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a start prints on the terminal (issue 15): the start lines, warnings, errors and the call log; the
 * INFO lines go to {@code <data-dir>/esa-bridge.log} only, unless {@code --verbose}. Runs
 * {@link QuietStartProbe} in a JVM of its own and reads its standard output and error.
 */
class QuietStartTest {

    @Test
    void theTerminalShowsWarningsErrorsAndCallsWhileTheFileGetsEverything(@TempDir Path dir) throws Exception {
        Probe probe = Probe.run(dir);
        assertEquals(List.of("esa-bridge is serving https://localhost:8443/esa"), probe.out);
        List<String> lines = probe.errWithoutStackTrace();
        assertEquals(5, lines.size(), String.join("\n", probe.err));
        assertEquals("esa-server: not a log line", lines.get(0));
        assertTrue(lines.get(1).matches("\\S+ \\[main\\] WARN org.esabridge.jdbc.HostManagedSettings - .*"), lines.get(1));
        assertTrue(lines.get(2).endsWith(" INFO esa.calls - call-id=1 principal=token call=getStructureList outcome=ok"),
                lines.get(2));
        assertTrue(lines.get(3).endsWith(" ERROR org.esabridge.server.EsaServlet - call failed"), lines.get(3));
        assertEquals("java.lang.IllegalStateException: boom", lines.get(4));
        assertTrue(probe.err.stream().anyMatch(l -> l.startsWith("\tat org.esabridge.server.QuietStartProbe.main")));

        String log = Files.readString(dir.resolve("esa-bridge.log"), Charset.defaultCharset());
        for (String expected : List.of("INFO org.esabridge.server.Main - effective configuration: port=8443 ",
                " keystore-password=*** ", " jdbc-password=*** ", " verbose=false ", " demo=false ",
                "mariadbd: [Note]", "jetty-12", "WARN org.esabridge.jdbc.HostManagedSettings", "INFO esa.calls",
                "java.lang.IllegalStateException: boom", "esa-jdbc - Start completed.")) {
            assertTrue(log.contains(expected), expected + " in\n" + log);
        }
        assertFalse(log.contains("s3cret") || log.contains("hunter2"), log);
    }

    @Test
    void verbosePrintsTheInfoLinesToo(@TempDir Path dir) throws Exception {
        Probe probe = Probe.run(dir, "--verbose");
        List<String> lines = probe.errWithoutStackTrace();
        assertEquals(9, lines.size(), String.join("\n", probe.err));
        assertTrue(lines.get(0).contains(" INFO org.esabridge.server.Main - effective configuration: "), lines.get(0));
        assertTrue(lines.get(0).contains(" verbose=true "), lines.get(0));
        assertTrue(lines.get(1).endsWith("mariadbd: [Note] InnoDB: Using Linux native AIO"), lines.get(1));
        assertTrue(lines.get(3).endsWith(" INFO org.eclipse.jetty.server.Server - jetty-12.1.14; built: 2026-10-02"),
                lines.get(3));
        assertTrue(lines.get(8).endsWith(" INFO com.zaxxer.hikari.HikariDataSource - esa-jdbc - Start completed."),
                lines.get(8));
    }

    /** The probe's standard output and error, line by line. */
    record Probe(List<String> out, List<String> err) {
        private static final String SETTINGS = "simplelogger.properties";

        static Probe run(Path dataDir, String... flags) throws Exception {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", classPath(), QuietStartProbe.class.getName(),
                    "--data-dir", dataDir.toString(), "--keystore-password", "s3cret", "--jdbc-password", "hunter2"));
            command.addAll(List.of(flags));
            File out = dataDir.resolve("probe.out").toFile();
            File err = dataDir.resolve("probe.err").toFile();
            Process process = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe did not end");
            assertEquals(0, process.exitValue(), Files.readString(err.toPath(), Charset.defaultCharset()));
            return new Probe(Files.readAllLines(out.toPath(), Charset.defaultCharset()),
                    Files.readAllLines(err.toPath(), Charset.defaultCharset()));
        }

        /**
         * This JVM's class path without the test logging settings other modules' test resources bring
         * ({@code simplelogger.properties}): the probe logs as the jar does.
         */
        static String classPath() throws IOException {
            List<String> kept = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                if (!hasLoggingSettings(new File(entry))) {
                    kept.add(entry);
                }
            }
            return String.join(File.pathSeparator, kept);
        }

        private static boolean hasLoggingSettings(File entry) throws IOException {
            if (entry.isDirectory()) {
                return new File(entry, SETTINGS).exists();
            }
            try (JarFile jar = new JarFile(entry)) {
                return jar.getEntry(SETTINGS) != null;
            }
        }

        List<String> errWithoutStackTrace() {
            return err.stream().filter(line -> !line.startsWith("\tat ")).toList();
        }
    }
}
