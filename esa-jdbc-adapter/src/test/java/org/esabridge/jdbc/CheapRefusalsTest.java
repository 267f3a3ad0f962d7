package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.esabridge.api.Cursor;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 §8: refusals cost little. Unknown structure names do not reload the catalog each time, a session
 * cannot hold more than {@code max-open-cursors} cursors, and expired cursors are purged, all of them.
 */
@Tag("database")
class CheapRefusalsTest {
    private static final String DB = "esa_cheap_refusals";
    private static final Session HOST = new Session("host");
    private static final Session OTHER = new Session("other-host");
    private static JdbcAdapter adapter;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE item (id INT PRIMARY KEY, modified TIMESTAMP(6) NOT NULL"
                + " DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), KEY item_mod (modified, id))",
                "INSERT INTO item (id) VALUES (1), (2), (3)");
        adapter = TestDatabase.adapter(DB, "max-open-cursors", "3");
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    @Test
    void unknownStructureNamesInALoopNeverReloadTheCatalog() throws Exception {
        long before = adapter.catalogLoads();
        for (int i = 0; i < 200; i++) {
            assertUnknown("nope_" + i);
            assertUnknown("esa_cursor");
            assertUnknown("emoji_\uD83D\uDE00");
            assertUnknown("x".repeat(65));
        }
        assertEquals(0, adapter.catalogLoads() - before);
    }

    @Test
    void anUnservableTableNamedInALoopReloadsTheCatalogAtMostOnce() throws Exception {
        TestDatabase.exec(DB, "CREATE TABLE no_key (v INT)");
        long before = adapter.catalogLoads();
        for (int i = 0; i < 200; i++) {
            assertUnknown("no_key");
        }
        assertTrue(adapter.catalogLoads() - before <= 1, (adapter.catalogLoads() - before) + " reloads");
    }

    @Test
    void aNewTableIsServedAtItsFirstMention() throws Exception {
        assertUnknown("late");
        TestDatabase.exec(DB, "CREATE TABLE late (id INT PRIMARY KEY, modified TIMESTAMP(6) NOT NULL"
                + " DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))");
        assertEquals(0, adapter.countRange("late", "1", "9"), "the new structure is served at once");
    }

    private static void assertUnknown(String structure) {
        EsaException e = assertThrows(EsaException.class, () -> adapter.countRange(structure, "1", "2"));
        assertEquals(ErrorCode.UNKNOWN_STRUCTURE, e.code());
    }

    @Test
    void anUnservableTableIsLookedAtAgainOnceTheIntervalHasPassed() {
        AtomicLong clock = new AtomicLong(1_000);
        UnservableNames names = new UnservableNames(Duration.ofNanos(100), clock::get);
        assertTrue(names.reloadDue("t"), "a name never seen unservable reloads");
        names.unservable("t");
        assertFalse(names.reloadDue("t"));
        clock.addAndGet(99);
        assertFalse(names.reloadDue("t"));
        clock.addAndGet(1);
        assertTrue(names.reloadDue("t"), "once the interval has passed it reloads again");
        assertTrue(names.reloadDue("other"));
    }

    @Test
    void aSessionHoldsAtMostMaxOpenCursorsAndOthersAreNotAffected() throws Exception {
        adapter.release(HOST);
        adapter.release(OTHER);
        List<Cursor> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            open.add(adapter.getModifiedPaged(HOST, "item", Instant.EPOCH));
        }
        EsaException refused = assertThrows(EsaException.class, () -> adapter.getModifiedPaged(HOST, "item", Instant.EPOCH));
        assertEquals(ErrorCode.TOO_LARGE, refused.code());
        assertEquals(3, adapter.getModifiedPaged(OTHER, "item", Instant.EPOCH).total(), "another session opens its own");
        adapter.closeCursor(HOST, open.get(0).cursorId());
        assertEquals(3, adapter.getModifiedPaged(HOST, "item", Instant.EPOCH).total(), "closing one makes room");
        adapter.release(HOST);
        adapter.release(OTHER);
    }

    @Test
    void expiredCursorsArePurgedAllOfThemWhenACursorIsOpened() throws Exception {
        adapter.release(HOST);
        try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement()) {
            s.execute("INSERT INTO esa_cursor (id, principal, structure, source, requested_after, after, horizon,"
                    + " page_size, total, page_count, created_at, expires_at)"
                    + " SELECT LPAD(seq, 22, 'x'), 'someone', 'item', 'MODIFIED', NOW(6), NOW(6), NOW(6), 100, 0, 0,"
                    + " NOW(6) - INTERVAL 2 HOUR, NOW(6) - INTERVAL 1 HOUR FROM seq_1_to_1234");
        }
        adapter.closeCursor(HOST, adapter.getModifiedPaged(HOST, "item", Instant.EPOCH).cursorId());
        try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM esa_cursor WHERE expires_at <= UTC_TIMESTAMP(6)")) {
            rs.next();
            assertEquals(0, rs.getLong(1));
        }
    }
}
