package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.esabridge.api.Cursor;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Changes that reach a table without passing the modification column or a delete trigger (issue 13), in
 * polling capture: re-inserted ids, key changes, foreign-key cascades, TRUNCATE and recreated tables, DATETIME
 * columns written in another zone, ids that do not round-trip.
 */
@Tag("database")
class SidewaysChangesTest {
    private static final String DB = "esa_sideways_test";
    private static final String MOD = " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)";
    private static final String DT_MOD = " modified DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)";
    private static final Session HOST = new Session("host");
    private static final String LONG_AGO = "'2020-01-01 00:00:00'";
    private static JdbcAdapter adapter;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB,
                "CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(10)," + MOD + ")",
                "CREATE TABLE pair (a INT, b VARCHAR(10), v INT," + MOD + ", PRIMARY KEY (a, b))",
                "CREATE TABLE stamped (id TIMESTAMP(3) PRIMARY KEY, v INT," + MOD + ")",
                "CREATE TABLE parent (id INT PRIMARY KEY, code INT NOT NULL UNIQUE," + MOD + ")",
                "CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL," + MOD + ","
                        + " FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE)",
                "CREATE TABLE grandchild (id INT PRIMARY KEY, child_id INT NOT NULL," + MOD + ","
                        + " FOREIGN KEY (child_id) REFERENCES child (id) ON DELETE CASCADE)",
                "CREATE TABLE orphanable (id INT PRIMARY KEY, parent_id INT NULL," + MOD + ","
                        + " FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE SET NULL)",
                "CREATE TABLE follower (id INT PRIMARY KEY, parent_code INT NOT NULL," + MOD + ","
                        + " FOREIGN KEY (parent_code) REFERENCES parent (code) ON UPDATE CASCADE)",
                "CREATE TABLE line (parent_id INT NOT NULL, n INT NOT NULL," + MOD + ", PRIMARY KEY (parent_id, n),"
                        + " FOREIGN KEY (parent_id) REFERENCES parent (id) ON UPDATE CASCADE ON DELETE CASCADE)",
                "CREATE TABLE hidden_mid (id INT PRIMARY KEY, parent_id INT NOT NULL,"
                        + " FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE)",
                "CREATE TABLE leaf (id INT PRIMARY KEY, mid_id INT NOT NULL," + MOD + ","
                        + " FOREIGN KEY (mid_id) REFERENCES hidden_mid (id) ON DELETE CASCADE)",
                "CREATE TABLE trunc (id INT PRIMARY KEY," + MOD + ")",
                "CREATE TABLE recreated (id INT PRIMARY KEY," + MOD + ")",
                "CREATE TABLE swapped (id INT PRIMARY KEY," + MOD + ")",
                "CREATE TABLE west (id INT PRIMARY KEY, v INT," + DT_MOD + ")",
                "CREATE TABLE east (id INT PRIMARY KEY, v INT," + DT_MOD + ")");
        adapter = TestDatabase.adapter(DB, "structures.exclude", "hidden_*", "inline-threshold", "1000",
                "page-size", "100", JdbcAdapterConfig.CHANGE_CAPTURE, "polling",
                "structure.west.modified-zone", "-05:00", "structure.west.writable", "true",
                "structure.east.modified-zone", "+05:00", "structure.stamped.modified-column", "modified");
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    private static List<String> modified(String structure, Instant after) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getModified(structure, after, sink));
        return sink.records().stream().map(ExternalRecord::id).toList();
    }

    private static List<String> deleted(String structure, Instant after) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getDeleted(structure, after, sink));
        return sink.ids();
    }

    /**
     * The ids of an answer among those a test wrote: the tests share tables, and an answer may repeat another
     * test's rows written just before {@code after} (the watermark's margin; duplicates are allowed).
     */
    private static Set<String> among(List<String> answer, String... ids) {
        Set<String> of = Set.of(ids);
        return new TreeSet<>(answer.stream().filter(of::contains).toList());
    }

    /** Every id of a paged answer, all pages read. */
    private static List<String> paged(Cursor c) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        for (long p = 0; p < c.pageCount(); p++) {
            adapter.readDataPage(HOST, c.cursorId(), p, sink);
        }
        adapter.closeCursor(HOST, c.cursorId());
        List<String> ids = new ArrayList<>(sink.ids());
        sink.records().forEach(r -> ids.add(r.id()));
        return ids;
    }

    // --- 1. a deleted and re-inserted id is live, never reported deleted ---

    @Test
    void anIdDeletedThenInsertedAgainIsModifiedNotDeleted() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO item (id, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        Instant t = adapter.getCurrentTime();
        TestDatabase.exec(DB, "DELETE FROM item WHERE id = 1", "INSERT INTO item (id, v) VALUES (1, 'again')",
                "REPLACE INTO item (id, v) VALUES (2, 'replaced')", "DELETE FROM item WHERE id = 3");
        assertEquals(Set.of("1", "2"), among(modified("item", t), "1", "2", "3"));
        assertEquals(Set.of("3"), among(deleted("item", t), "1", "2", "3"), "1 and 2 are live, whatever their tombstones say");
        assertEquals(Set.of("3"), among(paged(adapter.getDeletedPaged(HOST, "item", t)), "1", "2", "3"),
                "through a cursor too");
    }

    @Test
    void aCompositeIdDeletedThenInsertedAgainIsNotReportedDeleted() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO pair (a, b, v) VALUES (1, 'x,y', 1), (2, '50%', 2)");
        Instant t = adapter.getCurrentTime();
        TestDatabase.exec(DB, "REPLACE INTO pair (a, b, v) VALUES (1, 'x,y', 10)", "DELETE FROM pair WHERE a = 2");
        assertEquals(Set.of("1,x%2Cy"), among(modified("pair", t), "1,x%2Cy", "2,50%25"));
        assertEquals(Set.of("2,50%25"), among(deleted("pair", t), "1,x%2Cy", "2,50%25"));
    }

    // --- 2. a key change is a deletion of the old id and a modification of the new one ---

    @Test
    void aPrimaryKeyUpdateDeletesTheOldIdAndDeliversTheNewOne() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO item (id, v) VALUES (10, 'k')");
        Instant t = adapter.getCurrentTime();
        TestDatabase.exec(DB, "UPDATE item SET id = 11 WHERE id = 10", "UPDATE item SET v = 'same key' WHERE id = 11");
        assertEquals(Set.of("11"), among(modified("item", t), "10", "11"));
        assertEquals(Set.of("10"), among(deleted("item", t), "10", "11"));
    }

    @Test
    void aKeyUpdateWithAnUntouchedModificationColumnStillDeliversTheNewId() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO pair (a, b, v, modified) VALUES (7, 'k', 1, " + LONG_AGO + ")");
        Instant t = adapter.getCurrentTime();
        // An explicit value keeps the modification column as it was (ON UPDATE does not apply).
        TestDatabase.exec(DB, "UPDATE pair SET b = 'K', modified = modified WHERE a = 7");
        assertEquals(Set.of("7,K"), among(modified("pair", t), "7,k", "7,K"));
        assertEquals(Set.of("7,k"), among(deleted("pair", t), "7,k", "7,K"));
    }

    // --- 3. foreign-key cascades ---

    @Test
    void aCascadingDeleteLeavesTombstonesForChildrenAndGrandchildren() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO parent (id, code) VALUES (100, 1000), (101, 1010)",
                "INSERT INTO child (id, parent_id) VALUES (1, 100), (2, 100), (3, 101)",
                "INSERT INTO grandchild (id, child_id) VALUES (1, 1), (2, 2), (3, 3)",
                // Stamped long ago, so that only the cascade can bring them back (not the watermark's margin).
                "INSERT INTO orphanable (id, parent_id, modified) VALUES (1, 100, " + LONG_AGO + "), (2, 101, " + LONG_AGO + ")",
                "INSERT INTO hidden_mid (id, parent_id) VALUES (1, 100)",
                "INSERT INTO leaf (id, mid_id) VALUES (1, 1)",
                "INSERT INTO line (parent_id, n) VALUES (100, 1)");
        Instant t = adapter.getCurrentTime();
        TestDatabase.exec(DB, "DELETE FROM parent WHERE id = 100");
        assertEquals(Set.of("100"), among(deleted("parent", t), "100", "101"));
        assertEquals(Set.of("1", "2"), among(deleted("child", t), "1", "2", "3"));
        assertEquals(Set.of("1", "2"), among(deleted("grandchild", t), "1", "2", "3"), "two levels down");
        assertEquals(Set.of("1"), among(deleted("leaf", t), "1"), "through a table that is not exposed");
        assertEquals(Set.of("100,1"), among(deleted("line", t), "100,1"));
        assertEquals(Set.of("1"), among(modified("orphanable", t), "1", "2"), "set to NULL without its modification column");
        assertEquals(Set.of(), among(deleted("orphanable", t), "1", "2"));
        assertEquals(Set.of("1"), among(paged(adapter.getModifiedPaged(HOST, "orphanable", t)), "1", "2"),
                "through a cursor too");
        assertTrue(adapter.read("orphanable", "1").field("parent_id").text() == null);
    }

    @Test
    void anUpdateCascadeDeliversTheChangedChildren() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO parent (id, code) VALUES (200, 2000)",
                "INSERT INTO follower (id, parent_code, modified) VALUES (1, 2000, " + LONG_AGO + "), (2, 2000, " + LONG_AGO + ")",
                "INSERT INTO line (parent_id, n) VALUES (200, 1), (200, 2)");
        Instant t = adapter.getCurrentTime();
        TestDatabase.exec(DB, "UPDATE parent SET code = 2001 WHERE id = 200", "UPDATE parent SET id = 201 WHERE id = 200");
        String[] lines = {"200,1", "200,2", "201,1", "201,2"};
        assertEquals(Set.of("1", "2"), among(modified("follower", t), "1", "2"));
        assertEquals("2001", adapter.read("follower", "1").field("parent_code").text());
        assertEquals(Set.of("201,1", "201,2"), among(modified("line", t), lines), "the children's keys moved along");
        assertEquals(Set.of("200,1", "200,2"), among(deleted("line", t), lines));
        assertEquals(Set.of("201,1", "201,2"), among(paged(adapter.getModifiedPaged(HOST, "line", t)), lines));
    }

    // --- 4. TRUNCATE, DROP + CREATE, RENAME swap ---

    @Test
    void aTruncatedTableAsksTheHostToCompareIds() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO trunc (id) VALUES (1), (2)");
        Instant before = adapter.getCurrentTime();
        TestDatabase.exec(DB, "TRUNCATE TABLE trunc");
        assertCapturedAfresh("trunc", before);
    }

    @Test
    void aDroppedAndCreatedTableGetsItsTriggersBackAndAsksTheHostToCompareIds() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO recreated (id) VALUES (1), (2)");
        Instant before = adapter.getCurrentTime();
        TestDatabase.exec(DB, "DROP TABLE recreated", "CREATE TABLE recreated (id INT PRIMARY KEY," + MOD + ")");
        assertCapturedAfresh("recreated", before);
    }

    @Test
    void aTableSwappedInByRenameGetsItsTriggersBackAndAsksTheHostToCompareIds() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO swapped (id) VALUES (1), (2)",
                "CREATE TABLE swapped_new (id INT PRIMARY KEY," + MOD + ")",
                "CREATE TABLE hidden_old (id INT PRIMARY KEY)");
        Instant before = adapter.getCurrentTime();
        TestDatabase.exec(DB, "DROP TABLE hidden_old", "RENAME TABLE swapped TO hidden_old, swapped_new TO swapped");
        Instant after = assertCapturedAfresh("swapped", before);
        TestDatabase.exec(DB, "DELETE FROM hidden_old WHERE id = 2");
        assertEquals(List.of("5"), deleted("swapped", after), "the old table's deletions are not taken for the new one's");
    }

    /** After the table changed behind our back: startSync notices, the old range is refused, new deletes are seen. */
    private static Instant assertCapturedAfresh(String table, Instant before) throws Exception {
        adapter.startSync(HOST, "esa-bridge-1");
        EsaException e = assertThrows(EsaException.class, () -> deleted(table, before));
        assertEquals(ErrorCode.NOT_SUPPORTED, e.code());
        Instant after = adapter.getCurrentTime();
        TestDatabase.exec(DB, "INSERT INTO " + table + " (id) VALUES (5), (6)", "DELETE FROM " + table + " WHERE id = 5");
        assertEquals(List.of("5"), deleted(table, after));
        adapter.startSync(HOST, "esa-bridge-1");
        assertEquals(List.of("5"), deleted(table, after), "a startSync with nothing changed keeps the horizon");
        return after;
    }

    @Test
    void triggersInPlaceAreLeftAloneByTheNextStartSync() throws Exception {
        adapter.startSync(HOST, "esa-bridge-1");
        String before = adapterTriggers();
        assertTrue(before.contains("esa_cd_parent") && before.contains("esa_cu_parent") && before.contains("esa_key_item"),
                before);
        adapter.startSync(HOST, "esa-bridge-1");
        assertEquals(before, adapterTriggers(), "no trigger replaced when nothing changed");
    }

    /** Name, table and creation time of every adapter trigger. */
    private static String adapterTriggers() throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, CREATED"
                     + " FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME LIKE 'esa%'"
                     + " ORDER BY TRIGGER_NAME")) {
            while (rs.next()) {
                sb.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(' ').append(rs.getString(3)).append('\n');
            }
        }
        return sb.toString();
    }

    // --- 5. DATETIME modification columns in the writer's zone ---

    @Test
    void aWriterWestOfUtcIsNotMissed() throws Exception {
        Instant t = adapter.getCurrentTime();
        writeInZone("-05:00", "INSERT INTO west (id, v) VALUES (1, 1)");
        List<ExternalRecord> rows = records("west", t);
        assertEquals(List.of("1"), rows.stream().map(ExternalRecord::id).toList());
        Instant at = rows.get(0).modifiedAt();
        assertFalse(at.isBefore(t), at + " read as the instant it was written, not 5 h earlier");
        assertTrue(at.isBefore(adapter.getCurrentTime()));

        // Our own write stamps in the same zone, and the last-seen check compares in it.
        Instant written = adapter.update(HOST, "west", at, new ExternalRecord("1", null, List.of(new FieldValue("v", "2"))));
        assertEquals(written, records("west", t).get(0).modifiedAt());
        writeInZone("-05:00", "UPDATE west SET v = 3 WHERE id = 1");
        assertEquals(ErrorCode.RECORD_MODIFIED, assertThrows(EsaException.class, () -> adapter.update(HOST, "west",
                written, new ExternalRecord("1", null, List.of(new FieldValue("v", "4"))))).code());
    }

    @Test
    void aWriterEastOfUtcIsNotDeliveredAgainOnEverySync() throws Exception {
        writeInZone("+05:00", "INSERT INTO east (id, v) VALUES (1, 1)");
        Instant t = adapter.getCurrentTime();
        assertEquals(List.of(), modified("east", t), "not stamped 5 h in the future");
    }

    private static List<ExternalRecord> records(String structure, Instant after) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getModified(structure, after, sink));
        return sink.records();
    }

    private static void writeInZone(String zone, String sql) throws Exception {
        try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '" + zone + "'");
            s.execute(sql);
        }
    }

    // --- 6. ids that do not round-trip ---

    @Test
    void aTimestampIdIsTombstonedInUtcWhateverTheDeletingSessionsZone() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO stamped (id, v) VALUES ('2026-03-29 01:30:00.125', 1)");
        Instant t = adapter.getCurrentTime();
        List<String> ids = modified("stamped", Instant.EPOCH);
        assertEquals(List.of("2026-03-29T01:30:00.125Z"), ids);
        writeInZone("+05:30", "DELETE FROM stamped WHERE v = 1");
        assertEquals(ids, deleted("stamped", t));
    }

    @Test
    void approximateNumbersAreRefusedAsIdsAtStartNamingTheWayOut() throws Exception {
        String schema = "esa_sideways_float_test";
        TestDatabase.freshSchema(schema);
        TestDatabase.exec(schema, "CREATE TABLE measure (id DOUBLE PRIMARY KEY, code INT NOT NULL UNIQUE," + MOD + ")");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TestDatabase.adapter(schema));
        assertTrue(e.getMessage().contains("measure") && e.getMessage().contains("structure.measure.id-columns"),
                e.getMessage());
        try (JdbcAdapter fixed = TestDatabase.adapter(schema, "structure.measure.id-columns", "code")) {
            TestDatabase.exec(schema, "INSERT INTO measure (id, code) VALUES (1e20, 7)");
            RecordingResultHandler sink = new RecordingResultHandler();
            assertTrue(fixed.getModified("measure", Instant.EPOCH, sink));
            assertEquals(List.of("7"), sink.records().stream().map(ExternalRecord::id).toList());
        }
    }
}
