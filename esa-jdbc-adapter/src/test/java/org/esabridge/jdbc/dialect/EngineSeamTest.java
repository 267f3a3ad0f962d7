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
            // Value rules: the core's value vocabulary (catalog types, text forms) is MariaDB's, which other engines'
            // catalogs translate into; a per-engine value mapper handed out by the Dialect would empty these.
            Map.entry("catalog/ZeroDates.java", "MariaDB's zero dates"),
            Map.entry("catalog/ValueCodec.java", "MariaDB's TIME and zero-date text, FLOAT text, DECIMAL literals"),
            Map.entry("catalog/TypeMapping.java", "MariaDB's type names, geometry's storage form"),
            Map.entry("catalog/ValueKind.java", "MariaDB's TIME text, geometry's storage form"),
            Map.entry("catalog/Column.java", "MariaDB's ZEROFILL and YEAR text"),
            Map.entry("catalog/RecordMapper.java", "MariaDB's six-digit FLOAT text"),
            // Why engine-neutral code is shaped as it is: comments on MariaDB's behaviour.
            Map.entry("changes/TableIdentity.java", "MariaDB's TRUNCATE keeps the creation time"),
            Map.entry("changes/VersionTables.java", "CREATE TABLE … SELECT in MariaDB"),
            Map.entry("write/VersionedWriter.java", "MariaDB's error 1442 (a trigger's table in its statement)"));

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
