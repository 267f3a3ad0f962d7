package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.FieldValue;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.capture.CaptureMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A schema made by someone else: tables keyed by a primary key, by a unique key over NOT NULL columns only, by
 * nothing usable; with and without a modification column. With default settings binlog capture serves every keyed
 * table, the ones without a modification column stamped by the change index, and names every other table once at
 * start with its reason and remedy; polling names the ones it cannot serve too. A host's conditional write to an
 * index-stamped table is refused whenever the row changed after its last-seen, also when the change is another
 * writer's, committed just before (the reader has not indexed it yet) or waiting on the row's lock.
 */
@Tag("database")
class OtherPeoplesSchemasTest {
    private static final String DB = "esa_other_schemas";
    private static final Session HOST = new Session("host");
    private static JdbcAdapter adapter;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB,
                "CREATE TABLE keyed_mod (id INT PRIMARY KEY, v INT,"
                        + " m TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                "CREATE TABLE keyed_plain (id INT PRIMARY KEY, v VARCHAR(20))",
                "CREATE TABLE unique_plain (code VARCHAR(10) COLLATE utf8mb4_bin NOT NULL, v INT, UNIQUE KEY by_code (code))",
                "CREATE TABLE composite_plain (a INT NOT NULL, b DATE NOT NULL, v INT, PRIMARY KEY (a, b))",
                "CREATE TABLE unique_nullable (code VARCHAR(10) NULL, v INT, UNIQUE KEY (code))",
                "CREATE TABLE keyless (v INT)",
                "CREATE TABLE time_keyed (id TIME PRIMARY KEY, v INT)",
                "CREATE TABLE keyless_versioned (v INT)",
                "INSERT INTO keyed_mod (id, v) VALUES (1, 1)",
                "INSERT INTO keyed_plain VALUES (1, 'one'), (2, 'two'), (3, 'three')",
                "INSERT INTO unique_plain VALUES ('a', 1), ('b', 2)",
                "INSERT INTO composite_plain VALUES (1, '2020-01-02', 1), (2, '2021-03-04', 2)",
                "INSERT INTO keyless VALUES (1)");
        adapter = TestDatabase.adapter(DB, "structure.keyless_versioned.change-tracking", "version-table",
                "structure.keyed_plain.writable", "true", "structure.unique_plain.writable", "true",
                "query-timeout-seconds", "20");
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    @Test
    void binlogServesEveryKeyedTableAndNamesTheOthersOnceWithTheRemedy() throws Exception {
        assertEquals(CaptureMode.BINLOG, adapter.captureMode());
        assertEquals(List.of("composite_plain", "keyed_mod", "keyed_plain", "unique_plain"),
                adapter.getStructureList().stream().map(ExternalStructure::name).toList());
        List<String> summary = adapter.captureSummary();
        assertEquals(3, summary.size(), summary.toString());
        assertFalse(summary.get(0).contains("without an index"), "binlog reads go through the change index");
        assertTrue(summary.get(0).startsWith("change capture: binlog - 4 structure(s), every committed change in"
                + " commit order from the binary log; 3 of them without a modification column"), summary.get(0));
        assertEquals("not served: 1 table(s) with no modification column and ids the binary log cannot spell (id column"
                + " id of type time cannot be read exactly from the binary log) (time_keyed) - add a modification column,"
                + " or set structure.<table>.change-tracking=version-table; 3 table(s) with no primary key and no unique"
                + " key over NOT NULL columns (keyless, keyless_versioned, unique_nullable) - add one, or set"
                + " structure.<table>.id-columns to columns that identify a row", summary.get(2));
        assertEquals(ErrorCode.UNKNOWN_STRUCTURE, assertThrows(org.esabridge.api.EsaException.class,
                () -> adapter.read("time_keyed", "10:00:00")).code());
        assertEquals(ErrorCode.UNKNOWN_STRUCTURE, assertThrows(org.esabridge.api.EsaException.class,
                () -> adapter.read("keyless", "1")).code());
    }

    @Test
    void aTableCreatedLaterThatCannotBeServedIsNamedInTheLogOnce() throws Exception {
        TestDatabase.exec(DB, "CREATE TABLE late_keyless (v INT)");
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 3; i++) {
                assertFalse(adapter.getStructureList().stream().anyMatch(st -> st.name().equals("late_keyless")));
            }
        } finally {
            System.setErr(err);
            TestDatabase.exec(DB, "DROP TABLE late_keyless");
            adapter.getStructureList();
        }
        String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        String line = "table late_keyless is not served: no primary key and no unique key over NOT NULL columns - add"
                + " one, or set structure.late_keyless.id-columns to columns that identify a row";
        assertEquals(1, log.split(java.util.regex.Pattern.quote(line), -1).length - 1, log);
    }

    @Test
    void pollingNamesTheTablesItCannotServe() throws Exception {
        try (JdbcAdapter polling = TestDatabase.adapter(DB, JdbcAdapterConfig.CHANGE_CAPTURE, "polling")) {
            assertEquals(List.of("keyed_mod"), polling.getStructureList().stream().map(ExternalStructure::name).toList());
            List<String> summary = polling.captureSummary();
            assertTrue(summary.get(0).contains("; 1 without an index led by the modification column (keyed_mod), so each"
                    + " sync reads them whole - e.g. CREATE INDEX esa_modified ON"), summary.get(0));
            String last = summary.get(summary.size() - 1);
            assertTrue(last.startsWith("not served: 4 table(s) with no modification column (composite_plain, keyed_plain,"
                    + " time_keyed, unique_plain) - add a TIMESTAMP(6) column"), last);
            assertTrue(last.contains("3 table(s) with no primary key"), last);
        }
    }

    @Test
    void modifiedAtOfATableWithoutAModificationColumnIsItsRowsStampInTheChangeIndex() throws Exception {
        Instant t0 = adapter.getCurrentTime();
        TestDatabase.exec(DB, "UPDATE composite_plain SET v = 20 WHERE a = 2", "UPDATE unique_plain SET v = 7 WHERE code = 'b'");
        Instant t1 = adapter.getCurrentTime();
        for (String table : List.of("composite_plain", "unique_plain")) {
            RecordingResultHandler changed = new RecordingResultHandler();
            assertTrue(adapter.getModified(table, t0, changed));
            assertEquals(1, changed.records().size(), table);
            ExternalRecord r = changed.records().get(0);
            assertTrue(r.modifiedAt().isAfter(t0) && !r.modifiedAt().isAfter(t1), table + ": " + r.modifiedAt());
            assertEquals(r.modifiedAt(), adapter.read(table, r.id()).modifiedAt(), table);
            RecordingResultHandler later = new RecordingResultHandler();
            assertTrue(adapter.getModified(table, t1, later));
            assertEquals(List.of(), later.records(), table);
        }
        // A row unchanged since capture started is as old as the index's horizon: every full read delivers it.
        RecordingResultHandler all = new RecordingResultHandler();
        assertTrue(adapter.getModified("composite_plain", Instant.EPOCH, all));
        ExternalRecord untouched = all.records().stream().filter(r -> r.id().startsWith("1,")).findFirst().orElseThrow();
        assertTrue(untouched.modifiedAt().isBefore(t0), untouched.modifiedAt().toString());
        assertEquals(untouched.modifiedAt(), adapter.read("composite_plain", untouched.id()).modifiedAt());
    }

    @Test
    void pagedReadsGiveTheSameRecordsAndTimesAsInlineOnes() throws Exception {
        Instant t0 = adapter.getCurrentTime();
        TestDatabase.exec(DB, "INSERT INTO composite_plain VALUES (3, '2022-05-06', 3)");
        for (Instant after : List.of(Instant.EPOCH, t0)) {
            RecordingResultHandler inline = new RecordingResultHandler();
            assertTrue(adapter.getModified("composite_plain", after, inline));
            Session session = new Session("pager");
            org.esabridge.api.Cursor cursor = adapter.getModifiedPaged(session, "composite_plain", after);
            RecordingResultHandler paged = new RecordingResultHandler();
            for (long p = 0; p < cursor.pageCount(); p++) {
                adapter.readDataPage(session, cursor.cursorId(), p, paged);
            }
            adapter.closeCursor(session, cursor.cursorId());
            java.util.Map<String, Instant> byId = new java.util.TreeMap<>();
            inline.records().forEach(r -> byId.put(r.id(), r.modifiedAt()));
            java.util.Map<String, Instant> pagedById = new java.util.TreeMap<>();
            paged.records().forEach(r -> pagedById.put(r.id(), r.modifiedAt()));
            assertEquals(byId, pagedById, "after " + after);
            assertTrue(byId.containsKey("3,2022-05-06"), byId.toString());
        }
    }

    @Test
    void aHostWriteAnswersTheTimeItsNextLastSeenNeedsAndIsRefusedAfterAnyOtherChange() throws Exception {
        ExternalRecord r = adapter.read("keyed_plain", "1");
        Instant m1 = adapter.update(HOST, "keyed_plain", r.modifiedAt(), rec("1", "first"));
        assertTrue(m1.isAfter(r.modifiedAt()));
        assertEquals(m1, adapter.read("keyed_plain", "1").modifiedAt());
        RecordingResultHandler changed = new RecordingResultHandler();
        assertTrue(adapter.getModified("keyed_plain", r.modifiedAt(), changed));
        assertEquals(m1, changed.records().stream().filter(x -> x.id().equals("1")).findFirst().orElseThrow().modifiedAt());

        // Its own answer, also cut to milliseconds, is a last-seen that goes through; so is a write that changes nothing.
        Instant m2 = adapter.update(HOST, "keyed_plain", m1.truncatedTo(ChronoUnit.MILLIS), rec("1", "second"));
        Instant m3 = adapter.update(HOST, "keyed_plain", m2, rec("1", "second"));
        assertEquals(m2, m3, "an update that changes no value leaves the row's stamp");
        Instant m4 = adapter.update(HOST, "keyed_plain", m3, rec("1", "third"));

        EsaRecordException stale = assertThrows(EsaRecordException.class,
                () -> adapter.update(HOST, "keyed_plain", m1, rec("1", "stale")));
        assertEquals(ErrorCode.RECORD_MODIFIED, stale.code());
        assertEquals(m4, stale.modifiedAt());

        // Another writer's change, committed just before the host's write and not yet indexed, refuses it every time.
        Instant last = m4;
        for (int i = 0; i < 20; i++) {
            TestDatabase.exec(DB, "UPDATE keyed_plain SET v = 'app " + i + "' WHERE id = 1");
            Instant seen = last;
            EsaRecordException e = assertThrows(EsaRecordException.class,
                    () -> adapter.update(HOST, "keyed_plain", seen, rec("1", "host")), "round " + i);
            assertEquals(ErrorCode.RECORD_MODIFIED, e.code());
            assertTrue(e.modifiedAt().isAfter(seen));
            last = e.modifiedAt();
        }
        assertEquals("app 19", adapter.read("keyed_plain", "1").fields().get(0).text());
        adapter.update(HOST, "keyed_plain", last, rec("1", "host"));

        ExternalRecord created = adapter.create(HOST, "keyed_plain", rec("10", "new"));
        assertEquals(created.modifiedAt(), adapter.read("keyed_plain", "10").modifiedAt());
        Instant c2 = adapter.update(HOST, "keyed_plain", created.modifiedAt(), rec("10", "newer"));
        assertEquals(ErrorCode.RECORD_MODIFIED, assertThrows(EsaRecordException.class,
                () -> adapter.delete(HOST, "keyed_plain", created.modifiedAt(), "10")).code());
        Instant before = adapter.getCurrentTime();
        adapter.delete(HOST, "keyed_plain", c2, "10");
        RecordingResultHandler deleted = new RecordingResultHandler();
        assertTrue(adapter.getDeleted("keyed_plain", before, deleted));
        assertEquals(List.of("10"), deleted.ids());
    }

    @Test
    void aWriterHoldingTheRowWhenTheHostWritesWinsAndTheHostIsRefused() throws Exception {
        Instant seen = adapter.read("unique_plain", "a").modifiedAt();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection app = TestDatabase.connect(DB); Statement s = app.createStatement()) {
            app.setAutoCommit(false);
            s.execute("UPDATE unique_plain SET v = 100 WHERE code = 'a'");
            Future<Instant> host = pool.submit(() -> adapter.update(HOST, "unique_plain", seen,
                    new ExternalRecord("a", null, List.of(new FieldValue("v", "5")))));
            awaitLockWait(host);
            app.commit();
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> host.get(30, TimeUnit.SECONDS));
            EsaRecordException refused = (EsaRecordException) e.getCause();
            assertEquals(ErrorCode.RECORD_MODIFIED, refused.code());
            assertTrue(refused.modifiedAt().isAfter(seen));
        } finally {
            pool.shutdownNow();
        }
        assertEquals("100", adapter.read("unique_plain", "a").fields().get(0).text());
    }

    private static ExternalRecord rec(String id, String v) {
        return new ExternalRecord(id, null, List.of(new FieldValue("v", v)));
    }

    /** Waits, with a deadline, until some transaction waits for a row lock, or {@code waiter} ends. */
    private static void awaitLockWait(Future<?> waiter) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement()) {
            while (true) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.INNODB_TRX"
                        + " WHERE trx_state = 'LOCK WAIT'")) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                assertFalse(waiter.isDone(), "the host's write ended without waiting for the row");
                assertTrue(System.nanoTime() < deadline, "no transaction came to wait for a lock");
                // INNODB_TRX is a cache InnoDB refreshes only when nobody read it for 100 ms.
                Thread.sleep(150);
            }
        }
    }
}
