package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.esabridge.api.Cursor;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.catalog.PagePlan;
import org.esabridge.jdbc.cursor.Cursors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A cursor's page starts are found as its pages are read, not when it opens: the total and page count it answers
 * are still exact, and once a page's bounds are found they hold for every later read of it, on any node, whatever
 * was deleted meanwhile — pages asked out of order, retried, or beyond those found, hold every remaining row of the
 * cursor once. Both page plans: id ranges (a full read) and keyset pages on the modification index (a narrow read,
 * whose (mod, id) order runs opposite to the ids).
 */
@Tag("database")
class PageStartsTest {
    private static final String DB = "esa_page_starts_test";
    private static final Session HOST = new Session("host");
    private static final int ROWS = 1000;
    private static final int PAGE = 100;
    private static JdbcAdapter adapter;
    private static JdbcAdapter otherNode;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        String columns = " (id INT PRIMARY KEY, v VARCHAR(20), modified TIMESTAMP(6) NOT NULL DEFAULT"
                + " CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), KEY ";
        TestDatabase.exec(DB,
                "CREATE TABLE full_read" + columns + "full_read_mod (modified, id))",
                "INSERT INTO full_read (id, v, modified) SELECT seq, CONCAT('v', seq), TIMESTAMP '2026-01-01 00:00:00'"
                        + " + INTERVAL (seq DIV 7) SECOND FROM seq_1_to_" + ROWS,
                // 1000 recent rows, modified in the opposite order of their ids, among 4000 old ones: a narrow read.
                "CREATE TABLE narrow_read" + columns + "narrow_read_mod (modified, id))",
                "INSERT INTO narrow_read (id, v, modified) SELECT seq, CONCAT('v', seq), TIMESTAMP '2026-01-01 00:00:00'"
                        + " + INTERVAL (" + ROWS + " - seq) SECOND FROM seq_1_to_" + ROWS,
                "INSERT INTO narrow_read (id, v, modified) SELECT seq, CONCAT('v', seq), '2024-01-01 00:00:00'"
                        + " FROM seq_" + (ROWS + 1) + "_to_" + (5 * ROWS),
                // Rows outside any range: a modification time in the future (past every horizon) or none.
                "CREATE TABLE outside (id INT PRIMARY KEY, v VARCHAR(20), modified TIMESTAMP(6) NULL DEFAULT NULL"
                        + " ON UPDATE CURRENT_TIMESTAMP(6),"
                        + " KEY outside_mod (modified, id))",
                "INSERT INTO outside (id, v, modified) SELECT seq, CONCAT('v', seq), TIMESTAMP '2026-01-01 00:00:00'"
                        + " + INTERVAL seq SECOND FROM seq_1_to_300",
                "INSERT INTO outside (id, v, modified) SELECT seq, CONCAT('v', seq), '2037-01-01 00:00:00'"
                        + " FROM seq_301_to_330",
                "INSERT INTO outside (id, v) SELECT seq, CONCAT('v', seq) FROM seq_331_to_350",
                "ANALYZE TABLE full_read", "ANALYZE TABLE narrow_read", "ANALYZE TABLE outside");
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

