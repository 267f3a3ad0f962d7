package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first {@code --demo} start as a new user runs it (a fresh data directory, the embedded MariaDB unpacked and
 * initialised), in a JVM of its own and not on a terminal: standard error tells each phase as it begins, the
 * first at once; standard output has the start's five lines, and one line when a SIGTERM has stopped it.
 */
class ServerStartStopLinesTest {

    @Test
    void aFirstDemoStartTellsItsPhasesAndAStopSaysSo(@TempDir Path dir) throws Exception {
        long launched = System.nanoTime();
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", QuietStartTest.Probe.classPath(), Main.class.getName(), "--demo", "--port", "0",
                "--data-dir", dir.resolve("data").toString()).start();
        List<String> err = new CopyOnWriteArrayList<>();
        CompletableFuture<Long> firstProgress = new CompletableFuture<>();
        Thread errReader = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    firstProgress.complete(System.nanoTime());
                    err.add(line);
                }
            } catch (Exception e) {
                firstProgress.completeExceptionally(e);
            }
        });
        errReader.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String serving = out.readLine();
            assertTrue(serving != null && serving.startsWith("esa-bridge is serving https://"), serving + "\n" + err);
            for (int i = 0; i < 4; i++) {
                assertTrue(out.readLine() != null);
            }
            // Standard error is read on a thread of its own: wait for the line written before serving began.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!err.contains("esa-bridge: starting HTTPS ...") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long firstMillis = TimeUnit.NANOSECONDS.toMillis(firstProgress.get(60, TimeUnit.SECONDS) - launched);
            System.out.println("first progress line after " + firstMillis + " ms (JVM start included)");
            assertEquals("esa-bridge: " + StartProgress.FIRST_PHASE + " ...", err.get(0));
            assertTrue(err.indexOf("esa-bridge: unpacking the embedded MariaDB ...")
                    < err.indexOf("esa-bridge: initialising the embedded MariaDB (first start) ..."), err.toString());
            assertTrue(err.contains("esa-bridge: starting HTTPS ..."), err.toString());
            process.toHandle().destroy(); // SIGTERM, the streams left open
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals("esa-bridge stopped", out.readLine());
            assertEquals(null, out.readLine());
        } finally {
            process.destroyForcibly();
        }
        errReader.join();
    }
}
