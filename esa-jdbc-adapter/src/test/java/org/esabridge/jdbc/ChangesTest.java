package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
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

/** getModified and getDeleted: order, the NULL threshold, tombstones, soft deletes and the retention horizon. */
@Tag("database")
class ChangesTest {
    private static final String DB = "esa_changes_test";
    private static final Session HOST = new Session("host");
    private static JdbcAdapter adapter;
    private static Instant started;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        String mod = " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)";
        TestDatabase.exec(DB,
                "CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(10)," + mod + ", KEY item_mod (modified, id))",
                "CREATE TABLE many (id INT PRIMARY KEY, " + mod + ")",
                "CREATE TABLE soft (id INT PRIMARY KEY, v VARCHAR(10), deleted BOOLEAN NOT NULL DEFAULT FALSE," + mod + ")",
                "CREATE TABLE untracked (id INT PRIMARY KEY," + mod + ")");
        // Polling mode's reads: modification-column order and tombstones (binlog mode: IndexedReadsTest).
        adapter = TestDatabase.adapter(DB, JdbcAdapterConfig.CHANGE_CAPTURE, "polling", "inline-threshold", "5",
                "structure.item.writable", "true",
                "structure.soft.writable", "true", "structure.soft.delete-strategy", "soft-delete:deleted",
                "structure.untracked.delete-strategy", "none");
        try {
            started = adapter.getCurrentTime();
        } catch (EsaException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    private static RecordingResultHandler modified(String structure, Instant after) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getModified(structure, after, sink));
        return sink;
    }

    @Test
    void rowsAfterTheTimeInModificationThenIdOrder() throws Exception {
        TestDatabase.exec(DB,
                "INSERT INTO item (id, v, modified) VALUES (3, 'c', '2026-01-01 00:00:00.000002'),"
                        + " (1, 'a', '2026-01-01 00:00:00.000002'), (2, 'b', '2026-01-01 00:00:00.000001'),"
                        + " (4, 'd', '2025-12-31 23:59:59.999999')");
        RecordingResultHandler all = modified("item", Instant.parse("2025-12-31T23:59:59.999999Z"));
        assertEquals(List.of("2", "1", "3"), all.records().stream().map(ExternalRecord::id).toList());
        assertEquals(Instant.parse("2026-01-01T00:00:00.000001Z"), all.records().get(0).modifiedAt());
        assertEquals(List.of(new FieldValue("v", "b")), all.records().get(0).fields());
        assertEquals(List.of("1", "3"), modified("item", Instant.parse("2026-01-01T00:00:00.000001Z"))
                .records().stream().map(ExternalRecord::id).toList());
        assertEquals(List.of(), modified("item", Instant.parse("2026-01-01T00:00:00.000002Z")).records(),
                "nothing changed is an empty answer, never NULL");
    }

    @Test
    void tooManyRowsAnswerNullAndStreamNothing() throws Exception {
        for (int i = 0; i < 6; i++) {
            TestDatabase.exec(DB, "INSERT INTO many (id) VALUES (" + i + ")");
        }
        RecordingResultHandler sink = new RecordingResultHandler();
        assertFalse(adapter.getModified("many", Instant.EPOCH, sink));
        assertEquals(List.of(), sink.records());
        TestDatabase.exec(DB, "DELETE FROM many WHERE id = 0");
        assertEquals(5, modified("many", Instant.EPOCH).records().size(), "exactly the threshold is inline");
        TestDatabase.exec(DB, "DELETE FROM many");
        RecordingResultHandler deleted = new RecordingResultHandler();
        assertFalse(adapter.getDeleted("many", started, deleted), "6 tombstones");
        assertEquals(List.of(), deleted.ids());
    }

    @Test
    void deletesByTheDatabaseAndByTheHostLeaveTombstones() throws Exception {
        Instant before = adapter.getCurrentTime();
        ExternalRecord r = adapter.create(HOST, "item", new ExternalRecord("10", null, List.of(new FieldValue("v", "x"))));
        TestDatabase.exec(DB, "INSERT INTO item (id, v) VALUES (11, 'y')", "DELETE FROM item WHERE id = 11");
        adapter.delete(HOST, "item", r.modifiedAt(), "10");
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getDeleted("item", before, sink));
        assertEquals(List.of("11", "10"), sink.ids());
        RecordingResultHandler later = new RecordingResultHandler();
        assertTrue(adapter.getDeleted("item", adapter.getCurrentTime(), later));
        assertEquals(List.of(), later.ids());
    }

    @Test
    void anAfterBeforeTheRetentionHorizonIsRefusedNotAnsweredInPart() {
        EsaException e = assertThrows(EsaException.class,
                () -> adapter.getDeleted("item", Instant.now().minus(31, ChronoUnit.DAYS), new RecordingResultHandler()));
        assertEquals(ErrorCode.NOT_SUPPORTED, e.code());
        assertTrue(e.getMessage().contains("retention"), e.getMessage());
    }

    @Test
    void softDeletedRowsAreDeletedNotModified() throws Exception {
        Instant before = adapter.getCurrentTime();
        ExternalRecord a = adapter.create(HOST, "soft", new ExternalRecord("1", null, List.of(new FieldValue("v", "a"))));
        adapter.create(HOST, "soft", new ExternalRecord("2", null, List.of(new FieldValue("v", "b"))));
        assertFalse(adapter.getFieldList("soft", "en").stream().anyMatch(f -> f.name().equals("deleted")));
        adapter.delete(HOST, "soft", a.modifiedAt(), "1");
        assertEquals(List.of("2"), modified("soft", before).records().stream().map(ExternalRecord::id).toList());
        RecordingResultHandler deleted = new RecordingResultHandler();
        assertTrue(adapter.getDeleted("soft", before, deleted));
        assertEquals(List.of("1"), deleted.ids());
        assertEquals(ErrorCode.RECORD_NOT_FOUND, assertThrows(EsaException.class, () -> adapter.read("soft", "1")).code());
        adapter.delete(HOST, "soft", Instant.now(), "1");
        TestDatabase.exec(DB, "UPDATE soft SET deleted = FALSE WHERE id = 1");
        assertEquals("a", adapter.read("soft", "1").field("v").text());
    }

    @Test
    void untrackedDeletionsAreNotSupported() {
        assertEquals(ErrorCode.NOT_SUPPORTED, assertThrows(EsaException.class,
                () -> adapter.getDeleted("untracked", Instant.now(), new RecordingResultHandler())).code());
    }

    @Test
    void anUnknownStructureIsRefused() {
        assertEquals(ErrorCode.UNKNOWN_STRUCTURE, assertThrows(EsaException.class,
                () -> adapter.getModified("nope", Instant.EPOCH, new RecordingResultHandler())).code());
    }
}
