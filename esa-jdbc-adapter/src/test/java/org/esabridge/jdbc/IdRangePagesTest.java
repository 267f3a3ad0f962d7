package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.esabridge.api.Cursor;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.catalog.Catalog;
import org.esabridge.jdbc.catalog.CatalogLoader;
import org.esabridge.jdbc.catalog.IdOrderSql;
import org.esabridge.jdbc.catalog.PagePlan;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.mariadb.MariaDbDialect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A table without an index on its modification column is served linearly: cursors cut it into primary-key
 * ranges found by the one pass at opening, and inline reads walk it once. Measured by the server's own row
 * reads (its {@code Handler_read_%} counters), which grew by the table's size for every page when each page
 * sorted the whole table by modification time; and by the plans of the statements.
 */
@Tag("database")
class IdRangePagesTest {
    private static final String DB = "esa_id_range_test";
    private static final Session HOST = new Session("host");
    private static final String MOD = " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)";
    private static final int ROWS = 3000;
    private static final int PAGE = 500;
    private static JdbcAdapter adapter;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB,
                "CREATE TABLE plain (id INT PRIMARY KEY, v VARCHAR(20), other INT," + MOD + ", KEY plain_other (other))",
                "CREATE TABLE pair (a VARCHAR(10), b INT, v INT," + MOD + ", PRIMARY KEY (a, b))",
                "CREATE TABLE indexed (id INT PRIMARY KEY," + MOD + ", KEY indexed_mod (modified, id))",
                // Modification times run against the ids, so id order and (mod, id) order differ.
                "INSERT INTO plain (id, v, other, modified) SELECT seq, CONCAT('v', seq), seq MOD 10,"
                        + " TIMESTAMP '2026-01-01 00:00:00' + INTERVAL (" + ROWS + " - seq) SECOND FROM seq_1_to_" + ROWS,
                "INSERT INTO pair (a, b, v, modified) SELECT CONCAT('k,', seq MOD 7), seq, seq,"
                        + " TIMESTAMP '2026-01-01 00:00:00' + INTERVAL (seq MOD 3) SECOND FROM seq_1_to_" + ROWS);
        adapter = TestDatabase.adapter(DB, "page-size", Integer.toString(PAGE), "inline-threshold", "100",
                JdbcAdapterConfig.CHANGE_CAPTURE, "polling");
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    @Test
    void theCatalogChoosesIdRangesOnlyWithoutAModificationIndex() throws Exception {
        Catalog catalog = catalog();
        assertEquals(PagePlan.ID_RANGES, catalog.table("plain").pagePlan());
        assertEquals("PRIMARY", catalog.table("plain").idIndex());
        assertNull(catalog.table("plain").modIndex());
        assertEquals(PagePlan.ID_RANGES, catalog.table("pair").pagePlan());
        assertEquals(PagePlan.MOD_KEYSET, catalog.table("indexed").pagePlan());
    }

    @Test
    void aPagedSyncWithoutTheIndexReadsTheTableAFewTimesNotOnceAPage() throws Exception {
        long before = rowReads();
        Cursor c = adapter.getModifiedPaged(HOST, "plain", Instant.EPOCH);
        assertEquals(ROWS, c.total());
        assertEquals(ROWS / PAGE, c.pageCount());
        List<String> ids = new ArrayList<>();
        for (long p = c.pageCount() - 1; p >= 0; p--) {
            RecordingResultHandler sink = new RecordingResultHandler();
            adapter.readDataPage(HOST, c.cursorId(), p, sink);
            assertEquals(PAGE, sink.records().size(), "page " + p);
            List<String> page = new ArrayList<>();
            for (ExternalRecord r : sink.records()) {
                page.add(r.id());
                assertEquals("v" + r.id(), r.field("v").text());
            }
            ids.addAll(0, page);
        }
        long reads = rowReads() - before;
        adapter.closeCursor(HOST, c.cursorId());
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= ROWS; i++) {
            expected.add(Integer.toString(i));
        }
        // One count at opening, one walk finding the page starts (from the last page back: the first read walks
        // them all), one pass over all the pages together, the pages read ahead in vain (the next page, read
        // already), and the cursor's own rows; a page that scanned or sorted the table cost ROWS reads each (6
        // pages: over 18,000).
        assertTrue(reads < 4L * ROWS, "server row reads for the whole paged sync: " + reads);
        assertTrue(expected.equals(ids), "every row once, pages in id order");
    }

    @Test
    void compositeIdsArePagedByRangesInsideTheLeadingColumn() throws Exception {
        Cursor c = adapter.getModifiedPaged(HOST, "pair", Instant.EPOCH);
        assertEquals(ROWS, c.total());
        List<String> expected = new ArrayList<>();
        try (Connection conn = TestDatabase.connect(DB); PreparedStatement ps = conn.prepareStatement(
                "SELECT a, b FROM pair ORDER BY a, b"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                expected.add(rs.getString(1).replace(",", "%2C") + "," + rs.getInt(2));
            }
        }
        List<String> got = new ArrayList<>();
        for (long p = 0; p < c.pageCount(); p++) {
            RecordingResultHandler sink = new RecordingResultHandler();
            adapter.readDataPage(HOST, c.cursorId(), p, sink);
            assertEquals(PAGE, sink.records().size(), "page " + p);
            sink.records().forEach(r -> got.add(r.id()));
        }
        adapter.closeCursor(HOST, c.cursorId());
        assertTrue(expected.equals(got), "every row once, in (a, b) order");
    }

    @Test
    void anInlineReadWithoutTheIndexWalksTheTableOnce() throws Exception {
        TestDatabase.exec(DB, "UPDATE plain SET v = CONCAT('v', id), modified = TIMESTAMP '2027-01-01 00:00:00'"
                + " WHERE id IN (7, 1500, 2999)");
        long before = rowReads();
        RecordingResultHandler few = new RecordingResultHandler();
        assertTrue(adapter.getModified("plain", Instant.parse("2026-06-01T00:00:00Z"), few));
        assertEquals(List.of("7", "1500", "2999"), few.records().stream().map(ExternalRecord::id).toList());
        long reads = rowReads() - before;
        // A count and then a read walked it twice (over 6,000). What it reads beyond one walk is the database's
        // own work on at most inline-threshold rows (counting them in a temporary table).
        assertTrue(reads < 1.5 * ROWS, "server row reads for one inline getModified: " + reads);

        before = rowReads();
        RecordingResultHandler all = new RecordingResultHandler();
        assertFalse(adapter.getModified("plain", Instant.EPOCH, all), "more than the inline threshold: NULL");
        assertTrue(all.records().isEmpty());
        reads = rowReads() - before;
        assertTrue(reads < 1.5 * ROWS, "server row reads for a NULL answer: " + reads);
    }

    @Test
    void noStatementOfTheIdPlanSortsTheTableOrLeavesItsPrimaryKey() throws Exception {
        Catalog catalog = catalog();
        for (String table : List.of("plain", "pair")) {
            TableSql sql = catalog.sql(table);
            IdOrderSql byId = sql.byId();
            int bound = IdOrderSql.boundParameters(catalog.table(table));
            // Bound values that leave rows between them: a range the optimizer finds empty is not planned.
            String low = table.equals("plain") ? "1" : "k";
            String high = table.equals("plain") ? "9" : "kz";
            // The soft-deleted statements differ only in their liveness condition (these tables have none).
            for (TableSql.CursorSql cursor : List.of(byId.liveRows())) {
                assertUsesPrimaryKeyWithoutSort(table, cursor.keys(), List.of(), null);
                assertUsesPrimaryKeyWithoutSort(table, cursor.page(false, false), List.of(), null);
                assertUsesPrimaryKeyWithoutSort(table, cursor.page(true, false), repeat(low, bound), "range");
                assertUsesPrimaryKeyWithoutSort(table, cursor.page(false, true), repeat(high, bound), "range");
                List<String> both = new ArrayList<>(repeat(low, bound));
                both.addAll(repeat(high, bound));
                assertUsesPrimaryKeyWithoutSort(table, cursor.page(true, true), both, "range");
                // A page read one entry past its end, to find the next page's start.
                assertUsesPrimaryKeyWithoutSort(table, cursor.ahead(false), List.of(PAGE + 1L), null);
                List<Object> ahead = new ArrayList<>(repeat(low, bound));
                ahead.add(PAGE + 1L);
                assertUsesPrimaryKeyWithoutSort(table, cursor.ahead(true), ahead, "range");
            }
            assertUsesPrimaryKeyWithoutSort(table, byId.modified(), List.of(1001L), null);
        }
    }

    private static List<String> repeat(String value, int times) {
        return java.util.Collections.nCopies(times, value);
    }

    /**
     * EXPLAINs the statement, its modification range bound to (2000, 2100] and then {@code rest}; checks the
     * table's row of the plan (an inline read also counts its at most threshold + 1 rows in a temporary table).
     */
    private static void assertUsesPrimaryKeyWithoutSort(String table, String sql, List<?> rest, String type)
            throws Exception {
        try (Connection conn = TestDatabase.connect(DB); PreparedStatement ps = conn.prepareStatement("EXPLAIN " + sql)) {
            int i = 1;
            ps.setString(i++, "2000-01-01 00:00:00");
            if (!sql.contains("LIMIT ?) x")) { // the inline read has no upper end
                ps.setString(i++, "2100-01-01 00:00:00");
            }
            for (Object value : rest) {
                ps.setObject(i++, value); // a limit as a number, a bound as text
            }
            Set<String> tables = new HashSet<>();
            try (ResultSet plan = ps.executeQuery()) {
                while (plan.next()) {
                    if (!"t".equals(plan.getString("table"))) {
                        continue;
                    }
                    tables.add(plan.getString("table"));
                    String extra = plan.getString("Extra");
                    assertEquals("PRIMARY", plan.getString("key"), table + ": " + sql);
                    assertTrue(extra == null || !extra.contains("filesort"), table + ": " + extra + " in " + sql);
                    if (type != null) {
                        assertEquals(type, plan.getString("type"), table + ": " + sql);
                    }
                }
            }
            assertEquals(Set.of("t"), tables, "the plan reads the table: " + sql);
        }
    }

    private static Catalog catalog() throws Exception {
        JdbcAdapterConfig config = JdbcAdapterConfig.fromSettings(TestDatabase.settings(DB), null);
        try (Connection c = TestDatabase.connect(DB)) {
            return new CatalogLoader(config, MariaDbDialect.INSTANCE, Set.of()).load(c);
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
