package org.esabridge.jdbc.postgres;

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
import org.esabridge.jdbc.HostReads;
import org.esabridge.jdbc.JdbcAdapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The sideways changes of {@code SidewaysChanges} (issue 13) on PostgreSQL: key changes with an untouched
 * modification column, cascades (a cascaded delete fires the child's own row trigger; SET NULL and ON UPDATE
 * CASCADE), TRUNCATE, a dropped and recreated table, a RENAME swap, timestamps without zone written in other zones,
 * a timestamptz id tombstoned in UTC whatever the deleting session's zone. Tables are stamped by the application's
 * trigger ({@code stamp}: now() unless the statement set the column) or not at all ({@code modified-column}).
 */
@Tag("database")
class PostgresSidewaysTest {
    private static final String DB = "esa_pg_sideways_test";
    private static final Session HOST = new Session("host");
    private static final String LONG_AGO = "'2020-01-01 00:00:00+00'";
    private static final String MOD = " modified timestamptz NOT NULL DEFAULT now()";
    private static JdbcAdapter adapter;
    private static HostReads reads;

    @BeforeAll
    static void start() {
        TestPostgres.freshDatabase(DB);
        List<String> ddl = new ArrayList<>(List.of(
                "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.modified IS NOT DISTINCT FROM OLD.modified THEN NEW.modified := now(); END IF;"
                        + " RETURN NEW; END $$",
                "CREATE TABLE pair (a integer, b varchar(10), v integer," + MOD + ", PRIMARY KEY (a, b))",
                "CREATE TABLE parent (id integer PRIMARY KEY, code integer NOT NULL UNIQUE," + MOD + ")",
                "CREATE TABLE child (id integer PRIMARY KEY, parent_id integer NOT NULL REFERENCES parent (id)"
                        + " ON DELETE CASCADE," + MOD + ")",
                "CREATE TABLE grandchild (id integer PRIMARY KEY, child_id integer NOT NULL REFERENCES child (id)"
                        + " ON DELETE CASCADE," + MOD + ")",
                "CREATE TABLE orphanable (id integer PRIMARY KEY, parent_id integer NULL REFERENCES parent (id)"
                        + " ON DELETE SET NULL," + MOD + ")",
                "CREATE TABLE follower (id integer PRIMARY KEY, parent_code integer NOT NULL REFERENCES parent (code)"
                        + " ON UPDATE CASCADE," + MOD + ")",
                "CREATE TABLE line (parent_id integer NOT NULL REFERENCES parent (id) ON DELETE CASCADE ON UPDATE CASCADE,"
                        + " n integer NOT NULL," + MOD + ", PRIMARY KEY (parent_id, n))",
                "CREATE TABLE hidden_mid (id integer PRIMARY KEY, parent_id integer NOT NULL REFERENCES parent (id)"
                        + " ON DELETE CASCADE)",
                "CREATE TABLE leaf (id integer PRIMARY KEY, mid_id integer NOT NULL REFERENCES hidden_mid (id)"
                        + " ON DELETE CASCADE," + MOD + ")",
                "CREATE TABLE trunc (id integer PRIMARY KEY," + MOD + ")",
                "CREATE TABLE recreated (id integer PRIMARY KEY," + MOD + ")",
                "CREATE TABLE swapped (id integer PRIMARY KEY," + MOD + ")",
                "CREATE TABLE west (id integer PRIMARY KEY, v integer, modified timestamp(6) NOT NULL DEFAULT now())",
                "CREATE TABLE east (id integer PRIMARY KEY, v integer, modified timestamp(6) NOT NULL DEFAULT now())",
                "CREATE TABLE stamped (id timestamptz(3) PRIMARY KEY, v integer," + MOD + ")"));
        for (String t : List.of("parent", "child", "grandchild", "orphanable", "follower", "line", "leaf", "trunc",
                "recreated", "swapped", "west", "east", "stamped")) {
            ddl.add("CREATE TRIGGER " + t + "_stamp BEFORE UPDATE ON " + t + " FOR EACH ROW EXECUTE FUNCTION stamp()");
        }
        TestPostgres.exec(DB, ddl.toArray(String[]::new));
        adapter = TestPostgres.adapter(DB, "change-capture", "polling",
                "structure.pair.modified-column", "modified", "structure.west.writable", "true",
                "structure.west.modified-zone", "-05:00", "structure.east.modified-zone", "+05:00");
        reads = new HostReads(adapter, HOST);
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    @Test
    void aKeyUpdateWithAnUntouchedModificationColumnStillDeliversTheNewId() throws Exception {
        TestPostgres.exec(DB, "INSERT INTO pair (a, b, v, modified) VALUES (7, 'k', 1, " + LONG_AGO + ")");
        Instant t = adapter.getCurrentTime();
        TestPostgres.exec(DB, "UPDATE pair SET b = 'K' WHERE a = 7"); // no trigger keeps pair's column
        assertEquals(Set.of("7,K"), among(reads.modified("pair", t), "7,k", "7,K"));
        assertEquals(Set.of("7,k"), among(reads.deleted("pair", t), "7,k", "7,K"));
    }

    @Test
    void aCascadingDeleteLeavesTombstonesForChildrenAndGrandchildren() throws Exception {
        TestPostgres.exec(DB, "INSERT INTO parent (id, code) VALUES (100, 1000), (101, 1010)",
                "INSERT INTO child (id, parent_id) VALUES (1, 100), (2, 100), (3, 101)",
                "INSERT INTO grandchild (id, child_id) VALUES (1, 1), (2, 2), (3, 3)",
                "INSERT INTO orphanable (id, parent_id, modified) VALUES (1, 100, " + LONG_AGO + "), (2, 101, "
                        + LONG_AGO + ")",
                "INSERT INTO hidden_mid (id, parent_id) VALUES (1, 100)",
                "INSERT INTO leaf (id, mid_id) VALUES (1, 1)",
                "INSERT INTO line (parent_id, n) VALUES (100, 1)");
        Instant t = adapter.getCurrentTime();
        TestPostgres.exec(DB, "DELETE FROM parent WHERE id = 100");
        assertEquals(Set.of("100"), among(reads.deleted("parent", t), "100", "101"));
        assertEquals(Set.of("1", "2"), among(reads.deleted("child", t), "1", "2", "3"));
        assertEquals(Set.of("1", "2"), among(reads.deleted("grandchild", t), "1", "2", "3"), "two levels down");
        assertEquals(Set.of("1"), among(reads.deleted("leaf", t), "1"), "through a table that is not exposed");
        assertEquals(Set.of("100,1"), among(reads.deleted("line", t), "100,1"));
        assertEquals(Set.of("1"), among(reads.modified("orphanable", t), "1", "2"), "set to NULL by the cascade");
        assertEquals(Set.of(), among(reads.deleted("orphanable", t), "1", "2"));
        assertEquals(Set.of("1"), among(reads.paged(adapter.getModifiedPaged(HOST, "orphanable", t)), "1", "2"));
        assertEquals(List.of("1", "2"), reads.deleted("child", t).stream().sorted().distinct().toList().subList(0, 2));
        assertEquals(reads.deleted("child", t).size(), new TreeSet<>(reads.deleted("child", t)).size(),
                "one tombstone per cascaded row: no parent trigger repeats the child's own");
    }

    @Test
    void anUpdateCascadeDeliversTheChangedChildren() throws Exception {
        TestPostgres.exec(DB, "INSERT INTO parent (id, code) VALUES (200, 2000)",
                "INSERT INTO follower (id, parent_code, modified) VALUES (1, 2000, " + LONG_AGO + "), (2, 2000, "
                        + LONG_AGO + ")",
                "INSERT INTO line (parent_id, n) VALUES (200, 1), (200, 2)");
        Instant t = adapter.getCurrentTime();
        TestPostgres.exec(DB, "UPDATE parent SET code = 2001 WHERE id = 200", "UPDATE parent SET id = 201 WHERE id = 200");
        String[] lines = {"200,1", "200,2", "201,1", "201,2"};
        assertEquals(Set.of("1", "2"), among(reads.modified("follower", t), "1", "2"));
        assertEquals("2001", adapter.read("follower", "1").field("parent_code").text());
        assertEquals(Set.of("201,1", "201,2"), among(reads.modified("line", t), lines), "the children's keys moved along");
        assertEquals(Set.of("200,1", "200,2"), among(reads.deleted("line", t), lines));
    }

    @Test
    void aTruncatedTableAsksTheHostToCompareIds() throws Exception {
        TestPostgres.exec(DB, "INSERT INTO trunc (id) VALUES (1), (2)");
        Instant before = adapter.getCurrentTime();
        TestPostgres.exec(DB, "TRUNCATE trunc");
        EsaException e = assertThrows(EsaException.class, () -> reads.deleted("trunc", before));
        assertEquals(ErrorCode.NOT_SUPPORTED, e.code(), "the statement trigger moved the horizon at once");
        assertCapturedAfresh("trunc", before);
    }

    @Test
    void aDroppedAndCreatedTableGetsItsTriggersBackAndAsksTheHostToCompareIds() throws Exception {
        TestPostgres.exec(DB, "INSERT INTO recreated (id) VALUES (1), (2)");
        Instant before = adapter.getCurrentTime();
        TestPostgres.exec(DB, "DROP TABLE recreated", "CREATE TABLE recreated (id integer PRIMARY KEY," + MOD + ")",
                "CREATE TRIGGER recreated_stamp BEFORE UPDATE ON recreated FOR EACH ROW EXECUTE FUNCTION stamp()");
        assertCapturedAfresh("recreated", before);
    }

    @Test
    void aTableSwappedInByRenameGetsItsTriggersBackAndAsksTheHostToCompareIds() throws Exception {
        TestPostgres.exec(DB, "INSERT INTO swapped (id) VALUES (1), (2)",
                "CREATE TABLE swapped_new (id integer PRIMARY KEY," + MOD + ")",
                "CREATE TRIGGER swapped_new_stamp BEFORE UPDATE ON swapped_new FOR EACH ROW EXECUTE FUNCTION stamp()",
                "CREATE TABLE hidden_old (id integer PRIMARY KEY)");
        Instant before = adapter.getCurrentTime();
        TestPostgres.exec(DB, "DROP TABLE hidden_old", "ALTER TABLE swapped RENAME TO hidden_old",
                "ALTER TABLE swapped_new RENAME TO swapped");
        Instant after = assertCapturedAfresh("swapped", before);
        TestPostgres.exec(DB, "DELETE FROM hidden_old WHERE id = 2");
        assertEquals(List.of("5"), reads.deleted("swapped", after), "the old table's deletions are not taken for the new one's");
    }

    /** After the table changed behind our back: startSync notices, the old range is refused, new deletes are seen. */
    private static Instant assertCapturedAfresh(String table, Instant before) throws Exception {
        adapter.startSync(HOST, "esa-bridge-1");
        EsaException e = assertThrows(EsaException.class, () -> reads.deleted(table, before));
        assertEquals(ErrorCode.NOT_SUPPORTED, e.code());
        Instant after = adapter.getCurrentTime();
        TestPostgres.exec(DB, "INSERT INTO " + table + " (id) VALUES (5), (6)", "DELETE FROM " + table + " WHERE id = 5");
        assertEquals(List.of("5"), reads.deleted(table, after));
        adapter.startSync(HOST, "esa-bridge-1");
        assertEquals(List.of("5"), reads.deleted(table, after), "a startSync with nothing changed keeps the horizon");
        return after;
    }

    @Test
    void triggersInPlaceAreLeftAloneByTheNextStartSync() throws Exception {
        adapter.startSync(HOST, "esa-bridge-1");
        String before = adapterTriggers();
        assertTrue(before.contains("esa_del_child child"), before);
        assertTrue(before.contains("esa_tr_child child"), before);
        assertTrue(before.contains("esa_cu_parent parent"), before);
        assertTrue(before.contains("esa_cd_parent parent"), "SET NULL of orphanable still needs the parent's: " + before);
        adapter.startSync(HOST, "esa-bridge-1");
        assertEquals(before, adapterTriggers(), "no trigger replaced when nothing changed");
        try (Connection c = TestPostgres.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_proc WHERE proname LIKE 'esa%'"
                     + " AND pronamespace = 'public'::regnamespace")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the trigger functions live in the esa schema");
        }
    }

