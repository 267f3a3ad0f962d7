package org.esabridge.jdbc;

import static org.esabridge.jdbc.HostReads.among;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
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
import org.esabridge.jdbc.capture.LogCapture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Changes that reach a table without passing the modification column or a delete trigger (issue 13), on every
 * engine and capture mode ({@link EngineFixture}): re-inserted ids, key changes, foreign-key cascades, TRUNCATE and
 * recreated tables, local-time modification columns written in another zone, ids that do not round-trip. Each
 * fixture runs in its own database and adapter; the same assertions hold in all four, only which triggers exist
 * differs ({@link #triggersInPlaceAreLeftAloneByTheNextStartSync} says what each installs). Polling reads the
 * modification column and the tombstones of our delete, key-change and cascade triggers; log capture reads the
 * change index (MariaDB keeps the cascade triggers, since InnoDB's cascades write no log row).
 *
 * <p>One instance per fixture ({@code PER_CLASS}), so that the adapter is instance state set up once. In log mode
 * {@code getCurrentTime} and every read first wait for the log reader (the fence), so a write made before a read is
 * in its answer without any sleep.
 */
@Tag("database")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass(name = "{0}")
@MethodSource("org.esabridge.jdbc.EngineFixture#all")
class SidewaysChangesTest {
    private static final Session HOST = new Session("host");
    private static final String LONG_AGO = "'2020-01-01 00:00:00'";
    @Parameter
    EngineFixture engine;
    private String db;
    private String mod;
    private JdbcAdapter adapter;
    private HostReads reads;

    @BeforeParameterizedClassInvocation
    void start() {
        db = engine.database("sideways");
        mod = ", " + engine.modifiedColumn();
        engine.fresh(db);
        String localMod = ", " + engine.localModifiedColumn();
        List<String> ddl = new ArrayList<>(List.of(
                "CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(10)" + mod + ")",
                "CREATE TABLE pair (a INT, b VARCHAR(10), v INT" + mod + ", PRIMARY KEY (a, b))",
                "CREATE TABLE stamped (id " + engine.instantTimestamp(3) + " PRIMARY KEY, v INT" + mod + ")",
                "CREATE TABLE parent (id INT PRIMARY KEY, code INT NOT NULL UNIQUE" + mod + ")",
                "CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL" + mod + ","
                        + " FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE)",
                "CREATE TABLE grandchild (id INT PRIMARY KEY, child_id INT NOT NULL" + mod + ","
                        + " FOREIGN KEY (child_id) REFERENCES child (id) ON DELETE CASCADE)",
                "CREATE TABLE orphanable (id INT PRIMARY KEY, parent_id INT NULL" + mod + ","
                        + " FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE SET NULL)",
                "CREATE TABLE follower (id INT PRIMARY KEY, parent_code INT NOT NULL" + mod + ","
                        + " FOREIGN KEY (parent_code) REFERENCES parent (code) ON UPDATE CASCADE)",
                "CREATE TABLE line (parent_id INT NOT NULL, n INT NOT NULL" + mod + ", PRIMARY KEY (parent_id, n),"
                        + " FOREIGN KEY (parent_id) REFERENCES parent (id) ON UPDATE CASCADE ON DELETE CASCADE)",
                "CREATE TABLE hidden_mid (id INT PRIMARY KEY, parent_id INT NOT NULL,"
                        + " FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE)",
                "CREATE TABLE leaf (id INT PRIMARY KEY, mid_id INT NOT NULL" + mod + ","
                        + " FOREIGN KEY (mid_id) REFERENCES hidden_mid (id) ON DELETE CASCADE)",
                "CREATE TABLE trunc (id INT PRIMARY KEY" + mod + ")",
                "CREATE TABLE recreated (id INT PRIMARY KEY" + mod + ")",
                "CREATE TABLE swapped (id INT PRIMARY KEY" + mod + ")",
                "CREATE TABLE west (id INT PRIMARY KEY, v INT" + localMod + ")",
                "CREATE TABLE east (id INT PRIMARY KEY, v INT" + localMod + ")"));
        // Not pair: its test updates a key and keeps the modification column as it was.
        ddl.addAll(engine.stampedOnUpdate("item", "stamped", "parent", "child", "grandchild", "orphanable", "follower",
                "line", "leaf", "trunc", "recreated", "swapped", "west", "east"));
        engine.exec(db, ddl.toArray(String[]::new));
        adapter = engine.adapter(db, "structures.exclude", "hidden_*", "inline-threshold", "1000",
                "page-size", "100", "structure.west.modified-zone", "-05:00", "structure.west.writable", "true",
                "structure.east.modified-zone", "+05:00", "structure.stamped.modified-column", "modified",
                "structure.pair.modified-column", "modified");
        // A forced mode refuses to start without its means, but say it here too: a log run that polled would pass
        // these tests without showing anything about the log.
        assertEquals(engine.mode, adapter.captureMode());
        reads = new HostReads(adapter, HOST);
    }

    @AfterParameterizedClassInvocation
    void stop() {
        if (adapter != null) {
            adapter.close();
        }
    }

    // --- 1. a deleted and re-inserted id is live, never reported deleted ---

    @Test
    void anIdDeletedThenInsertedAgainIsModifiedNotDeleted() throws Exception {
        engine.exec(db, "INSERT INTO item (id, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        Instant t = adapter.getCurrentTime();
        engine.exec(db, "DELETE FROM item WHERE id = 1", "INSERT INTO item (id, v) VALUES (1, 'again')",
                engine.upsert("item", "id, v", "2, 'replaced'", "id", "v = EXCLUDED.v"), "DELETE FROM item WHERE id = 3");
        assertEquals(Set.of("1", "2"), among(reads.modified("item", t), "1", "2", "3"));
        assertEquals(Set.of("3"), among(reads.deleted("item", t), "1", "2", "3"), "1 and 2 are live, whatever their tombstones say");
        assertEquals(Set.of("3"), among(reads.paged(adapter.getDeletedPaged(HOST, "item", t)), "1", "2", "3"),
                "through a cursor too");
    }

    @Test
    void aCompositeIdDeletedThenInsertedAgainIsNotReportedDeleted() throws Exception {
        engine.exec(db, "INSERT INTO pair (a, b, v) VALUES (1, 'x,y', 1), (2, '50%', 2)");
        Instant t = adapter.getCurrentTime();
        engine.exec(db, engine.upsert("pair", "a, b, v", "1, 'x,y', 10", "a, b", "v = EXCLUDED.v, modified = now()"),
                "DELETE FROM pair WHERE a = 2");
        assertEquals(Set.of("1,x%2Cy"), among(reads.modified("pair", t), "1,x%2Cy", "2,50%25"));
        assertEquals(Set.of("2,50%25"), among(reads.deleted("pair", t), "1,x%2Cy", "2,50%25"));
    }

    // --- 2. a key change is a deletion of the old id and a modification of the new one ---

    @Test
    void aPrimaryKeyUpdateDeletesTheOldIdAndDeliversTheNewOne() throws Exception {
        engine.exec(db, "INSERT INTO item (id, v) VALUES (10, 'k')");
        Instant t = adapter.getCurrentTime();
        engine.exec(db, "UPDATE item SET id = 11 WHERE id = 10", "UPDATE item SET v = 'same key' WHERE id = 11");
        assertEquals(Set.of("11"), among(reads.modified("item", t), "10", "11"));
        assertEquals(Set.of("10"), among(reads.deleted("item", t), "10", "11"));
    }

    @Test
    void aKeyUpdateWithAnUntouchedModificationColumnStillDeliversTheNewId() throws Exception {
        engine.exec(db, "INSERT INTO pair (a, b, v, modified) VALUES (7, 'k', 1, " + LONG_AGO + ")");
        Instant t = adapter.getCurrentTime();
        // An explicit value keeps the modification column as it was (MariaDB's ON UPDATE does not apply; pair has no
        // stamping trigger on PostgreSQL).
        engine.exec(db, "UPDATE pair SET b = 'K', modified = modified WHERE a = 7");
        assertEquals(Set.of("7,K"), among(reads.modified("pair", t), "7,k", "7,K"));
        assertEquals(Set.of("7,k"), among(reads.deleted("pair", t), "7,k", "7,K"));
    }

    // --- 3. foreign-key cascades ---

    @Test
    void aCascadingDeleteLeavesTombstonesForChildrenAndGrandchildren() throws Exception {
        engine.exec(db, "INSERT INTO parent (id, code) VALUES (100, 1000), (101, 1010)",
                "INSERT INTO child (id, parent_id) VALUES (1, 100), (2, 100), (3, 101)",
                "INSERT INTO grandchild (id, child_id) VALUES (1, 1), (2, 2), (3, 3)",
                // Stamped long ago, so that only the cascade can bring them back (not the watermark's margin).
                "INSERT INTO orphanable (id, parent_id, modified) VALUES (1, 100, " + LONG_AGO + "), (2, 101, " + LONG_AGO + ")",
                "INSERT INTO hidden_mid (id, parent_id) VALUES (1, 100)",
                "INSERT INTO leaf (id, mid_id) VALUES (1, 1)",
                "INSERT INTO line (parent_id, n) VALUES (100, 1)");
        Instant t = adapter.getCurrentTime();
        engine.exec(db, "DELETE FROM parent WHERE id = 100");
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
        List<String> children = reads.deleted("child", t);
        assertEquals(children.size(), new TreeSet<>(children).size(),
                "one tombstone per cascaded row: no parent trigger repeats the child's own, nor the log's row");
    }

    @Test
    void anUpdateCascadeDeliversTheChangedChildren() throws Exception {
        engine.exec(db, "INSERT INTO parent (id, code) VALUES (200, 2000)",
                "INSERT INTO follower (id, parent_code, modified) VALUES (1, 2000, " + LONG_AGO + "), (2, 2000, " + LONG_AGO + ")",
                "INSERT INTO line (parent_id, n) VALUES (200, 1), (200, 2)");
        Instant t = adapter.getCurrentTime();
        engine.exec(db, "UPDATE parent SET code = 2001 WHERE id = 200", "UPDATE parent SET id = 201 WHERE id = 200");
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
        engine.exec(db, "INSERT INTO trunc (id) VALUES (1), (2)");
        Instant before = adapter.getCurrentTime();
        engine.exec(db, "TRUNCATE TABLE trunc");
        if (engine.postgres()) {
            // PostgreSQL says so at once: a statement trigger (polling) or the log's TRUNCATE message moves the horizon.
            EsaException e = assertThrows(EsaException.class, () -> reads.deleted("trunc", before));
            assertEquals(ErrorCode.NOT_SUPPORTED, e.code(), "the horizon moved at once");
        }
        assertCapturedAfresh("trunc", before);
    }

    @Test
    void aDroppedAndCreatedTableGetsItsTriggersBackAndAsksTheHostToCompareIds() throws Exception {
        engine.exec(db, "INSERT INTO recreated (id) VALUES (1), (2)");
        Instant before = adapter.getCurrentTime();
        List<String> recreate = new ArrayList<>(List.of("DROP TABLE recreated",
                "CREATE TABLE recreated (id INT PRIMARY KEY" + mod + ")"));
        recreate.addAll(engine.stampedOnUpdate("recreated"));
        engine.exec(db, recreate.toArray(String[]::new));
        assertCapturedAfresh("recreated", before);
    }

    @Test
    void aTableSwappedInByRenameGetsItsTriggersBackAndAsksTheHostToCompareIds() throws Exception {
        List<String> arrange = new ArrayList<>(List.of("INSERT INTO swapped (id) VALUES (1), (2)",
                "CREATE TABLE swapped_new (id INT PRIMARY KEY" + mod + ")", "CREATE TABLE hidden_old (id INT PRIMARY KEY)"));
        arrange.addAll(engine.stampedOnUpdate("swapped_new"));
        engine.exec(db, arrange.toArray(String[]::new));
        Instant before = adapter.getCurrentTime();
        engine.exec(db, "DROP TABLE hidden_old");
        engine.exec(db, engine.renameSwap("swapped", "hidden_old", "swapped_new").toArray(String[]::new));
        Instant after = assertCapturedAfresh("swapped", before);
        engine.exec(db, "DELETE FROM hidden_old WHERE id = 2");
        assertEquals(List.of("5"), reads.deleted("swapped", after), "the old table's deletions are not taken for the new one's");
    }

    /**
     * After the table changed behind our back: startSync notices, the old range is refused, new deletes are seen.
     * Polling: the delete trigger is back on the table (that is how the new deletes are seen); log capture: the
     * table's identity tells it changed, and the log gives the deletes.
     */
    private Instant assertCapturedAfresh(String table, Instant before) throws Exception {
        adapter.startSync(HOST, "esa-bridge-1");
        EsaException e = assertThrows(EsaException.class, () -> reads.deleted(table, before));
        assertEquals(ErrorCode.NOT_SUPPORTED, e.code());
        Instant after = adapter.getCurrentTime();
        engine.exec(db, "INSERT INTO " + table + " (id) VALUES (5), (6)", "DELETE FROM " + table + " WHERE id = 5");
        assertEquals(List.of("5"), reads.deleted(table, after));
        adapter.startSync(HOST, "esa-bridge-1");
        assertEquals(List.of("5"), reads.deleted(table, after), "a startSync with nothing changed keeps the horizon");
        if (engine.postgres() && engine.mode == CaptureMode.BINLOG) {
            // The table joined the publication at the first startSync, polled until the change index holds every
            // change of it: the host's after, taken meanwhile, is answered alike once it is read from the log
            // (PgLogJoinDeletionsTest). Waited for, so that the read below is on that side whatever the machine's speed.
            LogCapture capture = (LogCapture) adapter.captureStatus();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (capture.uncapturable().containsKey(table)) {
                assertTrue(System.nanoTime() < deadline, table + " never came to be read from the log");
                adapter.startSync(HOST, "esa-bridge-1"); // a reload moves the join on too
            }
            assertEquals(List.of("5"), reads.deleted(table, after), "read from the log now");
        }
        return after;
    }

    /** The exposed tables with delete strategy {@code tombstone}: in polling mode each has a delete and a key trigger. */
    private static final List<String> EXPOSED = List.of("child", "east", "follower", "grandchild", "item", "leaf", "line",
            "orphanable", "pair", "parent", "recreated", "stamped", "swapped", "trunc", "west");

    @Test
    void triggersInPlaceAreLeftAloneByTheNextStartSync() throws Exception {
        adapter.startSync(HOST, "esa-bridge-1");
        String before = adapterTriggers();
        Set<String> names = new TreeSet<>(before.lines().map(l -> l.split(" ")[0]).toList());
        if (!engine.postgres()) {
            // Both modes: the cascade triggers on every parent whose rows cascade into an exposed structure (InnoDB's
            // cascades fire no trigger and write no log row): parent (child, orphanable, line, follower, and leaf
            // through the hidden hidden_mid), child (grandchild) and hidden_mid (leaf), itself not exposed.
            List<String> expected = new ArrayList<>(List.of("esa_cd_child", "esa_cd_hidden_mid", "esa_cd_parent",
                    "esa_cu_parent"));
            if (engine.mode == CaptureMode.POLLING) {
                // Polling only: a delete trigger and a key-change trigger on every exposed tombstone table. In binlog
                // mode the log has every delete and both images of a key change, so neither is installed.
                EXPOSED.forEach(t -> expected.addAll(List.of("esa_del_" + t, "esa_key_" + t)));
            }
            assertEquals(new TreeSet<>(expected), names, before);
        } else if (engine.mode == CaptureMode.POLLING) {
            // PostgreSQL's cascades fire the children's own row triggers; the parent's carry what a child cannot see
            // (SET NULL of orphanable, the key moved along in line) and TRUNCATE has a statement trigger.
            assertTrue(names.containsAll(List.of("esa_del_child", "esa_tr_child", "esa_cu_parent", "esa_cd_parent")), before);
        } else {
            // The log has every row of every cascade, both images of a key change and the TRUNCATE: no trigger, but
            // on a table recreated or swapped in by the tests beside this one, polled while it joined the publication.
            assertEquals(List.of(), names.stream().filter(n -> !n.endsWith("_recreated") && !n.endsWith("_swapped")
                    && !n.endsWith("_swapped_new")).toList(), before);
        }
        adapter.startSync(HOST, "esa-bridge-1");
        assertEquals(before, adapterTriggers(), "no trigger replaced when nothing changed");
    }

    /** Name, table and the trigger's identity (creation time, or the row's xmin: a replaced trigger is new) of ours. */
    private String adapterTriggers() throws Exception {
        String sql = engine.postgres()
                ? "SELECT t.tgname, c.relname, t.xmin::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                        + " WHERE t.tgname LIKE 'esa%' ORDER BY 1, 2"
                : "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, CREATED FROM information_schema.TRIGGERS"
                        + " WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME LIKE 'esa%' ORDER BY TRIGGER_NAME";
        StringBuilder sb = new StringBuilder();
        try (Connection c = engine.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                sb.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(' ').append(rs.getString(3)).append('\n');
            }
        }
        return sb.toString();
    }

    // --- 5. local-time modification columns in the writer's zone ---

    @Test
    void aWriterWestOfUtcIsNotMissed() throws Exception {
        Instant t = adapter.getCurrentTime();
        writeInZone("-05:00", "INSERT INTO west (id, v) VALUES (1, 1)");
        List<ExternalRecord> rows = records("west", t);
        assertEquals(List.of("1"), rows.stream().map(ExternalRecord::id).toList());
        // Log capture finds the row by the index whatever the column says, but the record's modifiedAt (and the
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
        // Polling selects by the column, so this needs the zone; log mode selects by the commit's stamp in the
        // change index, and shows that the column's zone cannot pull a committed row back into a later window.
        assertEquals(List.of(), reads.modified("east", t), "not stamped 5 h in the future");
    }

    private List<ExternalRecord> records(String structure, Instant after) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getModified(structure, after, sink));
        return sink.records();
    }

    private void writeInZone(String zone, String sql) throws Exception {
        try (Connection c = engine.connect(db); Statement s = c.createStatement()) {
            s.execute(engine.setZone(zone));
            s.execute(sql);
        }
    }

    // --- 6. ids that do not round-trip ---

    @Test
    void aTimestampIdIsTombstonedInUtcWhateverTheDeletingSessionsZone() throws Exception {
        Instant t0 = adapter.getCurrentTime();
        engine.exec(db, "INSERT INTO stamped (id, v) VALUES ('2026-03-29 01:30:00.125', 1)");
        // Read after t0, not from the epoch: in log mode that is the change index, whose id is spelled from the
        // log's value (an epoch from the start would read the whole table instead).
        List<String> ids = reads.modified("stamped", t0);
        assertEquals(List.of("2026-03-29T01:30:00.125Z"), ids);
        Instant t = adapter.getCurrentTime();
        writeInZone("+05:30", "DELETE FROM stamped WHERE v = 1");
        assertEquals(ids, reads.deleted("stamped", t), "polling: the trigger's tombstone; log: the row's old image");
    }

    @Test
    void approximateNumbersAreRefusedAsIdsAtStartNamingTheWayOut() throws Exception {
        String other = db + "_float";
        engine.fresh(other);
        List<String> ddl = new ArrayList<>(List.of(
                "CREATE TABLE measure (id DOUBLE PRECISION PRIMARY KEY, code INT NOT NULL UNIQUE" + mod + ")"));
        ddl.addAll(engine.stampedOnUpdate("measure"));
        engine.exec(other, ddl.toArray(String[]::new));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> engine.adapter(other));
        assertTrue(e.getMessage().contains("measure") && e.getMessage().contains("structure.measure.id-columns"),
                e.getMessage());
        try (JdbcAdapter fixed = engine.adapter(other, "structure.measure.id-columns", "code")) {
            assertEquals(engine.mode, fixed.captureMode());
            // The way out works for changes and deletions alike: the id is the exact code, whatever the double.
            Instant t = fixed.getCurrentTime();
            engine.exec(other, "INSERT INTO measure (id, code) VALUES (1e20, 7), (2.5, 8)");
            RecordingResultHandler sink = new RecordingResultHandler();
            assertTrue(fixed.getModified("measure", t, sink));
            assertEquals(Set.of("7", "8"), new TreeSet<>(sink.records().stream().map(ExternalRecord::id).toList()));
            engine.exec(other, "DELETE FROM measure WHERE code = 7");
            RecordingResultHandler gone = new RecordingResultHandler();
            assertTrue(fixed.getDeleted("measure", t, gone));
            assertEquals(List.of("7"), gone.ids());
        }
    }
}
