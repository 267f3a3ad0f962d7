package org.esabridge.api.xml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.xml.stream.XMLStreamWriter;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.junit.jupiter.api.Test;

/**
 * The byte encoder of records writes exactly what the StAX path ({@link RecordXml} through Woodstox) writes, for
 * every character XML can carry, and refuses what it cannot.
 */
class RecordEncoderTest {

    private static byte[] viaStax(ExternalRecord record) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        XMLStreamWriter xml = Stax.outputFactory().createXMLStreamWriter(bytes, "UTF-8");
        xml.writeStartElement("x");
        xml.writeNamespace(Wire.XSI_PREFIX, Wire.XSI_NS);
        xml.writeCharacters("");
        xml.flush();
        int prefix = bytes.size();
        RecordXml.write(xml, record);
        xml.flush();
        byte[] all = bytes.toByteArray();
        return Arrays.copyOfRange(all, prefix, all.length);
    }

    private static byte[] viaEncoder(RecordEncoder encoder, ExternalRecord record) throws Exception {
        assertTrue(encoder.encode(record));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        encoder.writeTo(bytes);
        return bytes.toByteArray();
    }

    /** The StAX path's bytes, from the record and from its parts given as UTF-8 bytes ({@link #viaParts}). */
    private static void assertSame(RecordEncoder encoder, ExternalRecord record) throws Exception {
        byte[] stax = viaStax(record);
        assertArrayEquals(stax, viaEncoder(encoder, record), () -> "record " + record);
        assertArrayEquals(stax, viaParts(encoder, record), () -> "record as parts " + record);
    }

    @Test
    void everyCharacterXmlCarriesIsWrittenAsTheStaxPathWritesIt() throws Exception {
        RecordEncoder encoder = new RecordEncoder();
        StringBuilder chunk = new StringBuilder();
        for (int c = 0; c <= 0xFFFD; c++) {
            if (XmlChars.legal(c) && !Character.isSurrogate((char) c)) {
                chunk.append((char) c);
            }
            if (chunk.length() == 512 || c == 0xFFFD) {
                assertSame(encoder, new ExternalRecord("1", null, List.of(new FieldValue("f", chunk.toString()))));
                chunk.setLength(0);
            }
        }
    }

    @Test
    void markupLikeTextsSurrogatePairsNullsAndOddNamesMatch() throws Exception {
        RecordEncoder encoder = new RecordEncoder();
        List<String> texts = List.of("", "a]]>b", "]]>", "]>", "] ]>", ">", "]]]]>>", "<&>\"'", "x\r\ny\rz\r",
                "\r]]>", "]]\r>", "tab\there", "\uD83D\uDE00 pair", "é ü ß € 中文", "&amp; literally");
        List<FieldValue> fields = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            fields.add(new FieldValue("f" + i, texts.get(i)));
        }
        fields.add(new FieldValue("nothing", null));
        fields.add(new FieldValue("name with <&>\"' and é", "v"));
        fields.add(new FieldValue("name with <&>\"' and é", null));
        assertSame(encoder, new ExternalRecord("id <&> ]]>", Instant.parse("2026-11-23T05:46:31.123456Z"), fields));
        assertSame(encoder, new ExternalRecord(null, null, List.of(new FieldValue("f0", "again, tags reused"))));

        Random random = new Random(7);
        String alphabet = "ab]>&<\r\n\t é€\u0085\uD83D\uDE00";
        for (int n = 0; n < 3000; n++) {
            StringBuilder s = new StringBuilder();
            // Short and long texts: Woodstox writes 12 characters or more in 512-character chunks.
            for (int k = random.nextInt(n % 10 == 0 ? 1600 : 30); k > 0; k--) {
                int at = random.nextInt(alphabet.length());
                char c = alphabet.charAt(at);
                s.append(c);
                if (Character.isHighSurrogate(c)) {
                    s.append(alphabet.charAt(at + 1));
                } else if (Character.isLowSurrogate(c)) {
                    s.setLength(s.length() - 1);
                }
            }
            assertSame(encoder, new ExternalRecord(Integer.toString(n), null, List.of(new FieldValue("f", s.toString()))));
        }
    }

    @Test
    void aGreaterThanSignAtEveryPositionAroundWoodstoxsChunksMatches() throws Exception {
        RecordEncoder encoder = new RecordEncoder();
        for (int at = 0; at < 1100; at++) {
            for (String before : List.of("a", "<", "]", "\u0090")) {
                StringBuilder s = new StringBuilder("x".repeat(1100));
                s.setCharAt(at, '>');
                if (at > 0) {
                    s.replace(at - 1, at, before);
                }
                assertSame(encoder, new ExternalRecord("1", null, List.of(new FieldValue("f", s.toString()))));
                assertSame(encoder, new ExternalRecord("1", null, List.of(new FieldValue("f", "ab\r" + s))));
            }
        }
    }

    @Test
    void runsOfPlainAsciiEndingOrStartingAtAnyOtherCharacterMatch() throws Exception {
        RecordEncoder encoder = new RecordEncoder();
        List<String> others = List.of("&", "<", ">", "]>", "\r", "\n", "\t", "\u007F", "\u0085", "é", "€", "\uD83D\uDE00");
        // Lengths around Woodstox's copy threshold (12) and chunk (512), and a run of every plain character.
        List<String> runs = new ArrayList<>();
        for (int length : List.of(0, 1, 2, 11, 12, 13, 511, 512, 513)) {
            runs.add("a".repeat(length));
        }
        StringBuilder every = new StringBuilder("\t\n");
        for (char c = 0x20; c < 0x7F; c++) {
            every.append(c);
        }
        runs.add(every.toString());
        for (String run : runs) {
            for (String other : others) {
                for (String text : List.of(run + other, other + run, run + other + run, other + run + other,
                        run + other + other + run)) {
                    assertSame(encoder, new ExternalRecord(text, null, List.of(new FieldValue("f", text))));
                }
            }
        }
    }

    @Test
    void modificationTimesOfEveryRangeMatch() throws Exception {
        RecordEncoder encoder = new RecordEncoder();
        for (String t : List.of("0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z",
                "-0001-12-31T23:59:59.5Z", "0000-06-15T12:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.000001Z",
                "2026-11-23T05:46:31.1234567Z", "2024-02-29T00:00:00.000100Z")) {
            assertSame(encoder, new ExternalRecord("1", Instant.parse(t), List.of(new FieldValue("f", "v"))));
        }
        Random random = new Random(11);
        for (int n = 0; n < 2000; n++) {
            Instant t = Instant.ofEpochSecond(random.nextLong() % 400_000_000_000L, random.nextInt(1_000_000_000));
            assertSame(encoder, new ExternalRecord("1", t, List.of()));
        }
    }

    @Test
    void aBadCharacterAfterARunOfPlainAsciiIsRefused() throws Exception {
        RecordEncoder encoder = new RecordEncoder();
        for (String run : List.of("a", "a".repeat(12), "a".repeat(600))) {
            for (String bad : List.of("\uD800", "\uDC00", "\u0001", "\uFFFE")) {
                for (String text : List.of(run + bad, run + bad + run)) {
                    assertFalse(encoder.encode(new ExternalRecord("1", null, List.of(new FieldValue("f", text)))),
                            run.length() + " + " + Integer.toHexString(bad.charAt(0)));
                }
            }
        }
    }

    @Test
    void charactersXmlCannotCarryAreRefused() throws Exception {
        RecordEncoder encoder = new RecordEncoder();
        for (String bad : List.of("\u0000", "a\u0001", "\uFFFE", "\uFFFF", "\uD800", "x\uDC00y", "\uD83D")) {
            assertFalse(encoder.encode(new ExternalRecord("1", null, List.of(new FieldValue("f", bad)))), bad);
            assertFalse(encoder.encode(new ExternalRecord(bad, null, List.of())), bad);
            assertFalse(encoder.encode(new ExternalRecord("1", null, List.of(new FieldValue("f" + bad, "v")))), bad);
        }
        // Still usable after a refusal.
        assertSame(encoder, new ExternalRecord("1", null, List.of(new FieldValue("f", "ok"))));
    }

    @Test
    void recordsWhoseFieldsDifferFromTheRecordBeforeGetTheirOwnTags() throws Exception {
        RecordEncoder encoder = new RecordEncoder();
        // The encoder remembers the tags by position: other names, other orders, other counts, equal names in other
        // strings, and a name it refused must each still come out as the StAX path writes them.
        List<List<FieldValue>> layouts = List.of(
                List.of(new FieldValue("a", "1"), new FieldValue("b", null)),
                List.of(new FieldValue("b", "2"), new FieldValue("a", "3")),
                List.of(new FieldValue(new String("b"), null), new FieldValue(new String("a"), "4")),
                List.of(new FieldValue("c <&>", "5")),
                List.of(new FieldValue("a", "6"), new FieldValue("b", "7"), new FieldValue("c <&>", null)),
                List.of(new FieldValue("a", "8"), new FieldValue("b", "9")));
        for (int round = 0; round < 2; round++) {
            for (List<FieldValue> fields : layouts) {
                assertSame(encoder, new ExternalRecord("1", null, fields));
            }
            assertFalse(encoder.encode(new ExternalRecord("1", null, List.of(new FieldValue("a", "x"),
                    new FieldValue("b\u0001", "y")))));
        }
        assertSame(encoder, new ExternalRecord("1", null, List.of(new FieldValue("a", "x"), new FieldValue("b", "y"))));
    }

    /** A record written part by part, the texts as UTF-8 bytes and the time as a UTC wall time. */
    private static byte[] viaParts(RecordEncoder encoder, ExternalRecord record) throws Exception {
        encoder.begin();
        encoder.id(record.id());
        encoder.modifiedAtUtc(record.modifiedAt() == null ? null
                : LocalDateTime.ofInstant(record.modifiedAt(), ZoneOffset.UTC));
        for (FieldValue f : record.fields()) {
            encoder.fieldUtf8(f.name(), f.text() == null ? null : f.text().getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(encoder.end(), () -> "record " + record);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        encoder.writeTo(bytes);
        return bytes.toByteArray();
    }

    @Test
    void partsGivenAsBytesAndWallTimesAreWrittenAsTheirRecordIs() throws Exception {
        RecordEncoder encoder = new RecordEncoder();
        List<String> texts = new ArrayList<>(List.of("", "plain", "]]>", ">", "a>b", "<&>", "cr\r", "del\u007f",
                "nel\u0085", "😀", "é", "tab\tlf\n", "]".repeat(600) + ">", "x".repeat(511) + ">y>"));
        for (int c = 0x20; c < 0x800; c++) {
            texts.add("ab" + (char) c + "cd");
        }
        Random random = new Random(7);
        for (String t : List.of("0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z",
                "-0001-12-31T23:59:59.5Z", "0000-06-15T12:00:00Z", "1969-12-31T23:59:59.000001Z")) {
            texts.add(t);
            ExternalRecord r = new ExternalRecord("1", Instant.parse(t), List.of(new FieldValue("f", t)));
            assertArrayEquals(viaStax(r), viaParts(encoder, r), t);
        }
        for (String text : texts) {
            Instant t = Instant.ofEpochSecond(random.nextLong() % 300_000_000_000L, random.nextInt(1_000_000_000));
            ExternalRecord r = new ExternalRecord("1", t, List.of(new FieldValue("a", text), new FieldValue("b", null),
                    new FieldValue("c", text + text)));
            assertArrayEquals(viaStax(r), viaParts(encoder, r), () -> "record " + r);
        }
    }

    @Test
    void bytesOfACharacterXmlCannotCarryRefuseTheRecord() throws Exception {
        RecordEncoder encoder = new RecordEncoder();
        for (String bad : List.of("\u0000", "a\u0001", "\uFFFE", "\uFFFF", "form\ffeed")) {
            encoder.begin();
            encoder.id("1");
            encoder.fieldUtf8("f", ("x".repeat(20) + bad).getBytes(StandardCharsets.UTF_8));
            encoder.fieldUtf8("g", "ok".getBytes(StandardCharsets.UTF_8));
            assertFalse(encoder.end(), bad);
        }
        // Malformed UTF-8 is decoded as new String(bytes, UTF_8) decodes it: replaced, then written.
        encoder.begin();
        encoder.fieldUtf8("f", new byte[] {'a', (byte) 0xC3});
        assertTrue(encoder.end());
        assertSame(encoder, new ExternalRecord("1", null, List.of(new FieldValue("f", "ok"))));
    }
}
