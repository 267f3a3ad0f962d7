package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.esabridge.api.Cursor;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.Session;
import org.esabridge.api.xml.EsaResultWriter;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.api.xml.UnwritableValueException;
import org.esabridge.jdbc.cursor.Cursors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * A cursor's next page is read while the current one is served, and the page so read is the one the host gets
 * for it, once; closing or releasing the cursor drops it, it holds no connection once read, and no more than two
 * pages are held over all cursors. In both capture modes.
 */
@Tag("database")
class PageReadAheadTest {
    private static final Session HOST = new Session("host");
    private static final String MOD = " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)";
    private static JdbcAdapter binlog;
    private static JdbcAdapter polling;

    @BeforeAll
    static void start() {
        for (String db : List.of("esa_read_ahead_binlog", "esa_read_ahead_polling")) {
            TestDatabase.freshSchema(db);
            TestDatabase.exec(db, "CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(10)," + MOD + ", KEY item_mod (modified, id))");
            TestDatabase.exec(db, "CREATE TABLE note (id INT PRIMARY KEY, v VARCHAR(40), n INT NULL," + MOD + ")");
        }
        binlog = TestDatabase.adapter("esa_read_ahead_binlog", "page-size", "100", "inline-threshold", "10");
        polling = TestDatabase.adapter("esa_read_ahead_polling", "page-size", "100", "inline-threshold", "10",
                JdbcAdapterConfig.CHANGE_CAPTURE, "polling");
        for (String db : List.of("esa_read_ahead_binlog", "esa_read_ahead_polling")) {
            TestDatabase.exec(db, "INSERT INTO item (id, v, modified) SELECT seq, CONCAT('v', seq),"
                    + " TIMESTAMP '2026-01-01 00:00:00' + INTERVAL seq SECOND FROM seq_1_to_300");
            // Texts the encoder escapes, NULLs, and on page 1 a row XML cannot carry (a form feed), left out.
            TestDatabase.exec(db, "INSERT INTO note (id, v, n, modified) SELECT seq, CONCAT('<&> ]]> é\r', seq),"
                    + " IF(seq MOD 3 = 0, NULL, seq), TIMESTAMP '2026-01-01 00:00:00' + INTERVAL seq SECOND FROM seq_1_to_250");
            TestDatabase.exec(db, "UPDATE note SET v = CONCAT('bad', CHAR(12)), modified = modified WHERE id = 170");
        }
    }

    @AfterAll
    static void stop() {
        binlog.close();
        polling.close();
    }

    private static Cursors cursors(JdbcAdapter a) {
        return (Cursors) a.paging();
    }

