package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.esabridge.api.Cursor;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Cursor state lives in the database: two adapters on one database (two server nodes) share cursors, and a
 * cursor outlives the adapter that opened it.
 */
@Tag("database")
class TwoNodesCursorTest {
    private static final String DB = "esa_two_nodes_test";
    private static final Session HOST = new Session("host");

    @BeforeAll
    static void schema() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(10), modified TIMESTAMP(6) NOT NULL"
                + " DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), KEY item_mod (modified, id))",
                "INSERT INTO item (id, v) SELECT seq, CONCAT('v', seq) FROM seq_1_to_350");
    }

    private static List<String> pages(JdbcAdapter a, Cursor c) throws Exception {
        List<String> ids = new ArrayList<>();
        for (long p = c.pageCount() - 1; p >= 0; p--) {
            RecordingResultHandler sink = new RecordingResultHandler();
            a.readDataPage(HOST, c.cursorId(), p, sink);
            ids.addAll(0, sink.records().stream().map(ExternalRecord::id).toList());
        }
        return ids;
    }

    @Test
    void aCursorOpenedOnOneNodeIsReadAndClosedOnAnother() throws Exception {
        try (JdbcAdapter a = TestDatabase.adapter(DB, "page-size", "100");
             JdbcAdapter b = TestDatabase.adapter(DB, "page-size", "100")) {
            Cursor c = a.getModifiedPaged(HOST, "item", Instant.EPOCH);
            assertEquals(4, c.pageCount());
            List<String> onA = pages(a, c);
            assertEquals(350, onA.size());
            assertEquals(onA, pages(b, c));
            b.closeCursor(HOST, c.cursorId());
            EsaException e = assertThrows(EsaException.class, () -> a.readDataPage(HOST, c.cursorId(), 0, new RecordingResultHandler()));
            assertEquals(ErrorCode.CURSOR_NOT_FOUND, e.code());
        }
    }

    @Test
    void aCursorSurvivesTheRestartOfTheNodeThatOpenedIt() throws Exception {
        Cursor c;
        List<String> before;
        try (JdbcAdapter a = TestDatabase.adapter(DB, "page-size", "100")) {
            c = a.getModifiedPaged(HOST, "item", Instant.EPOCH);
            before = pages(a, c);
        }
        try (JdbcAdapter restarted = TestDatabase.adapter(DB, "page-size", "100")) {
            assertEquals(before, pages(restarted, c));
            restarted.release(HOST);
        }
    }
}
