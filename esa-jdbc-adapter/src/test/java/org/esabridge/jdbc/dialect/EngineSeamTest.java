package org.esabridge.jdbc.dialect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine seam (issue 21, docs/design.md "The engine seam"): no source file of the adapter outside an engine's
 * package names an engine — not in code, not in a comment — so that a third database is a new package and its test
 * fixture, not edits across the core. The files that still do are listed below with what keeps them there; a file
 * that starts naming an engine fails, and so does a listed file that no longer needs its entry (remove it).
 */
class EngineSeamTest {
    private static final Path MAIN = Path.of("src/main/java/org/esabridge/jdbc");
    private static final Pattern ENGINE = Pattern.compile("mariadb|postgres", Pattern.CASE_INSENSITIVE);

    /** Relative to {@link #MAIN}: what still names an engine there, and why. */
    private static final Map<String, String> PENDING = Map.ofEntries(
            // Capture wiring: the binary-log capture is chosen and started here. Pending the pglog branch, which puts
            // log capture behind an engine-neutral interface; after merging it, these two entries should go.
            Map.entry("JdbcAdapter.java", "imports mariadb.capture (BinlogAccess, BinlogCapture, BinlogEndpoint)"),
            Map.entry("Database.java", "imports mariadb.capture.BinlogEndpoint"),
            Map.entry("capture/LogCapture.java", "Support.start takes mariadb.capture.BinlogCapture.Tables; MariaDB's"
                    + " capture is not yet started through Engine.logCapture"));

    @Test
    void noFileOutsideTheEnginePackagesNamesAnEngine() throws IOException {
        Map<String, String> naming = new TreeMap<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String relative = MAIN.relativize(file).toString().replace('\\', '/');
                if (relative.startsWith("mariadb/") || relative.startsWith("postgres/")) {
                    continue;
                }
                scanned++;
                String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    if (ENGINE.matcher(lines[i]).find()) {
                        naming.putIfAbsent(relative, (i + 1) + ": " + lines[i].strip());
                    }
                }
            }
        }
        assertTrue(scanned > 50, "scanned " + scanned + " files under " + MAIN.toAbsolutePath());
        Map<String, String> unexpected = new TreeMap<>(naming);
        unexpected.keySet().removeAll(PENDING.keySet());
        assertEquals(Map.of(), unexpected, "engine names outside the engine packages: ask the Dialect or the Engine");
        TreeSet<String> stale = new TreeSet<>(PENDING.keySet());
        stale.removeAll(naming.keySet());
        assertEquals(new TreeSet<String>(), stale, "these files no longer name an engine: remove them from PENDING");
    }
}
