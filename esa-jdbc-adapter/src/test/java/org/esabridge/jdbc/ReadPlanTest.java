package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.esabridge.api.Cursor;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.catalog.PagePlan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * A table with a modification index is planned per read: a range holding most of the table walks the primary key
 * (a full sync through the secondary index looks every row up by its key), a narrow one walks the index. The
 * plan is the one the cursor stored; the narrow read's cost is the server's own row reads.
 */
@Tag("database")
class ReadPlanTest {
    private static final String DB = "esa_read_plan_test";
    private static final Session HOST = new Session("host");
    private static final int ROWS = 3000;
    private static final int PAGE = 100;
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static JdbcAdapter adapter;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB,
                "CREATE TABLE both_idx (id INT PRIMARY KEY, v VARCHAR(20),"
                        + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),"
                        + " KEY both_mod (modified, id))",
                // Row seq is modified at START + (ROWS - seq) s: id order and (mod, id) order run opposite ways.
                "INSERT INTO both_idx (id, v, modified) SELECT seq, CONCAT('v', seq),"
                        + " TIMESTAMP '2026-01-01 00:00:00' + INTERVAL (" + ROWS + " - seq) SECOND FROM seq_1_to_" + ROWS,
                "CREATE TABLE pair (a VARCHAR(10), b INT, v INT,"
                        + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),"
                        + " PRIMARY KEY (a, b), KEY pair_mod (modified, a, b))",
                "INSERT INTO pair (a, b, v, modified) SELECT 'old', seq, seq, '2024-01-01 00:00:00' FROM seq_1_to_2000",
                "ANALYZE TABLE both_idx", "ANALYZE TABLE pair");
        adapter = TestDatabase.adapter(DB, "page-size", Integer.toString(PAGE), "inline-threshold", "100",
                JdbcAdapterConfig.CHANGE_CAPTURE, "polling");
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    @Test
    void aFullSyncWalksThePrimaryKeyDespiteTheModificationIndex() throws Exception {
        Cursor c = adapter.getModifiedPaged(HOST, "both_idx", Instant.EPOCH);
        assertEquals(PagePlan.ID_RANGES, storedPlan(DB, c));
        List<String> ids = readAll(c);
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= ROWS; i++) {
            expected.add(Integer.toString(i));
        }
        assertTrue(expected.equals(ids), "every row once, pages in id order");
    }

    @Test
    void aRangeHoldingMostOfTheTableWalksThePrimaryKey() throws Exception {
        // Rows modified after START + 1000 s: ids 1..1999, two thirds of the table; the oldest change is older.
        Cursor c = adapter.getModifiedPaged(HOST, "both_idx", START.plusSeconds(1000));
        assertEquals(PagePlan.ID_RANGES, storedPlan(DB, c));
        assertEquals(1999, c.total());
        List<String> ids = readAll(c);
        assertEquals(1999, ids.size());
        assertEquals("1", ids.get(0));
        assertEquals("1999", ids.get(ids.size() - 1));
    }

    @Test
    void aNarrowRangeWalksTheModificationIndex() throws Exception {
        // The 20 rows modified last: ids 1..20, newest first in (mod, id) order.
        long before = rowReads();
        Cursor c = adapter.getModifiedPaged(HOST, "both_idx", START.plusSeconds(ROWS - 21));
        assertEquals(PagePlan.MOD_KEYSET, storedPlan(DB, c));
        assertEquals(20, c.total());
        List<String> ids = readAll(c);
        long reads = rowReads() - before;
        assertEquals("20", ids.get(0));
        assertEquals("1", ids.get(ids.size() - 1));
        // A walk of the table would read it (3000 rows) at least once.
        assertTrue(reads < ROWS / 3, "server row reads for a 20-row paged read: " + reads);
    }

    @Test
    void keysetPagesCutInsideOneModificationTimeOfACompositeKey() throws Exception {
        StringBuilder q = new StringBuilder("INSERT INTO pair (a, b, v, modified) VALUES ");
        for (int i = 0; i < 230; i++) {
            // Two modification times; inside each, a then b order differs from insertion order.
            q.append(i == 0 ? "" : ", ").append("('k,").append(i % 7).append("', ").append(i).append(", ").append(i)
                    .append(i < 150 ? ", '2026-01-01 00:00:00.5'" : ", '2026-01-02 00:00:00'").append(')');
        }
        TestDatabase.exec(DB, q.toString());
        // 230 of 2230 rows: a narrow range, on the modification index.
        Cursor c = adapter.getModifiedPaged(HOST, "pair", Instant.parse("2025-01-01T00:00:00Z"));
        assertEquals(PagePlan.MOD_KEYSET, storedPlan(DB, c));
        assertEquals(230, c.total());
        assertEquals(3, c.pageCount());
        List<String> expected = new ArrayList<>();
        try (Connection conn = TestDatabase.connect(DB); PreparedStatement ps = conn.prepareStatement(
                "SELECT a, b FROM pair WHERE a <> 'old' ORDER BY modified, a, b"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                expected.add(rs.getString(1).replace(",", "%2C") + "," + rs.getInt(2));
            }
        }
        assertEquals(expected, readAll(c));
    }

    private static List<String> readAll(Cursor c) throws Exception {
        List<String> ids = new ArrayList<>();
        for (long p = 0; p < c.pageCount(); p++) {
            RecordingResultHandler sink = new RecordingResultHandler();
            adapter.readDataPage(HOST, c.cursorId(), p, sink);
            for (ExternalRecord r : sink.records()) {
                ids.add(r.id());
                if (!r.id().contains(",")) {
                    assertEquals("v" + r.id(), r.field("v").text());
                }
            }
        }
        adapter.closeCursor(HOST, c.cursorId());
        return ids;
    }

    /** The plan the cursor {@code c} stored at its opening in {@code db}. */
    static PagePlan storedPlan(String db, Cursor c) throws Exception {
        try (Connection conn = TestDatabase.connect(db);
             PreparedStatement ps = conn.prepareStatement("SELECT page_plan FROM esa_cursor WHERE id = ?")) {
            ps.setString(1, c.cursorId());
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "the cursor is stored");
                return PagePlan.valueOf(rs.getString(1));
            }
        }
    }

    /** Rows the server has read, by any index or scan, since it started (all sessions). */
    private static long rowReads() throws Exception {
        try (Connection conn = TestDatabase.connect(DB); Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Handler_read%'")) {
            long sum = 0;
            while (rs.next()) {
                sum += rs.getLong(2);
            }
            return sum;
        }
    }
}