    /** The ids page {@code p} held when the cursor opened. */
    private static Set<Integer> pageAtOpen(String table, int p) {
        return IntStream.rangeClosed(1, PAGE).map(i -> table.equals("full_read") ? p * PAGE + i : ROWS + 1 - p * PAGE - i)
                .boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {"full_read", "narrow_read"})
    void pagesFoundLateHoldEveryRemainingRowOnceAndKeepTheirBounds(String table) throws Exception {
        Instant after = table.equals("full_read") ? Instant.EPOCH : Instant.parse("2025-12-31T23:59:59Z");
        Cursor c = adapter.getModifiedPaged(HOST, table, after);
        assertEquals(table.equals("full_read") ? PagePlan.ID_RANGES : PagePlan.MOD_KEYSET, ReadPlanTest.storedPlan(DB, c));
        assertEquals(ROWS, c.total(), "the total is exact at the opening");
        assertEquals(ROWS / PAGE, c.pageCount());

        // Page 3 first: the starts of pages 1..4 are found walking forward (page 5's by the read ahead of page 4).
        assertEquals(pageAtOpen(table, 3), page(adapter, c, 3));
        ((Cursors) adapter.paging()).awaitReadAhead(c.cursorId());

        // Deleted while the cursor is read: all of page 0, half of pages 1 and 3 (found), half of page 6 and all
        // of page 9 (not found yet: the starts found later move, the rows do not).
        Set<Integer> deleted = new HashSet<>(pageAtOpen(table, 0));
        for (int p : new int[] {1, 3, 6}) {
            deleted.addAll(pageAtOpen(table, p).stream().filter(id -> id % 2 == 0).toList());
        }
        deleted.addAll(pageAtOpen(table, 9));
        TestDatabase.exec(DB, "DELETE FROM " + table + " WHERE id IN (" + deleted.stream().map(String::valueOf)
                .collect(Collectors.joining(", ")) + ")");
        Set<Integer> remaining = new TreeSet<>();
        for (int id = 1; id <= ROWS; id++) {
            if (!deleted.contains(id)) {
                remaining.add(id);
            }
        }

        // The last page, asked for beyond the starts found, walks forward: its rows are gone.
        assertEquals(Set.of(), page(adapter, c, 9));
        Set<Integer> retried = new TreeSet<>(pageAtOpen(table, 3));
        retried.removeAll(deleted);
        assertEquals(retried, page(adapter, c, 3), "a retried page keeps its bounds");

        // Every page on another node, out of order: page 4's bounds were found before the deletions and hold.
        Map<Integer, Set<Integer>> pages = new HashMap<>();
        for (int p : new int[] {4, 0, 8, 1, 2, 7, 5, 6, 3, 9}) {
            pages.put(p, page(otherNode, c, p));
        }
        assertEquals(pageAtOpen(table, 4), pages.get(4), "bounds found before the deletions");
        assertEquals(Set.of(), pages.get(0));
        List<Integer> all = new ArrayList<>();
        pages.values().forEach(all::addAll);
        assertEquals(remaining.size(), all.size(), "no row on two pages");
        assertEquals(remaining, new TreeSet<>(all), "every remaining row of the cursor");
        for (Map.Entry<Integer, Set<Integer>> e : pages.entrySet()) {
            assertTrue(e.getValue().size() <= PAGE, "page " + e.getKey() + " holds at most a page: " + e.getValue().size());
            assertEquals(e.getValue(), page(adapter, c, e.getKey()), "page " + e.getKey() + " read again, on the first node");
        }
        adapter.closeCursor(HOST, c.cursorId());
    }

    @Test
    void aReadOfTheWholeTableCountsOnlyTheRowsInItsRange() throws Exception {
        // From before the oldest change: counted as the table less the rows outside the range.
        Cursor c = adapter.getModifiedPaged(HOST, "outside", Instant.EPOCH);
        assertEquals(300, c.total(), "neither the future rows nor those without a modification time");
        assertEquals(3, c.pageCount());
        Set<Integer> all = new TreeSet<>();
        for (long p = 0; p < c.pageCount(); p++) {
            all.addAll(page(adapter, c, p));
        }
        assertEquals(IntStream.rangeClosed(1, 300).boxed().collect(Collectors.toSet()), all);
        // A narrower range is counted directly; the same answer either way.
        Cursor part = adapter.getModifiedPaged(HOST, "outside", Instant.parse("2026-01-01T00:04:00Z"));
        assertTrue(part.total() >= 60 && part.total() <= 300, "the rows from 00:04 on, and the watermark's: " + part.total());
        adapter.closeCursor(HOST, c.cursorId());
        adapter.closeCursor(HOST, part.cursorId());
    }

    private static Set<Integer> page(JdbcAdapter a, Cursor c, long index) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        a.readDataPage(HOST, c.cursorId(), index, sink);
        Set<Integer> ids = new TreeSet<>();
        for (ExternalRecord r : sink.records()) {
            assertEquals("v" + r.id(), r.field("v").text());
            assertTrue(ids.add(Integer.parseInt(r.id())), "no row twice on page " + index);
        }
        return ids;
    }
}
