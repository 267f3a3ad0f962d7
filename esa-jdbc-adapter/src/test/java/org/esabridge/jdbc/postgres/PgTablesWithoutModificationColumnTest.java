package org.esabridge.jdbc.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.FieldValue;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.capture.CaptureMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Tables without a modification column on PostgreSQL, as on MariaDB: in log capture they are served with the stamp
 * of each row's latest change in the change index (its key hashed with sha256, built in, where MariaDB's is SHA-1);
 * {@code change-tracking=version-table} keeps a version table in the state schema, in log capture and in polling;
 * a table with no usable key is named once in the start's "not served:" line with the remedy.
 */
@Tag("database")
class PgTablesWithoutModificationColumnTest {
    private static final String DB = "esa_pg_no_mod_test";
    private static final Session HOST = new Session("host");
    private static final String NO_KEY = "3 table(s) with no primary key and no unique key over NOT NULL columns"
            + " (keyless, keyless_versioned, unique_nullable) - add one, or set structure.<table>.id-columns to columns"
            + " that identify a row";
    private static JdbcAdapter adapter;

    @BeforeAll
    static void start() {
        TestPostgres.freshDatabase(DB);
        TestPostgres.exec(DB,
                "CREATE TABLE plain (id integer PRIMARY KEY, v text)",
                "CREATE TABLE pair (a integer, b varchar(10), v integer, PRIMARY KEY (a, b))",
                "CREATE TABLE versioned (id integer PRIMARY KEY, v text)",
                "CREATE TABLE keyless (v integer)",
                "CREATE TABLE keyless_versioned (v integer)",
                "CREATE TABLE unique_nullable (code varchar(10) UNIQUE, v integer)",
                "INSERT INTO plain VALUES (1, 'one'), (2, 'two'), (3, 'three')",
                "INSERT INTO pair VALUES (1, 'a,b', 1), (2, 'c%d', 2)",
                "INSERT INTO versioned VALUES (1, 'one'), (2, 'two')",
                "INSERT INTO keyless VALUES (1)");
        adapter = TestPostgres.adapter(DB, settings());
    }

    private static String[] settings(String... extra) {
        List<String> s = new java.util.ArrayList<>(List.of("capture-heartbeat-seconds", "1",
                "structure.plain.writable", "true", "structure.pair.writable", "true",
                "structure.versioned.writable", "true", "structure.versioned.change-tracking", "version-table",
                "structure.keyless_versioned.change-tracking", "version-table"));
        s.addAll(List.of(extra));
        return s.toArray(String[]::new);
    }

    @AfterAll
    static void stop() {
        if (adapter != null) {
            adapter.close();
        }
    }

