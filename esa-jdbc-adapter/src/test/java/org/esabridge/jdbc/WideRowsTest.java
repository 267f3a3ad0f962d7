package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.esabridge.api.Cursor;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ResultSink;
import org.esabridge.api.Session;
import org.esabridge.jdbc.catalog.Catalog;
import org.esabridge.jdbc.catalog.CatalogLoader;
import org.esabridge.jdbc.catalog.RowWidth;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.changes.RowsById;
import org.esabridge.jdbc.mariadb.MariaDbDialect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 25 item 7, in a JVM of 256 MB (the {@code small-heap} surefire execution): a table of 20 rows of 20 MB
 * (400 MB, more than the heap) is read inline, paged and by id, because the driver holds only as many rows at once
 * as the table's widest rows allow ({@link RowWidth}). A row larger than the driver accepts, or than the heap itself,
 * cannot be read: the call answers TOO_LARGE, and the connection, dropped by the driver or out of step with the
 * server, leaves the pool, so the next call answers.
 */
@Tag("small-heap")
@Tag("database")
class WideRowsTest {
    private static final String DB = "esa_wide_rows_test";
    private static final int ROWS = 20;
    private static final int MB = 1024 * 1024;
    private static final int VALUE = 20 * MB;
    /** A value larger than the heap: the driver cannot hold it, whatever the fetch size. */
    private static final int HUGE = 300 * MB;
    private static final Session HOST = new Session("host");
    private static long packetBefore;
    private static JdbcAdapter adapter;

