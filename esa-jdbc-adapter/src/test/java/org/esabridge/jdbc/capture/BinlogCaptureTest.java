package org.esabridge.jdbc.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Binlog capture end to end on the embedded MariaDB (binary log on by default): each committed change becomes one
 * entry in {@code esa_change}, in commit order, and getCurrentTime's fence covers exactly what committed before it.
 */
@Tag("database")
class BinlogCaptureTest {
    private static final String TABLE = "CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(20), modified TIMESTAMP(6)"
            + " NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))";

    @Test
    void insertsUpdatesKeyChangesAndDeletesBecomeEntriesBetweenTwoFences() throws Exception {
        TestDatabase.freshSchema("cap_basic");
        TestDatabase.exec("cap_basic", TABLE);
        try (JdbcAdapter adapter = TestDatabase.adapter("cap_basic")) {
            assertEquals(CaptureMode.BINLOG, adapter.captureMode());
            Instant before = adapter.getCurrentTime();
            TestDatabase.exec("cap_basic",
                    "INSERT INTO item (id, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')",
                    "UPDATE item SET v = 'B' WHERE id = 2",
                    "UPDATE item SET id = 30 WHERE id = 3",
                    "DELETE FROM item WHERE id = 1");
            Instant after = adapter.getCurrentTime();

            Map<String, ChangeIndexRows.Entry> entries = ChangeIndexRows.of("cap_basic", "item");
            assertEquals(Map.of("1", 'D', "2", 'M', "3", 'D', "30", 'M'), kinds(entries));
            for (ChangeIndexRows.Entry e : entries.values()) {
                assertTrue(e.stamp().isAfter(before) && !e.stamp().isAfter(after), e + " not in (" + before + ", " + after + "]");
            }
            assertEquals(List.of("2", "3", "30", "1"), List.copyOf(entries.keySet()), "seq follows each row's last change");
        }
    }

    static Map<String, Character> kinds(Map<String, ChangeIndexRows.Entry> entries) {
        Map<String, Character> out = new java.util.HashMap<>();
        entries.forEach((id, e) -> out.put(id, e.kind()));
        return out;
    }
}
