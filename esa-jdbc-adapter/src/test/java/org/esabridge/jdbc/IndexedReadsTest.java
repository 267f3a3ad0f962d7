package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.esabridge.api.Cursor;
import org.esabridge.api.CursorType;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.capture.CaptureMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The read side of binlog capture (changes.IndexedChanges, cursor.IndexRows) against entries written as the
 * reader writes them ({@link ChangeIndexFixture}): what is delivered is decided by the entries' stamps, not
 * by the rows' modification columns, which here are deliberately old (a polling read would deliver nothing).
 */
@Tag("database")
class IndexedReadsTest {
    private static final String DB = "esa_indexed_reads_test";
    private static final Session HOST = new Session("host");
    /** Far in the past: a polling read from the index's horizon delivers none of these rows. */
    private static final String OLD = " modified DATETIME(6) NOT NULL DEFAULT '2001-01-01 00:00:00' ON UPDATE CURRENT_TIMESTAMP(6)";
    private static JdbcAdapter adapter;
    private static ChangeIndexFixture index;
    private Instant since;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB,
                "CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(10)," + OLD + ")",
                "CREATE TABLE pair (a VARCHAR(10), b INT, v INT," + OLD + ", PRIMARY KEY (a, b))",
                "CREATE TABLE soft (id INT PRIMARY KEY, gone BOOLEAN NOT NULL DEFAULT FALSE," + OLD + ")");
        adapter = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(TestDatabase.settings(DB, "page-size", "100",
                "inline-threshold", "2000", "structure.soft.delete-strategy", "soft-delete:gone"), null),
                CaptureMode.BINLOG);
        index = new ChangeIndexFixture(DB);
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    @BeforeEach
    void fresh() throws Exception {
        TestDatabase.exec(DB, "DELETE FROM item", "DELETE FROM pair", "DELETE FROM soft");
        since = index.restart();
    }

    private static List<String> ids(int from, int to) {
        return IntStream.range(from, to).mapToObj(Integer::toString).toList();
    }

    private static void insertItems(int from, int to) {
        StringBuilder q = new StringBuilder("INSERT INTO item (id, v) VALUES ");
        for (int i = from; i < to; i++) {
            q.append(i == from ? "" : ", ").append('(').append(i).append(", 'v").append(i).append("')");
        }
        TestDatabase.exec(DB, q.toString());
    }

    private static List<String> modified(String structure, Instant after) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getModified(structure, after, sink), "answered inline");
        return sink.records().stream().map(ExternalRecord::id).toList();
    }

    private static List<String> deleted(String structure, Instant after) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getDeleted(structure, after, sink), "answered inline");
        return sink.ids();
    }

    private static List<String> pages(Cursor c) throws Exception {
        List<String> out = new ArrayList<>();
        for (long p = 0; p < c.pageCount(); p++) {
            RecordingResultHandler sink = new RecordingResultHandler();
            adapter.readDataPage(HOST, c.cursorId(), p, sink);
            out.addAll(c.type() == CursorType.RECORDS ? sink.records().stream().map(ExternalRecord::id).toList()
                    : sink.ids());
        }
        adapter.closeCursor(HOST, c.cursorId());
        return out;
    }

    @Test
    void changedRowsAreTheEntriesStampedAfterTheHostsTimeInCommitOrderWhateverTheirModificationColumn()
            throws Exception {
        insertItems(1, 6);
        Instant first = index.flush("item", "M", List.of("4", "2"));
        index.flush("item", "M", List.of("5"));
        assertEquals(List.of("4", "2", "5"), modified("item", since));
        assertEquals(List.of("5"), modified("item", first), "only entries stamped after the host's time");
        TestDatabase.exec(DB, "DELETE FROM item WHERE id = 5");
        assertEquals(List.of("4", "2"), modified("item", since), "a row gone meanwhile is skipped");
    }

    @Test
    void deletedIdsAreTheDeleteEntriesWhoseRowIsAbsentNeverALiveOne() throws Exception {
        insertItems(8, 9); // 8 was deleted and re-inserted; its 'M' entry has not been written yet
        index.flush("item", "D", List.of("7", "8"));
        assertEquals(List.of("7"), deleted("item", since));
    }

    @Test
    void compositeKeysAreFetchedAndCheckedByTheirEncodedIds() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO pair (a, b, v) VALUES ('x,y', 1, 10), ('50%', 2, 20), ('p', 3, 30)");
        index.flush("pair", "M", List.of("50%25,2", "x%2Cy,1"));
        index.flush("pair", "D", List.of("p,3", "q,4"));
        assertEquals(List.of("50%25,2", "x%2Cy,1"), modified("pair", since));
        assertEquals(List.of("q,4"), deleted("pair", since), "p,3 is live");
    }

    @Test
    void softDeletedIdsAreTheChangedRowsMarkedDeleted() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO soft (id, gone) VALUES (1, FALSE), (2, TRUE), (3, TRUE)");
        index.flush("soft", "M", List.of("1", "2"));
        assertEquals(List.of("2"), deleted("soft", since), "3 is marked but has no entry after since");
        assertEquals(List.of("1"), modified("soft", since), "marked rows are not records");
        assertEquals(List.of("2"), pages(adapter.getDeletedPaged(HOST, "soft", since)), "and so pages");
    }

    @Test
    void manyEntriesOfOneStampAreWalkedInBatchesWithoutLossOrRepeat() throws Exception {
        insertItems(0, 1234);
        index.flush("item", "M", ids(0, 1234)); // one stamp: the keyset continues on seq
        List<String> got = modified("item", since);
        assertEquals(ids(0, 1234), got);
    }

    @Test
    void overTheInlineThresholdTheAnswerIsNullWithNothingStreamed() throws Exception {
        try (JdbcAdapter small = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(TestDatabase.settings(DB,
                "inline-threshold", "3"), null), CaptureMode.BINLOG)) {
            insertItems(1, 5);
            index.flush("item", "M", ids(1, 5));
            RecordingResultHandler sink = new RecordingResultHandler();
            assertFalse(small.getModified("item", since, sink));
            assertEquals(0, sink.records().size());
            Instant again = index.restart();
            index.flush("item", "M", ids(1, 4));
            assertTrue(small.getModified("item", again, new RecordingResultHandler()), "3 entries: inline");
        }
    }

    @Test
    void beforeTheIndexsHorizonChangedRowsAreTheWholeTableAndDeletionsAreRefused() throws Exception {
        insertItems(1, 4);
        Instant before = since.minusSeconds(60);
        assertEquals(List.of("1", "2", "3"), modified("item", before));
        assertEquals(List.of("1", "2", "3"), pages(adapter.getModifiedPaged(HOST, "item", before)));
        EsaException inline = assertThrows(EsaException.class, () -> deleted("item", before));
        assertEquals(ErrorCode.NOT_SUPPORTED, inline.code());
        EsaException paged = assertThrows(EsaException.class, () -> adapter.getDeletedPaged(HOST, "item", before));
        assertEquals(ErrorCode.NOT_SUPPORTED, paged.code());
    }

    @Test
    void aCursorPagesOverTheEntriesAndAnEntryMovedAfterOpeningLeavesItForTheNextSync() throws Exception {
        insertItems(0, 250);
        index.flush("item", "M", ids(0, 100));
        index.flush("item", "M", ids(100, 250));
        Cursor c = adapter.getModifiedPaged(HOST, "item", since);
        assertEquals(250, c.total());
        assertEquals(3, c.pageCount());
        // Read page 0, then rows of pages 0 and 2 change again: their entries move past the cursor's horizon.
        RecordingResultHandler first = new RecordingResultHandler();
        adapter.readDataPage(HOST, c.cursorId(), 0, first);
        Instant moved = index.flush("item", "M", List.of("5", "240"));
        List<String> seen = new ArrayList<>(first.records().stream().map(ExternalRecord::id).toList());
        for (long p = 1; p < c.pageCount(); p++) {
            RecordingResultHandler sink = new RecordingResultHandler();
            adapter.readDataPage(HOST, c.cursorId(), p, sink);
            seen.addAll(sink.records().stream().map(ExternalRecord::id).toList());
        }
        Set<String> unique = new HashSet<>(seen);
        assertEquals(seen.size(), unique.size(), "no id twice inside one cursor");
        List<String> expected = new ArrayList<>(ids(0, 250));
        expected.remove("240");
        assertEquals(expected, seen, "240 left the cursor; 5 was delivered before it moved");
        assertTrue(modified("item", moved.minusNanos(1000)).containsAll(List.of("5", "240")),
                "the next sync delivers both");
    }

    @Test
    void aDeletedCursorReportsTheAbsentIdsAtPageTime() throws Exception {
        insertItems(300, 302);
        index.flush("item", "D", List.of("300", "301", "302"));
        Cursor c = adapter.getDeletedPaged(HOST, "item", since);
        assertEquals(CursorType.IDS, c.type());
        TestDatabase.exec(DB, "DELETE FROM item WHERE id = 300");
        assertEquals(List.of("300", "302"), pages(c), "301 is live");
    }

    @Test
    void inBinlogModeNoTombstoneTriggerIsInstalled() throws Exception {
        try (Connection c = TestDatabase.connect(DB); ResultSet rs = c.createStatement().executeQuery(
                "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the binary log has the deletes");
        }
        try (JdbcAdapter polling = TestDatabase.adapter(DB, "change-capture", "polling");
             Connection c = TestDatabase.connect(DB); ResultSet rs = c.createStatement().executeQuery(
                     "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()"
                             + " AND TRIGGER_NAME LIKE 'esa\\_del\\_%'")) {
            polling.getStructureList();
            rs.next();
            assertEquals(3, rs.getInt(1), "polling mode installs one per table with the tombstone strategy");
        } finally {
            try (Connection c = TestDatabase.connect(DB); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()")) {
                while (rs.next()) {
                    TestDatabase.exec(DB, "DROP TRIGGER IF EXISTS " + rs.getString(1));
                }
            }
        }
    }
}
