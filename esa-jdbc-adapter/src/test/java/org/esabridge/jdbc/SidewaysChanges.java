package org.esabridge.jdbc;

import static org.esabridge.jdbc.HostReads.among;
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
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.capture.CaptureMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Changes that reach a table without passing the modification column or a delete trigger (issue 13):
 * re-inserted ids, key changes, foreign-key cascades, TRUNCATE and recreated tables, DATETIME columns written
 * in another zone, ids that do not round-trip. Every scenario runs in both capture modes, each in its own
 * schema and adapter: {@link SidewaysChangesPollingTest} (modification column, delete/key-change/cascade
 * triggers) and {@link SidewaysChangesBinlogTest} (the binary log's change index; only the cascade triggers,
 * since InnoDB's cascades write no log row). The same assertions hold in both; only which triggers exist
 * differs, and {@link #triggersInPlaceAreLeftAloneByTheNextStartSync} says what each mode installs.
 *
 * <p>One instance per class ({@code PER_CLASS}), so that the adapter and the mode are instance state set up
 * once by {@link #start}. In binlog mode {@code getCurrentTime} and every read first wait for the log reader
 * (the fence), so a write made before a read is in its answer without any sleep.
 */
@Tag("database")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SidewaysChanges {
    private static final String MOD = " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)";
    private static final String DT_MOD = " modified DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)";
    private static final Session HOST = new Session("host");
    private static final String LONG_AGO = "'2020-01-01 00:00:00'";
    private final CaptureMode mode;
    /** The schema of this mode's run: the two classes never share tables, tombstones or a change index. */
    private final String db;
    private JdbcAdapter adapter;
    private HostReads reads;

    SidewaysChanges(CaptureMode mode) {
        this.mode = mode;
        this.db = "esa_sideways_" + setting(mode) + "_test";
    }

    /** The {@code change-capture} value that forces the mode: never {@code auto}, which could silently poll. */
    private static String setting(CaptureMode mode) {
        return mode == CaptureMode.BINLOG ? "binlog" : "polling";
    }

    @BeforeAll
    void start() {
        TestDatabase.freshSchema(db);
        TestDatabase.exec(db,
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
        adapter = TestDatabase.adapter(db, "structures.exclude", "hidden_*", "inline-threshold", "1000",
                "page-size", "100", JdbcAdapterConfig.CHANGE_CAPTURE, setting(mode),
                "structure.west.modified-zone", "-05:00", "structure.west.writable", "true",
                "structure.east.modified-zone", "+05:00", "structure.stamped.modified-column", "modified");
        // change-capture=binlog refuses to start without a usable log, but say it here too: a binlog run that
        // polled would pass these tests without showing anything about the log.
        assertEquals(mode, adapter.captureMode());
        reads = new HostReads(adapter, HOST);
    }

    @AfterAll
    void stop() {
        adapter.close();
    }

    // --- 1. a deleted and re-inserted id is live, never reported deleted ---

    @Test
    void anIdDeletedThenInsertedAgainIsModifiedNotDeleted() throws Exception {
        TestDatabase.exec(db, "INSERT INTO item (id, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        Instant t = adapter.getCurrentTime();
        TestDatabase.exec(db, "DELETE FROM item WHERE id = 1", "INSERT INTO item (id, v) VALUES (1, 'again')",
                "REPLACE INTO item (id, v) VALUES (2, 'replaced')", "DELETE FROM item WHERE id = 3");
        assertEquals(Set.of("1", "2"), among(reads.modified("item", t), "1", "2", "3"));
        assertEquals(Set.of("3"), among(reads.deleted("item", t), "1", "2", "3"), "1 and 2 are live, whatever their tombstones say");
        assertEquals(Set.of("3"), among(reads.paged(adapter.getDeletedPaged(HOST, "item", t)), "1", "2", "3"),
                "through a cursor too");
    }

    @Test
    void aCompositeIdDeletedThenInsertedAgainIsNotReportedDeleted() throws Exception {
        TestDatabase.exec(db, "INSERT INTO pair (a, b, v) VALUES (1, 'x,y', 1), (2, '50%', 2)");
        Instant t = adapter.getCurrentTime();
        TestDatabase.exec(db, "REPLACE INTO pair (a, b, v) VALUES (1, 'x,y', 10)", "DELETE FROM pair WHERE a = 2");
        assertEquals(Set.of("1,x%2Cy"), among(reads.modified("pair", t), "1,x%2Cy", "2,50%25"));
        assertEquals(Set.of("2,50%25"), among(reads.deleted("pair", t), "1,x%2Cy", "2,50%25"));
    }

    // --- 2. a key change is a deletion of the old id and a modification of the new one ---

    @Test
    void aPrimaryKeyUpdateDeletesTheOldIdAndDeliversTheNewOne() throws Exception {
        TestDatabase.exec(db, "INSERT INTO item (id, v) VALUES (10, 'k')");
        Instant t = adapter.getCurrentTime();
        TestDatabase.exec(db, "UPDATE item SET id = 11 WHERE id = 10", "UPDATE item SET v = 'same key' WHERE id = 11");
        assertEquals(Set.of("11"), among(reads.modified("item", t), "10", "11"));
        assertEquals(Set.of("10"), among(reads.deleted("item", t), "10", "11"));
    }

    @Test
    void aKeyUpdateWithAnUntouchedModificationColumnStillDeliversTheNewId() throws Exception {
        TestDatabase.exec(db, "INSERT INTO pair (a, b, v, modified) VALUES (7, 'k', 1, " + LONG_AGO + ")");
        Instant t = adapter.getCurrentTime();
        // An explicit value keeps the modification column as it was (ON UPDATE does not apply).
        TestDatabase.exec(db, "UPDATE pair SET b = 'K', modified = modified WHERE a = 7");
        assertEquals(Set.of("7,K"), among(reads.modified("pair", t), "7,k", "7,K"));
        assertEquals(Set.of("7,k"), among(reads.deleted("pair", t), "7,k", "7,K"));
    }

    // --- 3. foreign-key cascades ---

    @Test
    void aCascadingDeleteLeavesTombstonesForChildrenAndGrandchildren() throws Exception {
        TestDatabase.exec(db, "INSERT INTO parent (id, code) VALUES (100, 1000), (101, 1010)",
                "INSERT INTO child (id, parent_id) VALUES (1, 100), (2, 100), (3, 101)",
                "INSERT INTO grandchild (id, child_id) VALUES (1, 1), (2, 2), (3, 3)",
                // Stamped long ago, so that only the cascade can bring them back (not the watermark's margin).
                "INSERT INTO orphanable (id, parent_id, modified) VALUES (1, 100, " + LONG_AGO + "), (2, 101, " + LONG_AGO + ")",
                "INSERT INTO hidden_mid (id, parent_id) VALUES (1, 100)",
                "INSERT INTO leaf (id, mid_id) VALUES (1, 1)",
                "INSERT INTO line (parent_id, n) VALUES (100, 1)");
        Instant t = adapter.getCurrentTime();
        TestDatabase.exec(db, "DELETE FROM parent WHERE id = 100");
        assertEquals(Set.of("100"), among(reads.deleted("parent", t), "100", "101"));
        assertEquals(Set.of("1", "2"), among(reads.deleted("child", t), "1", "2", "3"));
        assertEquals(Set.of("1", "2"), among(reads.deleted("grandchild", t), "1", "2", "3"), "two levels down");
        assertEquals(Set.of("1"), among(reads.deleted("leaf", t), "1"), "through a table that is not exposed");
        assertEquals(Set.of("100,1"), among(reads.deleted("line", t), "100,1"));
        assertEquals(Set.of("1"), among(reads.modified("orphanable", t), "1", "2"), "set to NULL without its modification column");
        assertEquals(Set.of(), among(reads.deleted("orphanable", t), "1", "2"));
        assertEquals(Set.of("1"), among(reads.paged(adapter.getModifiedPaged(HOST, "orphanable", t)), "1", "2"),
                "through a cursor too");
        assertTrue(adapter.read("orphanable", "1").field("parent_id").text() == null);
    }

    @Test
    void anUpdateCascadeDeliversTheChangedChildren() throws Exception {
        TestDatabase.exec(db, "INSERT INTO parent (id, code) VALUES (200, 2000)",
                "INSERT INTO follower (id, parent_code, modified) VALUES (1, 2000, " + LONG_AGO + "), (2, 2000, " + LONG_AGO + ")",
                "INSERT INTO line (parent_id, n) VALUES (200, 1), (200, 2)");
        Instant t = adapter.getCurrentTime();
        TestDatabase.exec(db, "UPDATE parent SET code = 2001 WHERE id = 200", "UPDATE parent SET id = 201 WHERE id = 200");
        String[] lines = {"200,1", "200,2", "201,1", "201,2"};
        assertEquals(Set.of("1", "2"), among(reads.modified("follower", t), "1", "2"));
        assertEquals("2001", adapter.read("follower", "1").field("parent_code").text());
        assertEquals(Set.of("201,1", "201,2"), among(reads.modified("line", t), lines), "the children's keys moved along");
        assertEquals(Set.of("200,1", "200,2"), among(reads.deleted("line", t), lines));
        assertEquals(Set.of("201,1", "201,2"), among(reads.paged(adapter.getModifiedPaged(HOST, "line", t)), lines));
    }

    // --- 4. TRUNCATE, DROP + CREATE, RENAME swap ---

    @Test
    void aTruncatedTableAsksTheHostToCompareIds() throws Exception {
        TestDatabase.exec(db, "INSERT INTO trunc (id) VALUES (1), (2)");
        Instant before = adapter.getCurrentTime();
        TestDatabase.exec(db, "TRUNCATE TABLE trunc");
        assertCapturedAfresh("trunc", before);
    }

    @Test
    void aDroppedAndCreatedTableGetsItsTriggersBackAndAsksTheHostToCompareIds() throws Exception {
        TestDatabase.exec(db, "INSERT INTO recreated (id) VALUES (1), (2)");
        Instant before = adapter.getCurrentTime();
        TestDatabase.exec(db, "DROP TABLE recreated", "CREATE TABLE recreated (id INT PRIMARY KEY," + MOD + ")");
        assertCapturedAfresh("recreated", before);
    }

    @Test
    void aTableSwappedInByRenameGetsItsTriggersBackAndAsksTheHostToCompareIds() throws Exception {
        TestDatabase.exec(db, "INSERT INTO swapped (id) VALUES (1), (2)",
                "CREATE TABLE swapped_new (id INT PRIMARY KEY," + MOD + ")",
                "CREATE TABLE hidden_old (id INT PRIMARY KEY)");
        Instant before = adapter.getCurrentTime();
        TestDatabase.exec(db, "DROP TABLE hidden_old", "RENAME TABLE swapped TO hidden_old, swapped_new TO swapped");
        Instant after = assertCapturedAfresh("swapped", before);
        TestDatabase.exec(db, "DELETE FROM hidden_old WHERE id = 2");
        assertEquals(List.of("5"), reads.deleted("swapped", after), "the old table's deletions are not taken for the new one's");
    }

    /**
     * After the table changed behind our back: startSync notices, the old range is refused, new deletes are seen.
     * Polling: the delete trigger is back on the table (that is how the new deletes are seen); binlog: there is no
     * delete trigger to lose, the table's create time and InnoDB id tell it changed, and the log gives the deletes.
     */
    private Instant assertCapturedAfresh(String table, Instant before) throws Exception {
        adapter.startSync(HOST, "esa-bridge-1");
        EsaException e = assertThrows(EsaException.class, () -> reads.deleted(table, before));
        assertEquals(ErrorCode.NOT_SUPPORTED, e.code());
        Instant after = adapter.getCurrentTime();
        TestDatabase.exec(db, "INSERT INTO " + table + " (id) VALUES (5), (6)", "DELETE FROM " + table + " WHERE id = 5");
        assertEquals(List.of("5"), reads.deleted(table, after));
        adapter.startSync(HOST, "esa-bridge-1");
        assertEquals(List.of("5"), reads.deleted(table, after), "a startSync with nothing changed keeps the horizon");
        return after;
    }

    /** The exposed tables with delete strategy {@code tombstone}: in polling mode each has a delete and a key trigger. */
    private static final List<String> EXPOSED = List.of("child", "east", "follower", "grandchild", "item", "leaf", "line",
            "orphanable", "pair", "parent", "recreated", "stamped", "swapped", "trunc", "west");

    @Test
    void triggersInPlaceAreLeftAloneByTheNextStartSync() throws Exception {
        adapter.startSync(HOST, "esa-bridge-1");
        String before = adapterTriggers();
        // Both modes: the cascade triggers on every parent whose rows cascade into an exposed structure (InnoDB's
        // cascades fire no trigger and write no log row): parent (child, orphanable, line, follower, and leaf
        // through the hidden hidden_mid), child (grandchild) and hidden_mid (leaf), itself not exposed.
        List<String> expected = new ArrayList<>(List.of("esa_cd_child", "esa_cd_hidden_mid", "esa_cd_parent", "esa_cu_parent"));
        if (mode == CaptureMode.POLLING) {
            // Polling only: a delete trigger and a key-change trigger on every exposed tombstone table. In binlog
            // mode the log has every delete and both images of a key change, so neither is installed.
            EXPOSED.forEach(t -> expected.addAll(List.of("esa_del_" + t, "esa_key_" + t)));
        }
        assertEquals(new TreeSet<>(expected), new TreeSet<>(before.lines().map(l -> l.split(" ")[0]).toList()), before);
        adapter.startSync(HOST, "esa-bridge-1");
        assertEquals(before, adapterTriggers(), "no trigger replaced when nothing changed");
    }

    /** Name, table and creation time of every adapter trigger. */
    private String adapterTriggers() throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement();
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
        // Binlog mode finds the row by the index whatever the column says, but the record's modifiedAt (and the
        // last-seen check below) still come from the column, read in the configured zone in both modes.
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
        // Polling selects by the column, so this needs the zone; binlog mode selects by the commit's stamp in the
        // change index, and shows that the column's zone cannot pull a committed row back into a later window.
        assertEquals(List.of(), reads.modified("east", t), "not stamped 5 h in the future");
    }

    private List<ExternalRecord> records(String structure, Instant after) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getModified(structure, after, sink));
        return sink.records();
    }

    private void writeInZone(String zone, String sql) throws Exception {
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '" + zone + "'");
            s.execute(sql);
        }
    }

    // --- 6. ids that do not round-trip ---

    @Test
    void aTimestampIdIsTombstonedInUtcWhateverTheDeletingSessionsZone() throws Exception {
        Instant t0 = adapter.getCurrentTime();
        TestDatabase.exec(db, "INSERT INTO stamped (id, v) VALUES ('2026-03-29 01:30:00.125', 1)");
        // Read after t0, not from the epoch: in binlog mode that is the change index, whose id is spelled from the
        // log's value (an epoch from the start would read the whole table instead).
        List<String> ids = reads.modified("stamped", t0);
        assertEquals(List.of("2026-03-29T01:30:00.125Z"), ids);
        Instant t = adapter.getCurrentTime();
        writeInZone("+05:30", "DELETE FROM stamped WHERE v = 1");
        assertEquals(ids, reads.deleted("stamped", t), "polling: the trigger's tombstone; binlog: the log's before image");
    }

    @Test
    void approximateNumbersAreRefusedAsIdsAtStartNamingTheWayOut() throws Exception {
        String schema = db + "_float";
        TestDatabase.freshSchema(schema);
        TestDatabase.exec(schema, "CREATE TABLE measure (id DOUBLE PRIMARY KEY, code INT NOT NULL UNIQUE," + MOD + ")");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TestDatabase.adapter(schema, JdbcAdapterConfig.CHANGE_CAPTURE, setting(mode)));
        assertTrue(e.getMessage().contains("measure") && e.getMessage().contains("structure.measure.id-columns"),
                e.getMessage());
        try (JdbcAdapter fixed = TestDatabase.adapter(schema, JdbcAdapterConfig.CHANGE_CAPTURE, setting(mode),
                "structure.measure.id-columns", "code")) {
            assertEquals(mode, fixed.captureMode());
            // The way out works for changes and deletions alike: the id is the exact code, whatever the DOUBLE.
            Instant t = fixed.getCurrentTime();
            TestDatabase.exec(schema, "INSERT INTO measure (id, code) VALUES (1e20, 7), (2.5, 8)");
            RecordingResultHandler sink = new RecordingResultHandler();
            assertTrue(fixed.getModified("measure", t, sink));
            assertEquals(Set.of("7", "8"), new TreeSet<>(sink.records().stream().map(ExternalRecord::id).toList()));
            TestDatabase.exec(schema, "DELETE FROM measure WHERE code = 7");
            RecordingResultHandler gone = new RecordingResultHandler();
            assertTrue(fixed.getDeleted("measure", t, gone));
            assertEquals(List.of("7"), gone.ids());
        }
    }
}
