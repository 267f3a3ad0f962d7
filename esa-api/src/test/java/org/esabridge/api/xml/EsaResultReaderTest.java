package org.esabridge.api.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.esabridge.api.xml.RecordingResultHandler.Id;
import org.esabridge.api.xml.RecordingResultHandler.NullValue;
import org.esabridge.api.xml.RecordingResultHandler.Value;
import org.junit.jupiter.api.Test;

/** Whatever {@link EsaResultWriter} writes, {@link EsaResultReader} hands back entry by entry, unchanged. */
class EsaResultReaderTest {
    private static final Instant T = Instant.parse("2026-11-23T05:46:31.123456Z");

    private static List<Object> read(byte[] document) throws Exception {
        RecordingResultHandler recording = new RecordingResultHandler();
        String responseTo = new EsaResultReader(XmlLimits.defaults()).read(new ByteArrayInputStream(document), recording);
        assertEquals("7", responseTo);
        return recording.entries();
    }

    @Test
    void recordsKeepTheirValuesExactly() throws Exception {
        ExternalRecord a = new ExternalRecord("1", T, List.of(new FieldValue("notes", "  a\r\nb <&> \"c\"  "),
                new FieldValue("phone", null), new FieldValue("empty", ""), new FieldValue("emoji", "\uD83D\uDE00")));
        ExternalRecord b = new ExternalRecord("2", T.plusSeconds(1), List.of());
        assertEquals(List.of(a, b), read(Docs.result("7", w -> {
            w.record(a);
            w.record(b);
        })));
    }

    @Test
    void idsValuesNullAndCursor() throws Exception {
        assertEquals(List.of(new Id("a"), new Id("b")), read(Docs.result("7", w -> {
            w.id("a");
            w.id("b");
        })));
        assertEquals(List.of(new Value("1.0")), read(Docs.result("7", w -> w.value("1.0"))));
        assertEquals(List.of(new NullValue()), read(Docs.result("7", EsaResultWriter::nullValue)));
        assertEquals(List.of(), read(Docs.result("7", w -> { })));
        Cursor cursor = new Cursor("c-1", CursorType.RECORDS, 3, 1000, 2500, T);
        assertEquals(List.of(cursor), read(Docs.result("7", w -> w.cursor(cursor))));
    }

    @Test
    void catalogSnippets() throws Exception {
        ExternalStructure s = new ExternalStructure("customers", "Customers", true);
        ExternalField f = new ExternalField("email", "E-mail", FieldType.STRING, 200L, false, false);
        ExternalField g = new ExternalField("notes", "Notes", FieldType.TEXT, null, true, true);
        Relation r = new Relation("orders_customer", "Customer", "customer_id", "customers", "id", false);
        EsaParameter p = new EsaParameter("mode", "Mode", ParameterType.CHOICE, true, true, List.of("a"),
                List.of("a", "b"));
        assertEquals(List.of(s), read(Docs.result("7", w -> w.structure(s))));
        assertEquals(List.of(f, g), read(Docs.result("7", w -> {
            w.field(f);
            w.field(g);
        })));
        assertEquals(List.of(r), read(Docs.result("7", w -> w.relation(r))));
        assertEquals(List.of(p), read(Docs.result("7", w -> w.parameter(p))));
    }

    @Test
    void aRecordFaultBecomesTheTypedExceptionWithItsDetails() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        EsaResultWriter.writeFault(out, "7", new EsaRecordException(ErrorCode.RECORD_MODIFIED, "changed",
                "contacts", "1042", T));
        EsaRecordException e = assertThrows(EsaRecordException.class, () -> read(out.toByteArray()));
        assertEquals(ErrorCode.RECORD_MODIFIED, e.code());
        assertEquals("changed", e.getMessage());
        assertEquals("contacts", e.structure());
        assertEquals("1042", e.id());
        assertEquals(T, e.modifiedAt());

        out.reset();
        EsaResultWriter.writeFault(out, "7", new EsaRecordDelayedException("later", "contacts", null, "tok-9"));
        EsaRecordDelayedException d = assertThrows(EsaRecordDelayedException.class, () -> read(out.toByteArray()));
        assertEquals("tok-9", d.token());

