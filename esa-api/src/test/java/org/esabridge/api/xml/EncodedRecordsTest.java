package org.esabridge.api.xml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.junit.jupiter.api.Test;

/** Records encoded ahead are written as the writer writes each record, and one XML cannot carry is not taken. */
class EncodedRecordsTest {

    private static List<ExternalRecord> records(int n) {
        List<ExternalRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(new ExternalRecord(Integer.toString(i), Instant.ofEpochSecond(1_700_000_000L + i, i * 1000),
                    List.of(new FieldValue("name", "n <&> ]]> é\r" + i), new FieldValue("notes", i % 3 == 0 ? null
                            : "x".repeat(i % 700)))));
        }
        return records;
    }

    @Test
    void encodedRecordsAreTheBytesOfTheRecordsWrittenOneByOne() throws Exception {
        // 2,000 records of up to 700 characters: many 64 KiB chunks, records across their borders.
        List<ExternalRecord> records = records(2000);
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        EsaResultWriter writer = new EsaResultWriter(one);
        writer.begin("c");
        for (ExternalRecord r : records) {
            writer.record(r);
        }
        writer.end();

        EncodedRecords encoded = new EncodedRecords();
        for (ExternalRecord r : records) {
            assertTrue(encoded.add(r));
        }
        assertEquals(2000, encoded.count());
        assertTrue(encoded.bytes() > 3 * 64 * 1024, "spans chunks: " + encoded.bytes());
        ByteArrayOutputStream ahead = new ByteArrayOutputStream();
        EsaResultWriter other = new EsaResultWriter(ahead);
        other.begin("c");
        other.records(encoded);
        other.end();
        assertArrayEquals(one.toByteArray(), ahead.toByteArray());
    }

    @Test
    void aRecordXmlCannotCarryIsNotTakenAndTheWriterStillRefusesIt() throws Exception {
        EncodedRecords encoded = new EncodedRecords();
        ExternalRecord bad = new ExternalRecord("1", null, List.of(new FieldValue("f", "form\ffeed")));
        assertFalse(encoded.add(bad));
        assertEquals(0, encoded.count());
        assertEquals(0, encoded.bytes());
        assertTrue(encoded.add(records(1).get(0)));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EsaResultWriter writer = new EsaResultWriter(out);
        writer.begin("c");
        assertThrows(UnwritableValueException.class, () -> writer.record(bad));
        writer.records(encoded);
        writer.end();
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("feed"));
    }
}
