package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.esabridge.api.Cursor;
import org.esabridge.api.CursorType;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Cursors: page contents and order, ids and soft deletes, composite keys, faults, expiry, sessions. */
@Tag("database")
class CursorTest {
    private static final String DB = "esa_cursor_test";
    private static final Session HOST = new Session("host");
    private static final Session OTHER = new Session("other-host");
    private static final String MOD = " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)";
    private static JdbcAdapter adapter;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB,
                "CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(10)," + MOD + ", KEY item_mod (modified, id))",
                "CREATE TABLE pair (a VARCHAR(10), b INT, v INT," + MOD + ", PRIMARY KEY (a, b), KEY pair_mod (modified, a, b))",
                "CREATE TABLE soft (id INT PRIMARY KEY, gone BOOLEAN NOT NULL DEFAULT FALSE," + MOD + ")",
                "CREATE TABLE gone (id INT PRIMARY KEY," + MOD + ")",
                "CREATE TABLE untracked (id INT PRIMARY KEY," + MOD + ")");
        // 250 rows in three statements, so that many rows share a modification time and pages cut inside one.
        for (int s = 0; s < 3; s++) {
            StringBuilder q = new StringBuilder("INSERT INTO item (id, v) VALUES ");
            for (int i = s * 100; i < Math.min(250, s * 100 + 100); i++) {
                q.append(i == s * 100 ? "" : ", ").append('(').append(i).append(", 'v").append(i).append("')");
            }
            TestDatabase.exec(DB, q.toString());
        }
        adapter = TestDatabase.adapter(DB, "page-size", "100", "inline-threshold", "10",
                "structure.soft.delete-strategy", "soft-delete:gone", "structure.untracked.delete-strategy", "none");
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    private static List<String> page(JdbcAdapter a, Session s, Cursor c, long index) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        a.readDataPage(s, c.cursorId(), index, sink);
        return c.type() == CursorType.RECORDS ? sink.records().stream().map(ExternalRecord::id).toList() : sink.ids();
    }

    private static List<String> all(JdbcAdapter a, Session s, Cursor c) throws Exception {
        List<String> ids = new ArrayList<>();
        for (long p = 0; p < c.pageCount(); p++) {
            ids.addAll(page(a, s, c, p));
        }
        return ids;
    }

    private static EsaException fault(ThrowingCall call) {
        return assertThrows(EsaException.class, call::run);
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void pagesCutTheRowsInModificationThenIdOrderAnyPageAnyOrderRepeatably() throws Exception {
        Cursor c = adapter.getModifiedPaged(HOST, "item", Instant.EPOCH);
        assertEquals(CursorType.RECORDS, c.type());
        assertEquals(250, c.total());
        assertEquals(3, c.pageCount());
        assertEquals(100, c.pageSize());
        assertEquals(22, c.cursorId().length());
        assertTrue(c.cursorId().matches("[A-Za-z0-9_-]{22}"), c.cursorId());
        List<String> last = page(adapter, HOST, c, 2);
        List<String> first = page(adapter, HOST, c, 0);
        assertEquals(50, last.size());
        assertEquals(IntStream.range(0, 100).mapToObj(Integer::toString).toList(), first);
        assertEquals(first, page(adapter, HOST, c, 0), "a page reads the same twice");
        assertEquals(IntStream.range(0, 250).mapToObj(Integer::toString).toList(), all(adapter, HOST, c));
        RecordingResultHandler sink = new RecordingResultHandler();
        adapter.readDataPage(HOST, c.cursorId(), 1, sink);
        assertEquals("v100", sink.records().get(0).field("v").text());
        adapter.closeCursor(HOST, c.cursorId());
        assertEquals(ErrorCode.CURSOR_NOT_FOUND, fault(() -> page(adapter, HOST, c, 0)).code());
    }

    @Test
    void aWholeTableOfACompositeKeyIsCutByIdRanges() throws Exception {
        StringBuilder q = new StringBuilder("INSERT INTO pair (a, b, v, modified) VALUES ");
        for (int i = 0; i < 230; i++) {
            // Two modification times; inside each, a then b order differs from insertion order.
            q.append(i == 0 ? "" : ", ").append("('k,").append(i % 7).append("', ").append(i).append(", ").append(i)
                    .append(i < 150 ? ", '2026-01-01 00:00:00.5'" : ", '2026-01-02 00:00:00'").append(')');
        }
        TestDatabase.exec(DB, q.toString());
        // Before the change index's horizon: the whole table, walked along its primary key even though it has a
        // modification index (ReadPlanner); the keyset cut inside one modification time is ReadPlanTest's.
        Cursor c = adapter.getModifiedPaged(HOST, "pair", Instant.parse("2025-01-01T00:00:00Z"));
        assertEquals(230, c.total());
        assertEquals(3, c.pageCount());
        List<String> expected = new ArrayList<>();
        try (Connection conn = TestDatabase.connect(DB); PreparedStatement ps = conn.prepareStatement(
                "SELECT a, b FROM pair ORDER BY a, b"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                expected.add(rs.getString(1).replace(",", "%2C") + "," + rs.getInt(2));
            }
        }
        List<String> got = new ArrayList<>(page(adapter, HOST, c, 1));
        got.addAll(0, page(adapter, HOST, c, 0));
        got.addAll(page(adapter, HOST, c, 2));
        assertEquals(expected, got);
        assertEquals(100, page(adapter, HOST, c, 1).size());
    }

    @Test
    void deletedCursorsServeTombstonesAndSoftDeletedRows() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO gone (id) SELECT seq FROM seq_1_to_150", "INSERT INTO soft (id) SELECT seq FROM seq_1_to_120");
        Instant before = adapter.getCurrentTime();
        TestDatabase.exec(DB, "DELETE FROM gone WHERE id <= 130", "UPDATE soft SET gone = TRUE WHERE id > 5");
        Cursor tomb = adapter.getDeletedPaged(HOST, "gone", before);
        assertEquals(CursorType.IDS, tomb.type());
        assertEquals(130, tomb.total());
        assertEquals(2, tomb.pageCount());
        List<String> ids = all(adapter, HOST, tomb);
        assertEquals(130, ids.size());
        assertEquals(IntStream.rangeClosed(1, 130).mapToObj(Integer::toString).sorted().toList(), ids.stream().sorted().toList());
        Cursor soft = adapter.getDeletedPaged(HOST, "soft", before);
        assertEquals(115, soft.total());
        assertEquals(IntStream.rangeClosed(6, 120).mapToObj(Integer::toString).toList(), all(adapter, HOST, soft));
        // The watermark re-reads up to a second before 'before' (duplicates allowed), so ids 1..5 may come too.
        Cursor live = adapter.getModifiedPaged(HOST, "soft", before);
        assertTrue(all(adapter, HOST, live).stream().allMatch(id -> Integer.parseInt(id) <= 5),
                "soft-deleted rows are not modified records");
        Cursor empty = adapter.getModifiedPaged(HOST, "soft", Instant.parse("2100-01-01T00:00:00Z"));
        assertEquals(0, empty.total());
        assertEquals(0, empty.pageCount());
        assertEquals(ErrorCode.PAGE_OUT_OF_RANGE, fault(() -> page(adapter, HOST, empty, 0)).code());
        assertEquals(ErrorCode.NOT_SUPPORTED, fault(() -> adapter.getDeletedPaged(HOST, "untracked", before)).code());
        assertEquals(ErrorCode.NOT_SUPPORTED, fault(() -> adapter.getDeletedPaged(HOST, "gone",
                Instant.now().minus(Duration.ofDays(31)))).code(), "the retention horizon holds for cursors too");
        assertEquals(ErrorCode.UNKNOWN_STRUCTURE, fault(() -> adapter.getModifiedPaged(HOST, "nope", before)).code());
    }

    @Test
    void unknownClosedAndOtherPrincipalsCursorsAreNotFoundAndBadIndexesOutOfRange() throws Exception {
        Cursor c = adapter.getModifiedPaged(HOST, "item", Instant.EPOCH);
        assertEquals(ErrorCode.CURSOR_NOT_FOUND, fault(() -> adapter.readDataPage(HOST, "AAAAAAAAAAAAAAAAAAAAAA", 0, new RecordingResultHandler())).code());
        assertEquals(ErrorCode.CURSOR_NOT_FOUND, fault(() -> adapter.readDataPage(HOST, "' OR 1=1 --", 0, new RecordingResultHandler())).code());
        assertEquals(ErrorCode.CURSOR_NOT_FOUND, fault(() -> page(adapter, OTHER, c, 0)).code());
        adapter.closeCursor(OTHER, c.cursorId());
        adapter.release(OTHER);
        assertEquals(100, page(adapter, HOST, c, 0).size(), "another principal can neither close nor release it");
        assertEquals(ErrorCode.PAGE_OUT_OF_RANGE, fault(() -> page(adapter, HOST, c, -1)).code());
        assertEquals(ErrorCode.PAGE_OUT_OF_RANGE, fault(() -> page(adapter, HOST, c, 3)).code());
        assertEquals(ErrorCode.PAGE_OUT_OF_RANGE, fault(() -> page(adapter, HOST, c, Long.MAX_VALUE)).code());
        assertEquals(ErrorCode.PAGE_OUT_OF_RANGE, fault(() -> page(adapter, HOST, c, Long.MIN_VALUE)).code());
        assertDoesNotThrow(() -> adapter.closeCursor(HOST, "never-existed"));
        assertNotEquals(c.cursorId(), adapter.getModifiedPaged(HOST, "item", Instant.EPOCH).cursorId());
        adapter.release(HOST);
        assertEquals(ErrorCode.CURSOR_NOT_FOUND, fault(() -> page(adapter, HOST, c, 0)).code(), "release closes them");
    }

    private static Instant expiresAt(String id) throws Exception {
        try (Connection conn = TestDatabase.connect(DB);
             PreparedStatement ps = conn.prepareStatement("SELECT expires_at FROM esa_cursor WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC) : null;
            }
        }
    }

    private static void expireIn(String id, String interval) {
        TestDatabase.exec(DB, "UPDATE esa_cursor SET expires_at = UTC_TIMESTAMP(6) + INTERVAL " + interval
                + " WHERE id = '" + id + "'");
    }

    @Test
    void readingAndLeasingExtendTheIdleTimeOutAndExpiredCursorsAreGone() throws Exception {
        Instant now = adapter.getCurrentTime();
        Cursor c = adapter.getModifiedPaged(HOST, "item", Instant.EPOCH);
        Cursor other = adapter.getModifiedPaged(OTHER, "item", Instant.EPOCH);
        assertTrue(Duration.between(now, c.expiresAt()).toMinutes() >= 29, "default 30 minutes: " + c.expiresAt());
        assertEquals(c.expiresAt(), expiresAt(c.cursorId()));
        page(adapter, HOST, c, 0);
        assertEquals(c.expiresAt(), expiresAt(c.cursorId()), "an expiry less than a minute old is not rewritten");

        expireIn(c.cursorId(), "1 MINUTE");
        page(adapter, HOST, c, 1);
        assertTrue(Duration.between(now, expiresAt(c.cursorId())).toMinutes() >= 29, "readDataPage extends");

        expireIn(c.cursorId(), "1 MINUTE");
        expireIn(other.cursorId(), "1 MINUTE");
        adapter.leaseSession(HOST);
        assertTrue(Duration.between(now, expiresAt(c.cursorId())).toMinutes() >= 29, "leaseSession extends");
        assertTrue(Duration.between(now, expiresAt(other.cursorId())).toMinutes() < 2, "only the session's cursors");

        expireIn(c.cursorId(), "-1 SECOND");
        assertEquals(ErrorCode.CURSOR_NOT_FOUND, fault(() -> page(adapter, HOST, c, 0)).code());
        adapter.leaseSession(HOST);
        assertEquals(ErrorCode.CURSOR_NOT_FOUND, fault(() -> page(adapter, HOST, c, 0)).code(), "a lease does not revive it");
        adapter.getModifiedPaged(HOST, "item", Instant.EPOCH);
        assertEquals(null, expiresAt(c.cursorId()), "expired cursors are purged when cursors are opened");
        try (Connection conn = TestDatabase.connect(DB); PreparedStatement ps = conn.prepareStatement(
                "SELECT COUNT(*) FROM esa_cursor_page WHERE cursor_id = ?")) {
            ps.setString(1, c.cursorId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getInt(1), "with their pages");
            }
        }
    }

    @Test
    void aConfiguredTimeOutAndPageSizeAreUsed() throws Exception {
        try (JdbcAdapter small = TestDatabase.adapter(DB, "cursor-timeout-minutes", "1", "page-size", "120")) {
            Instant now = small.getCurrentTime();
            Cursor c = small.getModifiedPaged(HOST, "item", Instant.EPOCH);
            assertEquals(120, c.pageSize());
            assertEquals(3, c.pageCount());
            assertTrue(Duration.between(now, c.expiresAt()).toSeconds() <= 61, c.expiresAt().toString());
            assertEquals(IntStream.range(0, 250).mapToObj(Integer::toString).toList(), all(small, HOST, c));
        }
    }
}