        out.reset();
        EsaResultWriter.writeFault(out, null, new EsaException(ErrorCode.CURSOR_NOT_FOUND, "gone"));
        EsaException plain = assertThrows(EsaException.class, () -> new EsaResultReader(XmlLimits.defaults())
                .read(new ByteArrayInputStream(out.toByteArray()), new RecordingResultHandler()));
        assertEquals(ErrorCode.CURSOR_NOT_FOUND, plain.code());
        assertEquals(EsaException.class, plain.getClass());
    }

    @Test
    void aFaultAfterEntriesDeliversTheEntriesThenThrows() throws Exception {
        RecordingResultHandler recording = new RecordingResultHandler();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        EsaResultWriter writer = new EsaResultWriter(out);
        writer.begin("7");
        writer.id("a");
        writer.fail(new EsaException(ErrorCode.INTERNAL, "broke"));
        EsaException e = assertThrows(EsaException.class, () -> new EsaResultReader(XmlLimits.defaults())
                .read(new ByteArrayInputStream(out.toByteArray()), recording));
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertEquals(List.of(new Id("a")), recording.entries());
    }

    @Test
    void aDoctypeIsRefusedAndNothingIsExpanded() {
        String bomb = "<?xml version=\"1.0\"?><!DOCTYPE sync [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
                + "<sync><result response-to=\"7\"><value>&b;</value></result></sync>";
        UnreadableResultException e = assertThrows(UnreadableResultException.class,
                () -> read(bomb.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
    }

    @Test
    void malformedAndCutOffAnswersAreUnreadable() {
        for (String doc : List.of("<sync><result response-to=\"7\"><id>a</id>",
                "<other/>", "<sync><result response-to=\"7\"><bogus/></result></sync>",
                "<sync><result response-to=\"7\"><record><field>x</field></record></result></sync>",
                "<sync><result response-to=\"7\"><cursor><cursor-id>c</cursor-id></cursor></result></sync>",
                "<sync><result response-to=\"7\">text</result></sync>")) {
            assertThrows(UnreadableResultException.class, () -> read(doc.getBytes(StandardCharsets.UTF_8)), doc);
        }
    }

    @Test
    void aTooLongValueIsRefused() {
        String doc = "<sync><result response-to=\"7\"><value>" + "x".repeat(50) + "</value></result></sync>";
        assertThrows(UnreadableResultException.class, () -> new EsaResultReader(new XmlLimits(32, 100, 100, 10))
                .read(new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8)), new RecordingResultHandler()));
    }

    /** A value far over the limit, in one text segment, is named as such, not as XML that is not well-formed. */
    @Test
    void aValueFarOverTheLimitIsNamedAsTooLong() {
        String doc = "<sync><result response-to=\"7\"><record><id>1</id><field name=\"notes\">" + "x".repeat(5_000)
                + "</field></record></result></sync>";
        UnreadableResultException e = assertThrows(UnreadableResultException.class,
                () -> new EsaResultReader(new XmlLimits(32, 100, 100, 10))
                        .read(new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8)), new RecordingResultHandler()));
        assertTrue(e.getMessage().contains("holds more than 10 characters"), e.getMessage());
    }

    /**
     * Streaming proof: the writer holds back everything after the first record until the handler has seen
     * it. A reader that buffered the document would wait forever.
     */
    @Test
    void recordsReachTheHandlerWhileTheDocumentIsStillBeingWritten() throws Exception {
        PipedInputStream in = new PipedInputStream(1 << 16);
        PipedOutputStream pipe = new PipedOutputStream(in);
        CountDownLatch firstSeen = new CountDownLatch(1);
        int total = 200_000;
        Thread producer = new Thread(() -> {
            try (OutputStream out = pipe; EsaResultWriter writer = new EsaResultWriter(out)) {
                writer.begin("7");
                for (int i = 0; i < total; i++) {
                    writer.record(new ExternalRecord(Integer.toString(i), T,
                            List.of(new FieldValue("name", "name " + i), new FieldValue("n", null))));
                    if (i == 0) {
                        out.flush();
                        firstSeen.await(10, TimeUnit.SECONDS);
                    }
                }
                writer.end();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        AtomicLong count = new AtomicLong();
        producer.start();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            new EsaResultReader(XmlLimits.defaults()).read(in, new EsaResultHandler() {
                @Override
                public void record(ExternalRecord record) {
                    count.incrementAndGet();
                    firstSeen.countDown();
                }
            });
        });
        producer.join();
        assertEquals(total, count.get());
    }
}
