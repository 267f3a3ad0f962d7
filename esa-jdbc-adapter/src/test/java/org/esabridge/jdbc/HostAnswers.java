package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.esabridge.api.Cursor;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.Session;
import org.esabridge.api.xml.EsaResultReader;
import org.esabridge.api.xml.EsaResultWriter;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.api.xml.SyncSchema;
import org.esabridge.api.xml.XmlLimits;
import org.esabridge.jdbc.cursor.Cursors;

/**
 * The ids a host gets from the adapter's answers: each answer goes through the real result writer (paged ones with
 * the next page encoded ahead), validates against sync.xsd, and is read back as the host reads it (ids trimmed).
 */
public final class HostAnswers {
    private static final Session HOST = new Session("host");

    private HostAnswers() {
    }

    /** The ids of an inline getModified after {@code after}. */
    public static List<String> modified(JdbcAdapter adapter, String table, Instant after) throws Exception {
        Answer answer = new Answer();
        assertTrue(adapter.getModified(table, after, answer.writer));
        return answer.end().records().stream().map(ExternalRecord::id).toList();
    }

    /** The ids of an inline getDeleted after {@code after}. */
    public static List<String> deleted(JdbcAdapter adapter, String table, Instant after) throws Exception {
        Answer answer = new Answer();
        assertTrue(adapter.getDeleted(table, after, answer.writer));
        return answer.end().ids();
    }

    /** The ids of every page of a paged getModified of the whole table. */
    public static List<String> paged(JdbcAdapter adapter, String table) throws Exception {
        return paged(adapter, table, Instant.EPOCH);
    }

    /** The ids of every page of a paged getModified after {@code after}. */
    public static List<String> paged(JdbcAdapter adapter, String table, Instant after) throws Exception {
        return pages(adapter, adapter.getModifiedPaged(HOST, table, after), true);
    }

    /** The ids of every page of a paged getDeleted after {@code after}. */
    public static List<String> pagedDeleted(JdbcAdapter adapter, String table, Instant after) throws Exception {
        return pages(adapter, adapter.getDeletedPaged(HOST, table, after), false);
    }

    private static List<String> pages(JdbcAdapter adapter, Cursor cursor, boolean records) throws Exception {
        List<String> out = new ArrayList<>();
        for (long p = 0; p < cursor.pageCount(); p++) {
            if (p > 0) {
                // The page read ahead while the one before was written, encoded: served as it was read.
                ((Cursors) adapter.paging()).awaitReadAhead(cursor.cursorId());
            }
            Answer answer = new Answer();
            adapter.readDataPage(HOST, cursor.cursorId(), p, answer.writer);
            RecordingResultHandler read = answer.end();
            out.addAll(records ? read.records().stream().map(ExternalRecord::id).toList() : read.ids());
        }
        adapter.closeCursor(HOST, cursor.cursorId());
        return out;
    }

    public static List<String> sorted(List<String> ids) {
        return ids.stream().sorted().toList();
    }

    private static final class Answer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final EsaResultWriter writer = new EsaResultWriter(bytes);

        Answer() throws Exception {
            writer.begin("1");
        }

        RecordingResultHandler end() throws Exception {
            writer.end();
            byte[] document = bytes.toByteArray();
            SyncSchema.validate(document);
            RecordingResultHandler read = new RecordingResultHandler();
            new EsaResultReader(XmlLimits.defaults()).read(new ByteArrayInputStream(document), read);
            return read;
        }
    }
}
