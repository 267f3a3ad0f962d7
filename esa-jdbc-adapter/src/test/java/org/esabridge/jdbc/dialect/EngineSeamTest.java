package org.esabridge.jdbc.dialect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine seam (issue 21, docs/design.md "The engine seam"): no source file of the adapter outside an engine's
 * package names an engine — not in code, not in a comment — so that a third database is a new package and its test
 * fixture, not edits across the core. No file is exempt.
 */
class EngineSeamTest {
    private static final Path MAIN = Path.of("src/main/java/org/esabridge/jdbc");
    private static final Pattern ENGINE = Pattern.compile("mariadb|postgres", Pattern.CASE_INSENSITIVE);

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
        assertEquals(Map.of(), naming, "engine names outside the engine packages: ask the Dialect or the Engine");
    }
}
