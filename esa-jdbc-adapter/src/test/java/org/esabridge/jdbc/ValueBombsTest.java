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
import java.util.List;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, value bombs, in a JVM of 256 MB (the {@code small-heap} surefire execution): numbers that cost
 * memory or CPU only once something builds them are refused from their text, before any SQL. Whether SQL ran is
 * read from the server's general log, which records every statement the adapter sends.
 */
@Tag("small-heap")
@Tag("database")
class ValueBombsTest {
    private static final String DB = "esa_value_bombs_test";
    private static final Session HOST = new Session("host");
    /** The statements that name the table as the adapter's queries do; this class's own queries do not. */
    private static final String ADAPTER_SQL_ON_BOMB = "SELECT COUNT(*) FROM mysql.general_log"
            + " WHERE argument LIKE CONCAT('%', CHAR(96), 'bomb', CHAR(96), '%') AND argument NOT LIKE '%general_log%'";
    /** Secondary guard only; the old code needed about 13 s for the id below, the new one microseconds. */
    private static final Duration GENEROUS = Duration.ofSeconds(5);
    private static JdbcAdapter adapter;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB,
                "CREATE TABLE bomb (id BIGINT PRIMARY KEY, price DECIMAL(10,2) NULL, qty INT NULL,"
                        + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                "INSERT INTO bomb (id, price, qty) VALUES (1, 1.00, 1)",
                "SET GLOBAL log_output = 'TABLE'", "SET GLOBAL general_log = 'ON'");
        adapter = TestDatabase.adapter(DB, "structure.bomb.writable", "true");
    }

    @AfterAll
    static void stop() {
        TestDatabase.exec(DB, "SET GLOBAL general_log = 'OFF'", "TRUNCATE TABLE mysql.general_log");
        adapter.close();
    }

    private static long adapterStatementsOnBomb() throws Exception {
        try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(ADAPTER_SQL_ON_BOMB)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long rows() throws Exception {
        try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM bomb")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static EsaException refused(ThrowingCall call) throws Exception {
        long before = adapterStatementsOnBomb();
        long start = System.nanoTime();
        EsaException e = assertThrows(EsaException.class, call::run);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(ErrorCode.INVALID_VALUE, e.code(), e.getMessage());
        assertEquals(before, adapterStatementsOnBomb(), "no statement on the table may run");
        assertTrue(took.compareTo(GENEROUS) < 0, "took " + took);
        assertTrue(e.getMessage().length() < 200, "the message must not hold the value");
        return e;
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void runsInASmallHeap() {
        // Guards the surefire execution: in the default 1 GB heap the old code could survive the decimal bomb.
        assertTrue(Runtime.getRuntime().maxMemory() <= 256L * 1024 * 1024, "max heap " + Runtime.getRuntime().maxMemory());
    }

    @Test
    void generalLogSeesTheAdaptersStatements() throws Exception {
        // Guards the guard: a read that does run is counted.
        long before = adapterStatementsOnBomb();
        assertEquals("1.00", adapter.read("bomb", "1").fields().get(0).text());
        assertTrue(adapterStatementsOnBomb() > before);
    }

    @Test
    void decimalWithAHugeExponentIsRefusedWithoutExpandingIt() throws Exception {
        adapter.read("bomb", "1"); // catalog loaded: what follows is the write alone
        for (String bomb : List.of("1e999999999", "-1E+999999999", "1e-999999999", "0.5e-999999999")) {
            EsaException e = refused(() -> adapter.create(HOST, "bomb", new ExternalRecord("2", null,
                    List.of(new FieldValue("price", bomb)))));
            assertTrue(e.getMessage().contains("price"), e.getMessage());
            e = refused(() -> adapter.update(HOST, "bomb", Instant.now(), new ExternalRecord("1", null,
                    List.of(new FieldValue("price", bomb)))));
            assertTrue(e.getMessage().contains("price"), e.getMessage());
        }
        assertEquals(1, rows());
        assertEquals("1.00", adapter.read("bomb", "1").fields().get(0).text());
    }

    @Test
    void millionDigitNumbersAreRefusedWithoutParsingThem() throws Exception {
        adapter.read("bomb", "1");
        String millionDigits = "9".repeat(1_000_000);
        refused(() -> adapter.read("bomb", millionDigits));
        refused(() -> adapter.delete(HOST, "bomb", Instant.now(), millionDigits));
        refused(() -> adapter.update(HOST, "bomb", Instant.now(), new ExternalRecord(millionDigits, null,
                List.of(new FieldValue("qty", "2")))));
        refused(() -> adapter.countRange("bomb", "1", millionDigits));
        refused(() -> adapter.create(HOST, "bomb", new ExternalRecord(millionDigits, null, List.of())));
        refused(() -> adapter.create(HOST, "bomb", new ExternalRecord("3", null,
                List.of(new FieldValue("qty", millionDigits)))));
        refused(() -> adapter.create(HOST, "bomb", new ExternalRecord("3", null,
                List.of(new FieldValue("price", millionDigits + ".5")))));
        assertEquals(1, rows());
    }

    @Test
    void aMillionLeadingZerosCostNothingAndMeanTheNumber() throws Exception {
        String one = "0".repeat(1_000_000) + "1";
        ExternalRecord read = adapter.read("bomb", one);
        assertEquals("1", read.id());
        assertFalse(read.fields().isEmpty());
    }
}