    /** Name, table and the trigger row's identity (a replaced trigger is a new row) of every adapter trigger. */
    private static String adapterTriggers() throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Connection c = TestPostgres.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT t.tgname, c.relname, t.xmin::text FROM pg_trigger t"
                     + " JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE 'esa%' ORDER BY 1, 2")) {
            while (rs.next()) {
                sb.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(' ').append(rs.getString(3))
                        .append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void aWriterWestOfUtcIsNotMissed() throws Exception {
        Instant t = adapter.getCurrentTime();
        writeInZone("-05:00", "INSERT INTO west (id, v) VALUES (1, 1)");
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getModified("west", t, sink));
        assertEquals(List.of("1"), sink.records().stream().map(ExternalRecord::id).toList());
        Instant at = sink.records().get(0).modifiedAt();
        assertFalse(at.isBefore(t), at + " read as the instant it was written, not 5 h earlier");
        assertTrue(at.isBefore(adapter.getCurrentTime()));
        Instant written = adapter.update(HOST, "west", at, new ExternalRecord("1", null, List.of(new FieldValue("v", "2"))));
        writeInZone("-05:00", "UPDATE west SET v = 3 WHERE id = 1");
        assertEquals(ErrorCode.RECORD_MODIFIED, assertThrows(EsaException.class, () -> adapter.update(HOST, "west",
                written, new ExternalRecord("1", null, List.of(new FieldValue("v", "4"))))).code());
    }

    @Test
    void aWriterEastOfUtcIsNotDeliveredAgainOnEverySync() throws Exception {
        writeInZone("+05:00", "INSERT INTO east (id, v) VALUES (1, 1)");
        Instant t = adapter.getCurrentTime();
        assertEquals(List.of(), reads.modified("east", t), "not stamped 5 h in the future");
    }

    private static void writeInZone(String zone, String sql) throws Exception {
        try (Connection c = TestPostgres.connect(DB); Statement s = c.createStatement()) {
            s.execute("SET TIME ZONE INTERVAL '" + zone + "' HOUR TO MINUTE");
            s.execute(sql);
        }
    }

    @Test
    void aTimestampIdIsTombstonedInUtcWhateverTheDeletingSessionsZone() throws Exception {
        Instant t0 = adapter.getCurrentTime();
        TestPostgres.exec(DB, "INSERT INTO stamped (id, v) VALUES ('2026-03-29 01:30:00.125+00', 1)");
        assertEquals(List.of("2026-03-29T01:30:00.125Z"), reads.modified("stamped", t0));
        Instant t = adapter.getCurrentTime();
        writeInZone("+09:00", "DELETE FROM stamped");
        assertEquals(List.of("2026-03-29T01:30:00.125Z"), reads.deleted("stamped", t));
    }
}
