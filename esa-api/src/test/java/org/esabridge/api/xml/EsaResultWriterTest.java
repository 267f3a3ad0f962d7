package org.esabridge.api.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.esabridge.api.Cursor;
import org.esabridge.api.CursorType;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaParameter;
import org.esabridge.api.EsaRecordDelayedException;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.ExternalField;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.FieldType;
import org.esabridge.api.FieldValue;
import org.esabridge.api.ParameterType;
import org.esabridge.api.Relation;
import org.junit.jupiter.api.Test;

/** Every result form and fault the writer produces is valid against sync.xsd (esa-protocol.md §4, §5). */
class EsaResultWriterTest {
    private static final Instant AT = Instant.parse("2026-11-23T05:46:31.123456Z");
    private static final ExternalRecord RECORD = new ExternalRecord("1042", AT,
            List.of(new FieldValue("email", "ada@example.org"), new FieldValue("phone", null)));

    private static String text(byte[] document) {
        return new String(document, StandardCharsets.UTF_8);
    }

    @Test
    void documentStartsWithTheDeclarationAndEchoesTheCallId() throws IOException {
        String xml = text(Docs.result("17", w -> w.value("1.0")));
        assertTrue(xml.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"), xml);
        assertTrue(xml.contains("<sync xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"), xml);
        assertTrue(xml.contains("<result response-to=\"17\"><value>1.0</value></result></sync>"), xml);
        Docs.assertValid(xml);
    }

    @Test
    void everyResultFormValidates() throws IOException {
        Docs.assertValid(Docs.result("1", w -> { }));
        Docs.assertValid(Docs.result("1", w -> w.value("7")));
        Docs.assertValid(Docs.result("1", w -> {
            w.value("a");
            w.value("");
        }));
        Docs.assertValid(Docs.result("1", w -> w.value(AT)));
        Docs.assertValid(Docs.result("1", w -> {
            w.record(RECORD);
            w.record(new ExternalRecord("1043", AT, List.of()));
        }));
        Docs.assertValid(Docs.result("1", w -> {
            w.id("1");
            w.id("k|2");
        }));
        Docs.assertValid(Docs.result("1", EsaResultWriter::nullValue));
        Docs.assertValid(Docs.result("1", w -> w.cursor(new Cursor("c-1", CursorType.RECORDS, 3, 500, 1234, AT))));
        Docs.assertValid(Docs.result("1", w -> w.cursor(new Cursor("c-2", CursorType.IDS, 0, 500, 0, AT))));
        Docs.assertValid(Docs.result("1", w -> {
            w.structure(new ExternalStructure("contacts", "Contacts", true));
            w.structure(new ExternalStructure("log", "", false));
        }));
        Docs.assertValid(Docs.result("1", w -> {
            w.field(new ExternalField("email", "E-mail", FieldType.STRING, 255L, true, false));
            w.field(new ExternalField("photo", "Photo", FieldType.BINARY, null, false, true));
        }));
        Docs.assertValid(Docs.result("1", w -> w.relation(
                new Relation("fk_owner", "Owner", "owner_id", "users", "id", false))));
        Docs.assertValid(Docs.result("1", w -> {
            w.parameter(new EsaParameter("mode", "Mode", ParameterType.CHOICE, true, false,
                    List.of("fast"), List.of("fast", "safe")));
            w.parameter(new EsaParameter("tables", "Tables", ParameterType.STRING, false, true, List.of(), List.of()));
        }));
    }

    @Test
    void entriesAreWrittenInTheDocumentedLayout() throws IOException {
        String xml = text(Docs.result("1", w -> {
            w.record(RECORD);
        }));
        assertTrue(xml.contains("<record><id>1042</id><modified-at>2026-11-23T05:46:31.123456Z</modified-at>"
                + "<field name=\"email\">ada@example.org</field><field name=\"phone\" xsi:nil=\"true\"/></record>"), xml);
        String cursor = text(Docs.result("1", w -> w.cursor(new Cursor("c", CursorType.IDS, 2, 10, 15,
                Instant.parse("2026-11-23T06:00:00Z")))));
        assertTrue(cursor.contains("<cursor><cursor-id>c</cursor-id><type>IDS</type><page-count>2</page-count>"
                + "<page-size>10</page-size><total>15</total><expires-at>2026-11-23T06:00:00.000000Z</expires-at>"
                + "</cursor>"), cursor);
        assertTrue(text(Docs.result("1", EsaResultWriter::nullValue)).contains("<nullValue>true</nullValue>"));
    }

    @Test
    void faultsValidateWithAndWithoutCallId() throws IOException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        EsaResultWriter.writeFault(plain, null, new EsaException(ErrorCode.MALFORMED_REQUEST, "not XML"));
        Docs.assertValid(plain.toByteArray());
        assertFalse(text(plain.toByteArray()).contains("response-to"));

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        EsaResultWriter.writeFault(record, "31", new EsaRecordException(ErrorCode.RECORD_MODIFIED,
                "record 1042 of structure contacts changed after last-seen", "contacts", "1042",
                Instant.parse("2026-11-23T05:50:02.000001Z")));
        Docs.assertValid(record.toByteArray());
        assertTrue(text(record.toByteArray()).contains("<result response-to=\"31\"><exception "
                + "type=\"EsaRecordException\" code=\"RECORD_MODIFIED\"><message>record 1042 of structure contacts "
                + "changed after last-seen</message><structure>contacts</structure><id>1042</id>"
                + "<modified-at>2026-11-23T05:50:02.000001Z</modified-at></exception></result>"),
                text(record.toByteArray()));

        ByteArrayOutputStream delayed = new ByteArrayOutputStream();
        EsaResultWriter.writeFault(delayed, "32", new EsaRecordDelayedException("later", "contacts", null, "tok-1"));
        Docs.assertValid(delayed.toByteArray());
        assertTrue(text(delayed.toByteArray()).contains("type=\"EsaRecordDelayedException\""));
        assertTrue(text(delayed.toByteArray()).contains("<token>tok-1</token>"));
    }

