package org.esabridge.api.xml;

import static org.esabridge.api.xml.CallSpec.call;
import static org.esabridge.api.xml.CallSpec.text;
import static org.esabridge.api.xml.CallSpec.timestamp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The call table against the protocol page it declares, and against the records it binds. */
class CallTableTest {
    private static final Path PROTOCOL = Path.of(System.getProperty("esa.schemas.dir", "../schemas"))
            .resolveSibling("docs/esa-protocol.md");
    private static final Pattern CODE = Pattern.compile("`<?([A-Za-z-]+)>?`");

    @Test
    void everyCallOnTheProtocolPageHasALineWithThePagesChildrenInThePagesOrder() throws IOException {
        String page = Files.readString(PROTOCOL, StandardCharsets.UTF_8);
        assertEquals(calls(section(page, "## 5.", "## 6.")), lines(CallTable.esaCalls()));
        assertEquals(calls(section(page, "## 6.", "## 7.")), lines(CallTable.apiCalls()));
    }

    record Tally(String subject, Instant at) {
    }

    @Test
    void aLineThatDoesNotMatchItsRecordIsRefusedWhenTheTableLoads() {
        call("tally", Tally.class, text("subject"), timestamp("at")); // matches
        assertThrows(IllegalStateException.class, () -> call("tally", Tally.class, text("subject")));
        assertThrows(IllegalStateException.class, () -> call("tally", Tally.class, timestamp("at"), text("subject")));
        assertThrows(IllegalStateException.class, () -> call("tally", Tally.class, text("topic"), timestamp("at")));
        assertThrows(IllegalStateException.class, () -> call("tally", Tally.class, text("subject"), text("at")));
    }

    private static Map<String, List<String>> lines(List<? extends CallSpec<?>> specs) {
        Map<String, List<String>> lines = new LinkedHashMap<>();
        specs.forEach(spec -> lines.put(spec.name, spec.elements()));
        return lines;
    }

    private static String section(String page, String from, String to) {
        return page.substring(page.indexOf(from), page.indexOf(to));
    }

    /** The rows of a section's call table: call name (one row may name several, split by "/") → request children. */
    private static Map<String, List<String>> calls(String section) {
        Map<String, List<String>> calls = new LinkedHashMap<>();
        for (String row : section.lines().filter(line -> line.startsWith("| `")).toList()) {
            String[] cells = row.split("\\|");
            List<String> children = codes(cells[2]);
            for (String name : cells[1].split(" / ")) {
                calls.put(codes(name).get(0), children); // (attribute `x`) after the name is no child
            }
        }
        return calls;
    }

    private static List<String> codes(String cell) {
        List<String> codes = new ArrayList<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            codes.add(m.group(1));
        }
        return codes;
    }
}
