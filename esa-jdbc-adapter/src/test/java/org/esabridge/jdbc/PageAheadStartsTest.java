package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.esabridge.api.Cursor;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ResultSink;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.cursor.Cursors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A page read ahead finds the next page's start by reading one entry past its own end, and stores it: every later
 * read of either page, on any node, cuts there, whatever left the range meanwhile; and when another read stored a
 * different start while it ran, the stored one rules (the page read ahead is dropped, and read when asked between
 * the stored starts), so no row is lost between two pages or shown on both.
 */
@Tag("database")
class PageAheadStartsTest {
    private static final String DB = "esa_page_ahead_starts_test";
    private static final Session HOST = new Session("host");
    private static final int ROWS = 1000;
    private static final int PAGE = 100;
    private static JdbcAdapter adapter;
    private static JdbcAdapter otherNode;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB,
                "CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(20), modified TIMESTAMP(6) NOT NULL DEFAULT"
                        + " CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), KEY item_mod (modified, id))",
                "CREATE TABLE raced LIKE item", "CREATE TABLE walked LIKE item");
        String[] settings = {"page-size", Integer.toString(PAGE), "inline-threshold", "10",
                JdbcAdapterConfig.CHANGE_CAPTURE, "polling"};
        adapter = TestDatabase.adapter(DB, settings);
        otherNode = TestDatabase.adapter(DB, settings);
    }

    @AfterAll
    static void stop() {
        adapter.close();
        otherNode.close();
    }

    private static void fill(String table) {
        TestDatabase.exec(DB, "DELETE FROM " + table,
                "INSERT INTO " + table + " (id, v, modified) SELECT seq, CONCAT('v', seq), TIMESTAMP '2026-01-01 00:00:00'"
                        + " + INTERVAL (seq DIV 7) SECOND FROM seq_1_to_" + ROWS, "ANALYZE TABLE " + table);
    }

    private static Set<Integer> ids(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void startsFoundByReadsAheadHoldForEveryLaterReadWhateverLeftTheRange() throws Exception {
        fill("item");
        Cursor c = adapter.getModifiedPaged(HOST, "item", Instant.EPOCH);
        assertEquals(ROWS / PAGE, c.pageCount());
        Cursors cursors = (Cursors) adapter.paging();
        // Pages 0..4 in order: pages 1..5 are read ahead, each storing the next page's start.
        for (int p = 0; p < 5; p++) {
            assertEquals(ids(p * PAGE + 1, (p + 1) * PAGE), page(adapter, c, p), "page " + p);
        }
        cursors.awaitReadAhead(c.cursorId());

        // Deleted after pages 0..5 were read: the first rows of pages 2, 5 and 6, rows on both sides of the start
        // of page 6 (found by the read ahead of page 5), and all of page 8.
        Set<Integer> deleted = new TreeSet<>();
        for (int p : new int[] {2, 5, 6}) {
            deleted.addAll(ids(p * PAGE + 1, p * PAGE + 30));
        }
        deleted.addAll(ids(590, 610));
        deleted.addAll(ids(801, 900));
        TestDatabase.exec(DB, "DELETE FROM item WHERE id IN (" + deleted.stream().map(String::valueOf)
                .collect(Collectors.joining(", ")) + ")");
        Set<Integer> remaining = ids(1, ROWS);
        remaining.removeAll(deleted);

        // Page 5 as read ahead, before the deletions; then every page again on the other node, out of order: the
        // pages found by reads ahead keep their bounds, those not found yet are cut where the rows are now.
        assertEquals(ids(501, 600), page(adapter, c, 5), "page 5 as it was read ahead");
        List<Integer> all = new ArrayList<>();
        for (int p : new int[] {6, 3, 0, 9, 5, 1, 8, 2, 7, 4}) {
            Set<Integer> ids = page(otherNode, c, p);
            if (p <= 5) {
                Set<Integer> kept = ids(p * PAGE + 1, (p + 1) * PAGE);
                kept.removeAll(deleted);
                assertEquals(kept, ids, "page " + p + " keeps the bounds found as the pages were read");
            }
            assertTrue(ids.size() <= PAGE, "page " + p + " holds at most a page: " + ids.size());
            all.addAll(ids);
        }
        assertEquals(remaining.size(), all.size(), "no row on two pages");
        assertEquals(remaining, new TreeSet<>(all), "every remaining row of the cursor");
        adapter.closeCursor(HOST, c.cursorId());
    }

    @Test
    void aReadOfEveryPageInOrderWalksEachRowAboutOnce() throws Exception {
        fill("walked");
        Cursor c = adapter.getModifiedPaged(HOST, "walked", Instant.EPOCH);
        long before = rowReads();
        List<Integer> all = new ArrayList<>();
        for (int p = 0; p < c.pageCount(); p++) {
            all.addAll(page(adapter, c, p));
        }
        long reads = rowReads() - before;
        assertEquals(new ArrayList<>(ids(1, ROWS)), all);
        // A step over each page's keys before the page walked them twice (over 2,000); the reads ahead find the next
        // page's start as they read the page. What remains is the first page's start, found by a step twice (its
        // read and the read ahead of page 1 at once), and the cursor's own rows.
        assertTrue(reads < 1.5 * ROWS, "server row reads for the pages of " + ROWS + " rows: " + reads);
        adapter.closeCursor(HOST, c.cursorId());
    }

    /** Rows the server has read, by any index or scan, since it started (all sessions). */
    private static long rowReads() throws Exception {
        try (Connection conn = TestDatabase.connect(DB); java.sql.Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Handler_read%'")) {
            long sum = 0;
            while (rs.next()) {
                sum += rs.getLong(2);
            }
            return sum;
        }
    }

    /**
     * Another read stores the start of page 2 while page 1 is read ahead (simulated: it is stored when the read ahead
     * sends its first row), earlier or later than the start the read ahead then finds.
     */
    @ParameterizedTest
    @ValueSource(ints = {181, 221})
    void whenAnotherReadStoredTheNextStartFirstItRules(int storedStart) throws Exception {
        fill("raced");
        Cursor c = adapter.getModifiedPaged(HOST, "raced", Instant.EPOCH);
        Cursors cursors = (Cursors) adapter.paging();
        // Page 1's own start, as a read of page 0 finds it (the read ahead of page 1 it starts is waited for and
        // its start of page 2 removed, so that the read below finds none stored).
        assertEquals(ids(1, PAGE), page(adapter, c, 0));
        cursors.awaitReadAhead(c.cursorId());
        TestDatabase.exec(DB, "DELETE FROM esa_cursor_page WHERE cursor_id = '" + c.cursorId() + "' AND page_index = 2");

        RecordingResultHandler ahead = new RecordingResultHandler();
        ResultSink racing = new ResultSink() {
            private boolean stored;

            @Override
            public void record(ExternalRecord r) throws IOException {
                if (!stored) {
                    stored = true;
                    storeStart(c.cursorId(), 2, storedStart);
                }
                ahead.record(r);
            }

            @Override
            public void id(String id) {
                ahead.id(id);
            }
        };
        boolean dropped = false;
        try {
            cursors.readAhead(HOST, c.cursorId(), 1, racing);
        } catch (IOException e) {
            dropped = true;
        }
        Set<Integer> page1 = ids(PAGE + 1, storedStart - 1);
        if (!dropped) {
            assertEquals(page1, ids(ahead), "a page read ahead and kept ends at the stored start");
        }
        // On the other node: the first holds page 1 as read ahead by its read of page 0, before the race.
        assertEquals(page1, page(otherNode, c, 1), "page 1 ends at the stored start");
        List<Integer> all = new ArrayList<>();
        for (int p : new int[] {3, 1, 2, 0, 9, 4, 5, 6, 7, 8}) {
            all.addAll(page(otherNode, c, p));
        }
        assertEquals(ROWS, all.size(), "no row on two pages");
        assertEquals(ids(1, ROWS), new TreeSet<>(all), "every row of the cursor");
        adapter.closeCursor(HOST, c.cursorId());
    }

    /** Stores row {@code id}'s key as the start of page {@code index}, as another reader would. */
    private static void storeStart(String cursorId, int index, int id) throws IOException {
        try (Connection conn = TestDatabase.connect(DB);
             PreparedStatement ps = conn.prepareStatement("INSERT INTO esa_cursor_page (cursor_id, page_index, first_mod,"
                     + " first_id) SELECT ?, ?, modified, id FROM raced WHERE id = ?")) {
            ps.setString(1, cursorId);
            ps.setInt(2, index);
            ps.setInt(3, id);
            assertEquals(1, ps.executeUpdate());
        } catch (java.sql.SQLException e) {
            throw new IOException(e);
        }
    }

    private static Set<Integer> ids(RecordingResultHandler sink) {
        Set<Integer> ids = new TreeSet<>();
        for (ExternalRecord r : sink.records()) {
            assertTrue(ids.add(Integer.parseInt(r.id())), "no row twice on a page");
        }
        return ids;
    }

    private static Set<Integer> page(JdbcAdapter a, Cursor c, long index) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        a.readDataPage(HOST, c.cursorId(), index, sink);
        for (ExternalRecord r : sink.records()) {
            assertEquals("v" + r.id(), r.field("v").text());
        }
        return ids(sink);
    }
}
