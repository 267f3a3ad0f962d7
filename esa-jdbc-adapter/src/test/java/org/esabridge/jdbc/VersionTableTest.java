package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A table without a modification column, tracked through an adapter-managed version table. */
@Tag("database")
class VersionTableTest {
    private static final String DB = "esa_version_test";
    private static final Session HOST = new Session("host");
    private static JdbcAdapter adapter;
    private static Instant started;

    @BeforeAll
    static void start() throws Exception {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE plain (code VARCHAR(20) COLLATE utf8mb4_bin PRIMARY KEY, v INT)",
                "INSERT INTO plain VALUES ('old', 1)");
        adapter = TestDatabase.adapter(DB, "structure.plain.change-tracking", "version-table",
                "structure.plain.writable", "true");
        started = adapter.getCurrentTime();
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    private static List<String> modifiedIds(Instant after) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getModified("plain", after, sink));
        return sink.records().stream().map(ExternalRecord::id).toList();
    }

    @Test
    void changesByAnyWriterAreSeenAndHostWritesAreConditional() throws Exception {
        assertEquals(List.of(new FieldValue("v", "1")), adapter.read("plain", "old").fields());
        assertTrue(modifiedIds(Instant.EPOCH).contains("old"), "existing rows are delivered once");

        Instant t0 = adapter.getCurrentTime();
        TestDatabase.exec(DB, "INSERT INTO plain VALUES ('other-app', 2)");
        assertEquals(List.of("other-app"), modifiedIds(t0));

        ExternalRecord r = adapter.create(HOST, "plain", new ExternalRecord("mine", null, List.of(new FieldValue("v", "3"))));
        Instant m2 = adapter.update(HOST, "plain", r.modifiedAt().truncatedTo(ChronoUnit.MILLIS),
                new ExternalRecord("mine", null, List.of(new FieldValue("v", "4"))));
        assertTrue(m2.isAfter(r.modifiedAt()));
        RecordingResultHandler sink = new RecordingResultHandler();
        adapter.getModified("plain", r.modifiedAt(), sink);
        assertEquals(m2, sink.records().stream().filter(x -> x.id().equals("mine")).findFirst().orElseThrow().modifiedAt());
        EsaRecordException stale = assertThrows(EsaRecordException.class, () -> adapter.update(HOST, "plain",
                r.modifiedAt(), new ExternalRecord("mine", null, List.of(new FieldValue("v", "5")))));
        assertEquals(ErrorCode.RECORD_MODIFIED, stale.code());
        assertEquals(m2, stale.modifiedAt());
        assertEquals(ErrorCode.RECORD_NOT_FOUND, assertThrows(EsaRecordException.class, () -> adapter.update(HOST,
                "plain", m2, new ExternalRecord("nobody", null, List.of()))).code());

        Instant t1 = adapter.getCurrentTime();
        TestDatabase.exec(DB, "UPDATE plain SET v = 9 WHERE code = 'old'");
        assertTrue(modifiedIds(t1).contains("old"));

        adapter.delete(HOST, "plain", m2, "mine");
        RecordingResultHandler deleted = new RecordingResultHandler();
        assertTrue(adapter.getDeleted("plain", started, deleted));
        assertEquals(List.of("mine"), deleted.ids());
        assertFalse(modifiedIds(Instant.EPOCH).contains("mine"));
        assertTrue(adapter.getStructureList().stream().noneMatch(s -> s.name().startsWith("esa_")));
    }
}
