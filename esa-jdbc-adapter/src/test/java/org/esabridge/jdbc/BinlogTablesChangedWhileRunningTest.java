package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.capture.LogCapture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Tables created or renamed in while MariaDB's binlog capture runs are served as the start would serve them: a table
 * renamed into a served name whose id the binary log cannot spell is polled by its triggers, named with the start's
 * reason (a reload checked new names only, so it was taken for the table it replaced: no trigger, and the reader
 * dropped its changes); a keyless table is named once as not served.
 */
@Tag("database")
class BinlogTablesChangedWhileRunningTest {
    private static final String DB = "esa_binlog_tables_changed_test";

    @Test
    void tablesRenamedInOrCreatedWhileRunningAreServedAsAtStart() throws Exception {
        EngineFixture maria = EngineFixture.MARIADB_BINLOG;
        maria.fresh(DB);
        maria.exec(DB, "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, " + maria.modifiedColumn() + ")");
        try (JdbcAdapter adapter = maria.adapter(DB, "inline-threshold", "1000")) {
            LogCapture capture = (LogCapture) adapter.captureStatus();
            assertEquals(Map.of(), capture.uncapturable());

            maria.exec(DB, "CREATE TABLE item_new (id TIME PRIMARY KEY, v INT NOT NULL, " + maria.modifiedColumn() + ")",
                    "INSERT INTO item_new (id, v) VALUES ('01:00:00', 0), ('02:00:00', 0)",
                    "RENAME TABLE item TO item_old, item_new TO item",
                    "CREATE TABLE keyless (v INT)");
            String warnings = PgLogTablesChangedWhileRunningTest.stderrOf(adapter::getStructureList); // the reload
            assertEquals(Map.of("item", "id column id of type time cannot be read exactly from the binary log"),
                    capture.uncapturable(), "as the start would have found it");
            assertEquals(1, warnings.lines().filter(l -> l.contains("table keyless is not served")).count(), warnings);
            assertEquals(1, warnings.lines().filter(l -> l.contains("served by their triggers (polling) instead: item (id"
                    + " column id of type time cannot be read exactly from the binary log)")).count(), warnings);
            assertTrue(adapter.getStructureList().stream().map(ExternalStructure::name).toList()
                    .containsAll(List.of("item", "item_old")));

            Instant before = adapter.getCurrentTime();
            maria.exec(DB, "DELETE FROM item WHERE id = '01:00:00'");
            RecordingResultHandler deleted = new RecordingResultHandler();
            assertTrue(adapter.getDeleted("item", before, deleted));
            assertEquals(List.of("01:00:00"), deleted.ids(), "polled: its trigger reports the deletion");
        }
    }
}
