package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11: a value is checked against its column from its text, before any SQL — numbers by the type's
 * digits, precision, scale and range, every value for control characters — and refused INVALID_VALUE with
 * a message that names the field, not the value. The value bombs themselves are {@link ValueBombsTest}.
 */
@Tag("database")
class ValueBoundsTest {
    private static final String DB = "esa_value_bounds_test";
    private static final Session HOST = new Session("host");
    private static JdbcAdapter adapter;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB,
                "CREATE TABLE n (id INT AUTO_INCREMENT PRIMARY KEY, price DECIMAL(10,2) NULL,"
                        + " i INT NULL, ti TINYINT UNSIGNED NULL, ub BIGINT UNSIGNED NULL, sb BIGINT NULL,"
                        + " b8 BIT(8) NULL, f FLOAT NULL, d DOUBLE NULL, y YEAR NULL, s VARCHAR(20) NULL,"
                        + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                "CREATE TABLE k (code VARCHAR(20) PRIMARY KEY, v INT NULL,"
                        + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                "INSERT INTO k (code, v) VALUES ('a', 1)");
        adapter = TestDatabase.adapter(DB, "structure.n.writable", "true", "structure.k.writable", "true");
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    private static String stored(String field, String text) throws Exception {
        ExternalRecord created = adapter.create(HOST, "n", new ExternalRecord(null, null,
                List.of(new FieldValue(field, text))));
        return created.fields().stream().filter(f -> f.name().equals(field)).findFirst().orElseThrow().text();
    }

    private static long rows(String table) throws Exception {
        try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void refused(String field, String text) throws Exception {
        long before = rows("n");
        EsaException e = assertThrows(EsaException.class, () -> adapter.create(HOST, "n",
                new ExternalRecord(null, null, List.of(new FieldValue(field, text)))), field + "=" + text);
        assertEquals(ErrorCode.INVALID_VALUE, e.code(), field + "=" + text + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("field " + field), e.getMessage());
        assertEquals(before, rows("n"));
    }

    @ParameterizedTest
    @CsvSource({
        "price, 12345678.99, 12345678.99", "price, -12345678.99, -12345678.99", "price, 1.500, 1.50",
        "price, .5, 0.50", "price, 5., 5.00", "price, -0.000, 0.00", "price, 1.5e2, 150.00", "price, 12345E-2, 123.45",
        "price, 0.0001e4, 1.00", "price, 0e999999999, 0.00", "price, 000000000000000000000042.10, 42.10",
        "i, 2147483647, 2147483647", "i, -2147483648, -2147483648", "i, +7, 7", "i, -0, 0",
        "ti, 255, 255", "ub, 18446744073709551615, 18446744073709551615",
        "sb, -9223372036854775808, -9223372036854775808", "b8, 255, 255", "y, 2024, 2024",
        "d, 1.5, 1.5", "d, 1e308, 1.0E+308", "d, -2.5e-300, -2.5E-300", "f, 3e38, 3.0E+38"})
    void numbersWithinTheColumnAreStored(String field, String text, String expected) throws Exception {
        String value = stored(field, text);
        if (field.equals("d") || field.equals("f")) {
            assertEquals(Double.parseDouble(expected), Double.parseDouble(value), Math.abs(Double.parseDouble(expected)) * 1e-6);
        } else {
            assertEquals(expected, value);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "price, 123456789", "price, 1.005", "price, 1e8", "price, 1e-3", "price, 1e", "price, e5", "price, 1.2.3",
        "price, 1e1000000000", "price, 0x10", "price, NaN", "price, ''",
        "i, 2147483648", "i, -2147483649", "i, 1.0", "i, 1e3", "i, 99999999999999999999999",
        "ti, 256", "ti, -1", "ub, 18446744073709551616", "ub, -1", "sb, 9223372036854775808",
        "b8, 256", "b8, -1", "y, 20245",
        "d, 1e309", "d, 1e-400", "d, 1.8e308", "d, Infinity", "f, 1e39", "f, 3.5e38"})
    void numbersBeyondTheColumnAreInvalid(String field, String text) throws Exception {
        refused(field, text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0001b", "\u001B[2J", "a\u0000", "del\u007F", "csi\u009B2J", "nel\u0085",
        "x\uFFFE", "lone\uD800", "lone\uDC00x"})
    void controlCharactersAreInvalidAndNotStored(String text) throws Exception {
        refused("s", text);
        EsaException e = assertThrows(EsaException.class, () -> adapter.update(HOST, "k", Instant.now(),
                new ExternalRecord("a", null, List.of(new FieldValue("v", "2"), new FieldValue("code", text)))));
        assertTrue(e.code() == ErrorCode.INVALID_VALUE || e.code() == ErrorCode.UNKNOWN_FIELD, e.getMessage());
        assertFalse(e.getMessage().contains(text), "the message must not hold the value: " + e.getMessage());
    }

    @Test
    void tabsLineBreaksAndTextOfEveryPlaneAreStored() throws Exception {
        assertEquals("a\tb\r\nc \u00e9\u20ac\uD83D\uDE00", stored("s", "a\tb\r\nc \u00e9\u20ac\uD83D\uDE00"));
    }

    /**
     * An id is looked up by any value its column can hold (another writer may have stored a control character
     * in a key, and the host has such an id from this ESA's answers): not found is RECORD_NOT_FOUND, and a delete
     * of it succeeds as any delete of a missing record does. Stored anew (create), it is refused like any value.
     */
    @Test
    void idWithAControlCharacterIsLookedUpButNeverStoredAnew() throws Exception {
        // Not "a…": the schema's collation ignores control characters, so a\u0001 would find the row 'a'.
        for (String id : List.of("z\u0001", "z\u009B")) {
            assertEquals(ErrorCode.RECORD_NOT_FOUND, assertThrows(EsaException.class, () -> adapter.read("k", id)).code());
            adapter.delete(HOST, "k", Instant.now(), id);
            assertEquals(ErrorCode.INVALID_VALUE, assertThrows(EsaException.class, () -> adapter.create(HOST, "k",
                    new ExternalRecord(id, null, List.of(new FieldValue("v", "1"))))).code());
        }
        assertEquals(1, rows("k"));
    }

    /** An id that cannot exist in its column is answered as a non-numeric id is: INVALID_VALUE. */
    @Test
    void idBeyondItsColumnIsInvalidLikeANonNumericId() throws Exception {
        for (String id : List.of("x", "2147483648", "99999999999999999999999", "1.5")) {
            EsaException e = assertThrows(EsaException.class, () -> adapter.read("n", id));
            assertEquals(ErrorCode.INVALID_VALUE, e.code(), id);
            assertEquals(ErrorCode.INVALID_VALUE, assertThrows(EsaException.class,
                    () -> adapter.countRange("n", "1", id)).code(), id);
        }
        assertEquals(ErrorCode.RECORD_NOT_FOUND, assertThrows(EsaException.class,
                () -> adapter.read("n", "2147483647")).code());
    }
}