    private static Map<String, Instant> modified(JdbcAdapter a, String structure, Instant after) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(a.getModified(structure, after, sink));
        Map<String, Instant> out = new TreeMap<>();
        sink.records().forEach(r -> out.put(r.id(), r.modifiedAt()));
        return out;
    }

    private static ExternalRecord rec(String id, String field, String v) {
        return new ExternalRecord(id, null, List.of(new FieldValue(field, v)));
    }

    @Test
    void logCaptureServesThemAndNamesTheKeylessOnesOnceWithTheRemedy() throws Exception {
        assertEquals(CaptureMode.BINLOG, adapter.captureMode());
        assertEquals(List.of("pair", "plain", "versioned"),
                adapter.getStructureList().stream().map(ExternalStructure::name).sorted().toList());
        List<String> summary = adapter.captureSummary();
        String notServed = summary.get(summary.size() - 1);
        assertEquals("not served: " + NO_KEY, notServed);
        assertEquals(1, String.join("\n", summary).split("keyless_versioned", -1).length - 1, summary.toString());
        assertEquals(ErrorCode.UNKNOWN_STRUCTURE, assertThrows(EsaException.class, () -> adapter.read("keyless", "1")).code());
    }

    @Test
    void aRowsModificationTimeIsItsStampInTheChangeIndex() throws Exception {
        Map<String, Instant> all = modified(adapter, "plain", Instant.EPOCH);
        assertEquals(List.of("1", "2", "3"), List.copyOf(all.keySet()));
        Instant t0 = adapter.getCurrentTime();
        TestPostgres.exec(DB, "UPDATE plain SET v = 'uno' WHERE id = 1", "UPDATE pair SET v = 20 WHERE a = 1");
        Instant t1 = adapter.getCurrentTime();
        for (String table : List.of("plain", "pair")) {
            Map<String, Instant> changed = modified(adapter, table, t0);
            assertEquals(1, changed.size(), table + ": " + changed);
            Map.Entry<String, Instant> e = changed.entrySet().iterator().next();
            assertTrue(e.getValue().isAfter(t0) && !e.getValue().isAfter(t1), table + ": " + e);
            assertEquals(e.getValue(), adapter.read(table, e.getKey()).modifiedAt(), table);
            assertEquals(Map.of(), modified(adapter, table, t1), table);
        }
        assertEquals("1,a%2Cb", modified(adapter, "pair", t0).keySet().iterator().next());
        // A row unchanged since capture started is as old as the index's horizon, and so is its read.
        Instant untouched = modified(adapter, "plain", Instant.EPOCH).get("2");
        assertTrue(untouched.isBefore(t0), untouched.toString());
        assertEquals(untouched, adapter.read("plain", "2").modifiedAt());
        // A cursor's pages give the same records and times as the inline read.
        for (Instant after : List.of(Instant.EPOCH, t0)) {
            Session session = new Session("pager");
            org.esabridge.api.Cursor cursor = adapter.getModifiedPaged(session, "plain", after);
            RecordingResultHandler paged = new RecordingResultHandler();
            for (long p = 0; p < cursor.pageCount(); p++) {
                adapter.readDataPage(session, cursor.cursorId(), p, paged);
            }
            adapter.closeCursor(session, cursor.cursorId());
            Map<String, Instant> pagedById = new TreeMap<>();
            paged.records().forEach(r -> pagedById.put(r.id(), r.modifiedAt()));
            assertEquals(modified(adapter, "plain", after), pagedById, "after " + after);
        }
    }

    @Test
    void aHostWriteAnswersItsNextLastSeenAndIsRefusedAfterAnotherWritersChange() throws Exception {
        for (String[] row : List.of(new String[] {"plain", "3", "v"}, new String[] {"pair", "2,c%25d", "v"})) {
            String table = row[0];
            String id = row[1];
            ExternalRecord r = adapter.read(table, id);
            Instant m1 = adapter.update(HOST, table, r.modifiedAt(), rec(id, row[2], "7"));
            assertTrue(m1.isAfter(r.modifiedAt()), table);
            assertEquals(m1, adapter.read(table, id).modifiedAt(), table);
            assertEquals(m1, modified(adapter, table, r.modifiedAt()).get(id), table);

            TestPostgres.exec(DB, table.equals("plain") ? "UPDATE plain SET v = 'app' WHERE id = 3"
                    : "UPDATE pair SET v = 99 WHERE a = 2");
            EsaRecordException stale = assertThrows(EsaRecordException.class,
                    () -> adapter.update(HOST, table, m1, rec(id, row[2], "8")), table);
            assertEquals(ErrorCode.RECORD_MODIFIED, stale.code(), table);
            assertTrue(stale.modifiedAt().isAfter(m1), table);
            assertEquals(ErrorCode.RECORD_MODIFIED, assertThrows(EsaRecordException.class,
                    () -> adapter.delete(HOST, table, m1, id), table).code());
            adapter.update(HOST, table, stale.modifiedAt(), rec(id, row[2], "9"));
            assertEquals("9", adapter.read(table, id).fields().get(0).text(), table);
        }
        ExternalRecord created = adapter.create(HOST, "plain", rec("10", "v", "new"));
        assertEquals(created.modifiedAt(), adapter.read("plain", "10").modifiedAt());
        Instant before = adapter.getCurrentTime();
        adapter.delete(HOST, "plain", created.modifiedAt(), "10");
        RecordingResultHandler deleted = new RecordingResultHandler();
        assertTrue(adapter.getDeleted("plain", before, deleted));
        assertEquals(List.of("10"), deleted.ids());
    }

    @Test
    void aVersionTableInTheStateSchemaDatesEveryWritersChanges() throws Exception {
        assertVersionTableServes(adapter, "versioned");
    }

    @Test
    void pollingServesVersionTablesAndNamesTheTablesItCannotServe() throws Exception {
        TestPostgres.exec(DB, "CREATE TABLE versioned_polled (id integer PRIMARY KEY, v text)",
                "INSERT INTO versioned_polled VALUES (1, 'one'), (2, 'two')");
        try (JdbcAdapter polling = TestPostgres.adapter(DB, settings(JdbcAdapterConfig.CHANGE_CAPTURE, "polling",
                "structure.versioned_polled.writable", "true",
                "structure.versioned_polled.change-tracking", "version-table"))) {
            assertEquals(CaptureMode.POLLING, polling.captureMode());
            assertEquals(List.of("versioned", "versioned_polled"),
                    polling.getStructureList().stream().map(ExternalStructure::name).sorted().toList());
            List<String> summary = polling.captureSummary();
            String last = summary.get(summary.size() - 1);
            assertTrue(last.startsWith("not served: ") && last.contains("; " + NO_KEY)
                    && last.contains("2 table(s) with no modification column (pair, plain) - add a timestamptz(6)"
                    + " column with DEFAULT now() that a BEFORE UPDATE row trigger sets (NEW.<column> := now()), or set"
                    + " structure.<table>.change-tracking=version-table, or capture from the database's log"
                    + " (change-capture=log), which needs neither"), last);
            assertVersionTableServes(polling, "versioned_polled");
        } finally {
            TestPostgres.exec(DB, "DROP TABLE versioned_polled");
        }
    }

    @Test
    void changeIndexRowsKeyedBySha1BeforeAreKeyedBySha256OnUpgrade() throws Exception {
        String db = "esa_pg_rehash_test";
        TestPostgres.freshDatabase(db);
        TestPostgres.exec(db, "CREATE TABLE plain (id integer PRIMARY KEY, v text)", "INSERT INTO plain VALUES (1, 'one')");
        TestPostgres.adapter(db).close();
        try (Connection c = TestPostgres.connect(db); java.sql.PreparedStatement ps = c.prepareStatement(
                "INSERT INTO esa.esa_change (table_name, row_hash, row_id, kind, stamp, seq)"
                        + " VALUES ('plain', ?, '1', 'M', now() AT TIME ZONE 'UTC', 1000000)"
                        + " ON CONFLICT (table_name, row_hash) DO NOTHING")) {
            // As the version before wrote it: the reader's SHA-1, which the database cannot compute without pgcrypto.
            ps.setBytes(1, java.security.MessageDigest.getInstance("SHA-1").digest("1".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8)));
            ps.executeUpdate();
            try (Statement s = c.createStatement()) {
                s.execute("DELETE FROM esa.esa_change WHERE octet_length(row_hash) = 32");
                s.execute("DELETE FROM esa.esa_schema_version WHERE version >= 8");
            }
        }
        try (JdbcAdapter upgraded = TestPostgres.adapter(db)) {
            assertEquals(CaptureMode.BINLOG, upgraded.captureMode());
            // An index of that version has no join marks: plain joins the log capture once (PgLogJoins), not served
            // until it has.
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (upgraded.getStructureList().stream().noneMatch(s -> s.name().equals("plain"))) {
                assertTrue(System.nanoTime() < deadline, "plain never came to be served");
            }
            Instant stamp = upgraded.read("plain", "1").modifiedAt();
            RecordingResultHandler all = new RecordingResultHandler();
            assertTrue(upgraded.getModified("plain", Instant.EPOCH, all));
            assertEquals(List.of(stamp), all.records().stream().map(ExternalRecord::modifiedAt).toList());
            try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*), min(octet_length(row_hash)) FROM esa.esa_change"
                         + " WHERE table_name = 'plain' AND row_id <> '' AND row_hash = sha256(convert_to(row_id, 'UTF8'))")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "the old row's entry, found by the key the database computes");
            }
        }
    }

    /** Rows, changes, deletions and conditional writes of a structure tracked through a version table. */
    private static void assertVersionTableServes(JdbcAdapter a, String table) throws Exception {
        try (Connection c = TestPostgres.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT schemaname FROM pg_tables WHERE tablename = 'esa_ver_" + table + "'")) {
            assertTrue(rs.next());
            assertEquals("esa", rs.getString(1), "the served schema holds nothing of ours but triggers");
            assertFalse(rs.next());
        }
        assertEquals(List.of("1", "2"), List.copyOf(modified(a, table, Instant.EPOCH).keySet()));
        Instant t0 = a.getCurrentTime();
        TestPostgres.exec(DB, "UPDATE " + table + " SET v = 'uno' WHERE id = 1", "INSERT INTO " + table + " VALUES (3, 'three')");
        assertEquals(List.of("1", "3"), List.copyOf(modified(a, table, t0).keySet()));
        Instant t1 = a.getCurrentTime();
        TestPostgres.exec(DB, "DELETE FROM " + table + " WHERE id = 3");
        RecordingResultHandler deleted = new RecordingResultHandler();
        assertTrue(a.getDeleted(table, t1, deleted));
        assertEquals(List.of("3"), deleted.ids());

        ExternalRecord r = a.read(table, "2");
        Instant m1 = a.update(HOST, table, r.modifiedAt(), rec("2", "v", "host"));
        assertEquals(m1, a.read(table, "2").modifiedAt());
        TestPostgres.exec(DB, "UPDATE " + table + " SET v = 'app' WHERE id = 2");
        EsaRecordException stale = assertThrows(EsaRecordException.class,
                () -> a.update(HOST, table, m1, rec("2", "v", "late")));
        assertEquals(ErrorCode.RECORD_MODIFIED, stale.code());
        assertEquals("app", a.read(table, "2").fields().get(0).text());
    }
}
