package org.esabridge.api.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.esabridge.api.Cursor;
import org.esabridge.api.CursorType;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.Relation;
import org.esabridge.api.xml.RecordingResultHandler.Id;
import org.esabridge.api.xml.RecordingResultHandler.NullValue;
import org.esabridge.api.xml.RecordingResultHandler.Value;
import org.junit.jupiter.api.Test;

class RecordingResultHandlerTest {
    private static final Instant T = Instant.parse("2026-11-23T05:46:31.123456Z");

    @Test
    void keepsEveryEntryInOrderAndEachKindApart() {
        RecordingResultHandler recording = new RecordingResultHandler();
        ExternalRecord a = new ExternalRecord("1", T, List.of());
        ExternalRecord b = new ExternalRecord("2", T, List.of());
        Cursor cursor = new Cursor("c-1", CursorType.RECORDS, 3, 1000, 2500, T);
        Relation relation = new Relation("fk", "Contact", "contact", "contacts", "id", false);
        recording.record(a);
        recording.id("7");
        recording.value("v");
        recording.record(b);
        recording.nullValue();
        recording.cursor(cursor);
        recording.relation(relation);

        assertEquals(List.of(a, new Id("7"), new Value("v"), b, new NullValue(), cursor, relation), recording.entries());
        assertEquals(7, recording.size());
        assertEquals(List.of(a, b), recording.records());
        assertEquals(List.of("7"), recording.ids());
        assertEquals(List.of("v"), recording.values());
        assertEquals(List.of(cursor), recording.cursors());
        assertEquals(List.of(relation), recording.of(Relation.class));
        assertEquals(List.of(), recording.structures());
        assertEquals("2 ExternalRecord, 1 Id, 1 Value, 1 NullValue, 1 Cursor, 1 Relation", recording.toString());
    }

    @Test
    void anEmptyResultSaysSo() {
        assertEquals("an empty result", new RecordingResultHandler().toString());
        assertEquals(List.of(), new RecordingResultHandler().entries());
    }
}