    private static Map<String, String> page(JdbcAdapter a, Cursor c, long index) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        a.readDataPage(HOST, c.cursorId(), index, sink);
        return sink.records().stream().collect(Collectors.toMap(ExternalRecord::id, r -> r.field("v").text()));
    }

    @Test
    void thePageReadAheadIsServedOnceAsItWasRead() throws Exception {
        for (JdbcAdapter a : List.of(binlog, polling)) {
            String db = a == binlog ? "esa_read_ahead_binlog" : "esa_read_ahead_polling";
            a.getCurrentTime();
            Cursor c = a.getModifiedPaged(HOST, "item", Instant.EPOCH);
            assertEquals(3, c.pageCount(), db);
            assertEquals(100, page(a, c, 0).size(), db);
            cursors(a).awaitReadAhead(c.cursorId());
            // Row 150 (page 1) changes after page 1 was read ahead: read afresh, the page would leave it out (its
            // change is past the cursor's horizon; the next sync delivers it).
            TestDatabase.exec(db, "UPDATE item SET v = 'changed' WHERE id = 150");
            a.getCurrentTime();
            Map<String, String> ahead = page(a, c, 1);
            assertEquals(100, ahead.size(), db);
            assertEquals("v150", ahead.get("150"), db + ": the page as it was read ahead");
            Map<String, String> again = page(a, c, 1);
            assertEquals(99, again.size(), db + ": asked again, the page is read afresh");
            assertFalse(again.containsKey("150"), db);
            a.closeCursor(HOST, c.cursorId());
            TestDatabase.exec(db, "UPDATE item SET v = 'v150' WHERE id = 150");
        }
    }

    /** Page {@code index} as the result writer answers it: call id "p". */
    private static byte[] document(JdbcAdapter a, Cursor c, long index) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EsaResultWriter writer = new EsaResultWriter(bytes);
        writer.begin("p");
        a.readDataPage(HOST, c.cursorId(), index, writer);
        writer.end();
        return bytes.toByteArray();
    }

    /** The records as the writer writes each of them (what a page read on the spot gives). */
    private static byte[] document(List<ExternalRecord> records) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EsaResultWriter writer = new EsaResultWriter(bytes);
        writer.begin("p");
        for (ExternalRecord r : records) {
            try {
                writer.record(r);
            } catch (UnwritableValueException e) {
                // left out, as the adapter leaves it out
            }
        }
        writer.end();
        return bytes.toByteArray();
    }

    @Test
    void aPageReadAheadForTheResultWriterIsEncodedAsItWasReadAndLeavesOutWhatXmlCannotCarry() throws Exception {
        for (JdbcAdapter a : List.of(binlog, polling)) {
            String db = a == binlog ? "esa_read_ahead_binlog" : "esa_read_ahead_polling";
            a.getCurrentTime();
            Cursor plain = a.getModifiedPaged(HOST, "note", Instant.EPOCH);
            RecordingResultHandler records = new RecordingResultHandler();
            a.readDataPage(HOST, plain.cursorId(), 1, records);
            a.closeCursor(HOST, plain.cursorId());
            assertEquals(100, records.records().size(), db);
            byte[] expected = document(records.records());
            assertFalse(new String(expected, StandardCharsets.UTF_8).contains("<id>170</id>"), db + ": left out");

            Cursor c = a.getModifiedPaged(HOST, "note", Instant.EPOCH);
            document(a, c, 0);
            cursors(a).awaitReadAhead(c.cursorId());
            // Changed after page 1 was read (and encoded) ahead: the page served is the one read ahead.
            TestDatabase.exec(db, "UPDATE note SET n = -1 WHERE id = 150");
            a.getCurrentTime();
            long leftOut = a.unwritableLeftOut();
            byte[] ahead = document(a, c, 1);
            assertEquals(new String(expected, StandardCharsets.UTF_8), new String(ahead, StandardCharsets.UTF_8), db);
            assertTrue(a.unwritableLeftOut() > leftOut, db + ": row 170 is reported as left out");
            assertFalse(new String(document(a, c, 1), StandardCharsets.UTF_8).contains("<id>150</id>"),
                    db + ": read afresh, row 150 has changed past the cursor's horizon");
            a.closeCursor(HOST, c.cursorId());
            TestDatabase.exec(db, "UPDATE note SET n = 150 WHERE id = 150");
        }
    }

    @Test
    void aNewCursorsFirstPageIsReadAheadWhileItIsCounted() throws Exception {
        String db = "esa_read_ahead_polling";
        Cursor c = polling.getModifiedPaged(HOST, "item", Instant.EPOCH);
        cursors(polling).awaitReadAhead(c.cursorId());
        assertEquals(1, cursors(polling).pagesReadAhead(), "page 0, read as the cursor was counted");
        // Changed after page 0 was read ahead: the page served is the one read ahead, then the row leaves the cursor.
        TestDatabase.exec(db, "UPDATE item SET v = 'changed' WHERE id = 50");
        try {
            String ahead = new String(document(polling, c, 0), StandardCharsets.UTF_8);
            assertTrue(ahead.contains("<id>1</id>") && ahead.contains("<id>50</id>") && ahead.contains("<id>100</id>")
                    && !ahead.contains("<id>101</id>"), ahead);
            assertFalse(new String(document(polling, c, 0), StandardCharsets.UTF_8).contains("<id>50</id>"),
                    "read afresh, row 50 has changed past the cursor's horizon");
            assertEquals(300 - 1, page(polling, c, 0).size() + page(polling, c, 1).size() + page(polling, c, 2).size());
        } finally {
            polling.closeCursor(HOST, c.cursorId());
            TestDatabase.exec(db, "UPDATE item SET v = 'v50', modified = TIMESTAMP '2026-01-01 00:00:50' WHERE id = 50");
        }
    }

    @Test
    void aClosedOrReleasedCursorDropsItsPageAndNoConnectionIsHeld() throws Exception {
        HikariDataSource pool = (HikariDataSource) polling.dataSource();
        Cursor c = polling.getModifiedPaged(HOST, "item", Instant.EPOCH);
        int before = pool.getHikariPoolMXBean().getActiveConnections();
        page(polling, c, 0);
        cursors(polling).awaitReadAhead(c.cursorId());
        assertEquals(1, cursors(polling).pagesReadAhead());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (pool.getHikariPoolMXBean().getActiveConnections() > before && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(pool.getHikariPoolMXBean().getActiveConnections() <= before, "the page read ahead holds no connection");
        polling.closeCursor(HOST, c.cursorId());
        assertEquals(0, cursors(polling).pagesReadAhead(), "closed");

        Cursor d = polling.getModifiedPaged(HOST, "item", Instant.EPOCH);
        page(polling, d, 1);
        cursors(polling).awaitReadAhead(d.cursorId());
        assertEquals(1, cursors(polling).pagesReadAhead());
        polling.release(HOST);
        assertEquals(0, cursors(polling).pagesReadAhead(), "released");
    }

    @Test
    void atMostTwoPagesAreHeldOverAllCursors() throws Exception {
        Session other = new Session("other");
        List<Cursor> open = List.of(polling.getModifiedPaged(other, "item", Instant.EPOCH),
                polling.getModifiedPaged(other, "item", Instant.EPOCH), polling.getModifiedPaged(other, "item", Instant.EPOCH));
        for (Cursor c : open) {
            RecordingResultHandler sink = new RecordingResultHandler();
            polling.readDataPage(other, c.cursorId(), 0, sink);
            assertTrue(cursors(polling).pagesReadAhead() <= 2, "held " + cursors(polling).pagesReadAhead());
        }
        // Every cursor's page 1 is served, read ahead or not, whole.
        for (Cursor c : open) {
            RecordingResultHandler sink = new RecordingResultHandler();
            polling.readDataPage(other, c.cursorId(), 1, sink);
            assertEquals(100, sink.records().size());
            Map<String, ExternalRecord> byId = sink.records().stream().collect(Collectors.toMap(ExternalRecord::id, Function.identity()));
            assertTrue(byId.containsKey("101") && byId.containsKey("200"), byId.keySet().toString());
        }
        polling.release(other);
        assertEquals(0, cursors(polling).pagesReadAhead());
    }
}