    @Test
    void faultMessagesWithUnwritableCharactersAreStillWellFormed() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EsaResultWriter.writeFault(out, "1", new EsaException(ErrorCode.INVALID_VALUE, "bad \u0000 <value> & \uD800"));
        Docs.assertValid(out.toByteArray());
        assertTrue(text(out.toByteArray()).contains("bad \uFFFD &lt;value"));
        EsaException read = assertThrows(EsaException.class, () -> new EsaResultReader(XmlLimits.defaults())
                .read(new ByteArrayInputStream(out.toByteArray()), new EsaResultHandler() { }));
        assertEquals("bad \uFFFD <value> & \uFFFD", read.getMessage());
    }

    @Test
    void aResultThatFailsWhileStreamingEndsWithAnException() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (EsaResultWriter writer = new EsaResultWriter(out)) {
            writer.begin("5");
            writer.record(RECORD);
            writer.fail(new EsaException(ErrorCode.DATABASE_UNAVAILABLE, "the database went away"));
        }
        Docs.assertValid(out.toByteArray());
        assertTrue(text(out.toByteArray()).contains("</record><exception type=\"EsaException\" "
                + "code=\"DATABASE_UNAVAILABLE\">"));
    }

    @Test
    void aValueXmlCannotCarryRefusesTheWholeEntryAndKeepsTheDocumentWellFormed() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (EsaResultWriter writer = new EsaResultWriter(out)) {
            writer.begin("6");
            writer.record(RECORD);
            ExternalRecord bad = new ExternalRecord("1043", AT,
                    List.of(new FieldValue("ok", "fine"), new FieldValue("note", "a\u0001b")));
            UnwritableValueException e = assertThrows(UnwritableValueException.class, () -> writer.record(bad));
            assertEquals(ErrorCode.INVALID_VALUE, e.fault().code());
            assertTrue(e.getMessage().contains("record 1043") && e.getMessage().contains("note")
                    && e.getMessage().contains("U+0001"), e.getMessage());
            writer.fail(e.fault());
        }
        String xml = text(out.toByteArray());
        Docs.assertValid(out.toByteArray());
        assertFalse(xml.contains("1043</id>"), xml);
        assertFalse(xml.contains("fine"), xml);
    }

    @Test
    void loneSurrogatesAndNoncharactersAreRefused() {
        for (String bad : List.of("\uD800", "x\uDC00", "\uFFFE", "\u000B", "\u001F")) {
            assertThrows(UnwritableValueException.class, () -> Docs.result("1", w -> w.id(bad)), bad);
        }
    }

    @Test
    void resultsAreStreamedNotCollected() throws IOException {
        CountingStream out = new CountingStream();
        try (EsaResultWriter writer = new EsaResultWriter(out)) {
            writer.begin("1");
            for (int i = 0; i < 20_000; i++) {
                writer.record(new ExternalRecord(Integer.toString(i), AT, List.of(new FieldValue("f", "value " + i))));
            }
            // Well before the end, most of the result has reached the stream.
            assertTrue(out.count > 1_000_000, "bytes written before end(): " + out.count);
            writer.end();
        }
    }

    @Test
    void callsOutOfOrderAreProgrammingErrors() throws IOException {
        EsaResultWriter writer = new EsaResultWriter(new ByteArrayOutputStream());
        assertThrows(IllegalStateException.class, () -> writer.id("1"));
        writer.begin("1");
        assertThrows(IllegalStateException.class, () -> writer.begin("2"));
        writer.end();
        assertThrows(IllegalStateException.class, () -> writer.value("x"));
    }

    @Test
    void controlTimestampsAlwaysHaveSixFractionalDigitsInUtc() {
        assertEquals("2026-11-23T05:46:31.000000Z", ProtocolTime.format(Instant.parse("2026-11-23T05:46:31Z")));
        assertEquals("2026-11-23T05:46:31.100000Z", ProtocolTime.format(Instant.parse("2026-11-23T05:46:31.1Z")));
        assertEquals("2026-11-23T05:46:31.123456Z",
                ProtocolTime.format(Instant.parse("2026-11-23T05:46:31.123456789Z")));
        assertEquals("1970-01-01T00:00:00.000000Z", ProtocolTime.format(Instant.EPOCH));
        Instant now = Instant.now();
        assertEquals(now.truncatedTo(java.time.temporal.ChronoUnit.MICROS), ProtocolTime.parse(ProtocolTime.format(now)));
        assertNotEquals(ProtocolTime.parse("2026-11-23T05:46:31"), ProtocolTime.parse("2026-11-23T05:46:31+14:00"));
    }

    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