    @BeforeAll
    static void start() throws Exception {
        TestDatabase.freshSchema(DB);
        try (Connection c = TestDatabase.connect(DB); var s = c.createStatement();
             var rs = s.executeQuery("SELECT @@GLOBAL.max_allowed_packet")) {
            rs.next();
            packetBefore = rs.getLong(1);
        }
        // The server refuses rows (and REPEAT results) larger than max_allowed_packet; sessions opened from now on
        // (the adapter's pool, the inserts below) see the new value.
        TestDatabase.exec(DB, "SET GLOBAL max_allowed_packet = 1024 * 1024 * 1024");
        TestDatabase.exec(DB, "CREATE TABLE wide (id INT PRIMARY KEY, payload LONGBLOB NOT NULL,"
                + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))");
        TestDatabase.exec(DB, "CREATE TABLE huge (id INT PRIMARY KEY, payload LONGBLOB NOT NULL,"
                + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))");
        TestDatabase.exec(DB, "CREATE TABLE narrow (id INT PRIMARY KEY, name VARCHAR(40) NULL,"
                + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))");
        for (int i = 1; i <= ROWS; i++) {
            // Built by the server: the test's heap holds none of it.
            TestDatabase.exec(DB, "INSERT INTO wide (id, payload) VALUES (" + i + ", REPEAT('w', " + VALUE + "))");
        }
        TestDatabase.exec(DB, "INSERT INTO huge (id, payload) VALUES (1, REPEAT('h', " + HUGE + "))",
                "INSERT INTO narrow (id, name) SELECT seq, 'n' FROM seq_1_to_10");
        // One connection: a call that answers after a broken one got the broken one back, or its replacement.
        adapter = TestDatabase.adapter(DB, JdbcAdapterConfig.POOL_SIZE, "1");
    }

    @AfterAll
    static void stop() {
        if (adapter != null) {
            adapter.close();
        }
        TestDatabase.exec(DB, "DROP TABLE wide", "DROP TABLE huge",
                "SET GLOBAL max_allowed_packet = " + packetBefore);
    }

    /** Checks each record's size and keeps nothing of it. */
    private static final class Counting implements ResultSink {
        final List<String> ids = new ArrayList<>();
        final int valueLength;

        Counting(int valueLength) {
            this.valueLength = valueLength;
        }

        @Override
        public void record(ExternalRecord record) {
            ids.add(record.id());
            if (valueLength == 0) {
                return;
            }
            String payload = record.fields().stream().filter(f -> f.name().equals("payload")).findFirst()
                    .orElseThrow().text();
            assertTrue(payload.length() >= valueLength, "payload of " + payload.length() + " characters");
        }

        @Override
        public void id(String id) {
            ids.add(id);
        }
    }

    private static List<String> allIds() {
        return IntStream.rangeClosed(1, ROWS).mapToObj(Integer::toString).toList();
    }

    @Test
    void runsInAHeapSmallerThanTheTable() {
        assertTrue(Runtime.getRuntime().maxMemory() < (long) ROWS * VALUE, "max heap " + Runtime.getRuntime().maxMemory());
    }

    @Test
    void readsWideRowsInline() throws Exception {
        Counting sink = new Counting(VALUE);
        assertTrue(adapter.getModified("wide", Instant.EPOCH, sink));
        assertEquals(allIds(), sink.ids);
    }

    @Test
    void readsWideRowsPaged() throws Exception {
        Cursor cursor = adapter.getModifiedPaged(HOST, "wide", Instant.EPOCH);
        Counting sink = new Counting(VALUE);
        for (long page = 0; page < cursor.pageCount(); page++) {
            adapter.readDataPage(HOST, cursor.cursorId(), page, sink);
        }
        adapter.closeCursor(HOST, cursor.cursorId());
        assertEquals(allIds(), sink.ids);
    }

    @Test
    void readsWideRowsById() throws Exception {
        JdbcAdapterConfig config = JdbcAdapterConfig.fromSettings(TestDatabase.settings(DB), null);
        try (Connection c = TestDatabase.connect(DB)) {
            Catalog catalog = new CatalogLoader(config, MariaDbDialect.INSTANCE, Set.of()).load(c);
            RowsById rows = new RowsById(catalog.sql("wide"), 60);
            Counting sink = new Counting(VALUE);
            rows.sendLive(c, MariaDbDialect.INSTANCE, allIds(), sink);
            assertEquals(Set.copyOf(allIds()), Set.copyOf(sink.ids));
            assertEquals(ROWS, sink.ids.size());
            Counting inOrder = new Counting(VALUE);
            rows.sendLiveInOrder(c, MariaDbDialect.INSTANCE, allIds(), inOrder);
            assertEquals(allIds(), inOrder.ids);
        }
    }

    @Test
    void theFetchSizeFollowsTheWidestRow() throws Exception {
        JdbcAdapterConfig config = JdbcAdapterConfig.fromSettings(TestDatabase.settings(DB), null);
        try (Connection c = TestDatabase.connect(DB)) {
            Catalog catalog = new CatalogLoader(config, MariaDbDialect.INSTANCE, Set.of()).load(c);
            TableSql wide = catalog.sql("wide");
            assertEquals(1, wide.fetchRows());
            assertEquals(RowWidth.MOST_ROWS, catalog.sql("narrow").fetchRows());
        }
    }

    @Test
    void aRowLargerThanTheDriverAcceptsIsTooLargeAndTheNextCallAnswers() throws Exception {
        // Connector/J refuses a row packet over its maxAllowedPacket (by default a quarter of the heap, here 64 MiB)
        // and drops the connection.
        for (int attempt = 0; attempt < 2; attempt++) {
            failsAndTheNextCallAnswers(adapter);
        }
    }

    @Test
    void aRowLargerThanTheHeapIsTooLargeAndTheNextCallAnswers() throws Exception {
        // With a maxAllowedPacket above the heap, the driver runs out of memory in the middle of the row, out of
        // step with the server.
        try (JdbcAdapter big = TestDatabase.adapter(DB, JdbcAdapterConfig.JDBC_URL,
                TestDatabase.url(DB) + "?maxAllowedPacket=" + (1024 * MB), JdbcAdapterConfig.POOL_SIZE, "1")) {
            for (int attempt = 0; attempt < 2; attempt++) {
                failsAndTheNextCallAnswers(big);
            }
        }
    }

    private static void failsAndTheNextCallAnswers(JdbcAdapter adapter) throws Exception {
        EsaException e = assertThrows(EsaException.class,
                () -> adapter.getModified("huge", Instant.EPOCH, new Counting(HUGE)));
        assertEquals(ErrorCode.TOO_LARGE, e.code(), e.getMessage());
        Cursor cursor = adapter.getModifiedPaged(HOST, "huge", Instant.EPOCH);
        e = assertThrows(EsaException.class, () -> adapter.readDataPage(HOST, cursor.cursorId(), 0, new Counting(HUGE)));
        assertEquals(ErrorCode.TOO_LARGE, e.code(), e.getMessage());
        // The one connection of the pool was discarded; its replacement is in step with the server.
        Counting sink = new Counting(0);
        assertTrue(adapter.getModified("narrow", Instant.EPOCH, sink));
        assertEquals(10, sink.ids.size());
        assertEquals("n", adapter.read("narrow", "3").fields().get(0).text());
    }
}
