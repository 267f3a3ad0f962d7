package org.esabridge.jdbc;

import static org.esabridge.jdbc.HostAnswers.sorted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import org.esabridge.jdbc.capture.CaptureMode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 25, item 2: a row XML 1.0 cannot carry — another writer stored a form feed in a text column, or in a key —
 * never blocks the structure's other records: it is left out of the answer and counted, and delivered as soon as it
 * is fixed, even by a fix that leaves its modification column alone. Ids are found by any value the table can hold
 * (a C1 control in a key is looked up, not taken for "not in the table"). Both capture modes, inline and paged
 * reads, getDeleted; every answer goes through the real result writer and validates against sync.xsd.
 */
@Tag("database")
class UnwritableValuesTest {
    private static final String TABLE = "CREATE TABLE note (id VARCHAR(20) PRIMARY KEY, body TEXT, modified TIMESTAMP(6)"
            + " NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))";
    /** A key holding NEL (U+0085): legal XML 1.0, refused in values sent to the ESA, stored by another writer. */
    private static final String C1_ID = "N\u0085X";
    /** A key holding a form feed: XML 1.0 cannot carry it at all. */
    private static final String C0_ID = "d\fe";

    @Test
    void pollingLeavesTheUnwritableRowOutOfEveryReadAndDeliversItOnceFixed() throws Exception {
        TestDatabase.freshSchema("uw_poll");
        TestDatabase.exec("uw_poll", TABLE);
        try (JdbcAdapter adapter = TestDatabase.adapter("uw_poll", "change-capture", "polling")) {
            assertEquals(CaptureMode.POLLING, adapter.captureMode());
            insertRows("uw_poll");
            Instant t0 = adapter.getCurrentTime();

            assertEquals(List.of(C1_ID, "a", "c"), sorted(modified(adapter, Instant.EPOCH)), "inline");
            assertEquals(List.of(C1_ID, "a", "c"), sorted(paged(adapter, Instant.EPOCH)), "paged");
            assertTrue(adapter.unwritableLeftOut() >= 4, "counted: " + adapter.unwritableLeftOut());
            assertEquals(C1_ID, adapter.read("note", C1_ID).id(), "an id is found by any value the table holds");

            // Rows before t0 may come again (the watermark widens a polling read; duplicates are allowed): only b's
            // arrival is asserted, and that nothing XML cannot carry broke the answer.
            assertFalse(modified(adapter, t0).contains("b"), "still left out before the fix");
            fixKeepingTheModificationTime("uw_poll");
            assertTrue(modified(adapter, t0).contains("b"), "the fixed row, though its modified-at stayed");

            TestDatabase.exec("uw_poll", "DELETE FROM note WHERE id IN ('c', CONCAT('d', CHAR(12), 'e'))");
            assertEquals(List.of("c"), deleted(adapter, t0), "the id XML cannot carry is left out, the others answered");
            assertEquals(List.of("c"), pagedDeleted(adapter, t0));
        }
    }

    @Test
    void binlogCaptureLeavesTheUnwritableRowOutAndFindsKeysWithControlCharacters() throws Exception {
        TestDatabase.freshSchema("uw_binlog");
        TestDatabase.exec("uw_binlog", TABLE);
        try (JdbcAdapter adapter = TestDatabase.adapter("uw_binlog")) {
            assertEquals(CaptureMode.BINLOG, adapter.captureMode());
            Instant t0 = adapter.getCurrentTime();
            insertRows("uw_binlog");

            assertEquals(List.of(C1_ID, "a", "c"), sorted(modified(adapter, t0)), "inline, from the change index");
            assertEquals(List.of(C1_ID, "a", "c"), sorted(paged(adapter, t0)), "paged, from the change index");
            Instant t1 = adapter.getCurrentTime();

            fixKeepingTheModificationTime("uw_binlog");
            assertEquals(List.of("b"), sorted(modified(adapter, t1)));

            TestDatabase.exec("uw_binlog", "DELETE FROM note WHERE id IN ('c', CONCAT('d', CHAR(12), 'e'))");
            try (Connection c = TestDatabase.connect("uw_binlog");
                 PreparedStatement ps = c.prepareStatement("DELETE FROM note WHERE id = ?")) {
                ps.setString(1, C1_ID);
                ps.executeUpdate();
            }
            assertEquals(List.of(C1_ID, "c"), sorted(deleted(adapter, t1)));
            assertEquals(List.of(C1_ID, "c"), sorted(pagedDeleted(adapter, t1)));
        }
    }

    @Test
    void aKeyWithAC1ControlIsDeliveredByTheIncrementalReadAsByAFullRead() throws Exception {
        TestDatabase.freshSchema("uw_c1");
        TestDatabase.exec("uw_c1", TABLE);
        try (JdbcAdapter adapter = TestDatabase.adapter("uw_c1")) {
            assertEquals(CaptureMode.BINLOG, adapter.captureMode());
            Instant t0 = adapter.getCurrentTime();
            try (Connection c = TestDatabase.connect("uw_c1");
                 PreparedStatement ps = c.prepareStatement("INSERT INTO note (id, body) VALUES (?, 'fine')")) {
                ps.setString(1, C1_ID);
                ps.executeUpdate();
            }
            assertEquals(List.of(C1_ID), modified(adapter, Instant.EPOCH), "a full read");
            assertEquals(List.of(C1_ID), modified(adapter, t0), "the incremental read, through the change index");
            assertEquals(List.of(C1_ID), paged(adapter, t0));
            assertEquals("fine", adapter.read("note", C1_ID).field("body").text());
        }
    }

    private static void insertRows(String schema) throws Exception {
        TestDatabase.exec(schema, "INSERT INTO note (id, body) VALUES ('a', 'fine'), ('b', CONCAT('form', CHAR(12), 'feed')),"
                + " ('c', 'fine'), (CONCAT('d', CHAR(12), 'e'), 'fine')");
        try (Connection c = TestDatabase.connect(schema);
             PreparedStatement ps = c.prepareStatement("INSERT INTO note (id, body) VALUES (?, 'fine')")) {
            ps.setString(1, C1_ID);
            ps.executeUpdate();
        }
    }

    /** Whoever fixes the row may keep its modification time as it was: the row must still come. */
    private static void fixKeepingTheModificationTime(String schema) {
        TestDatabase.exec(schema, "UPDATE note SET body = 'fixed', modified = modified WHERE id = 'b'");
    }

    private static List<String> modified(JdbcAdapter adapter, Instant after) throws Exception {
        return HostAnswers.modified(adapter, "note", after);
    }

    private static List<String> deleted(JdbcAdapter adapter, Instant after) throws Exception {
        return HostAnswers.deleted(adapter, "note", after);
    }

    private static List<String> paged(JdbcAdapter adapter, Instant after) throws Exception {
        return HostAnswers.paged(adapter, "note", after);
    }

    private static List<String> pagedDeleted(JdbcAdapter adapter, Instant after) throws Exception {
        return HostAnswers.pagedDeleted(adapter, "note", after);
    }
}
