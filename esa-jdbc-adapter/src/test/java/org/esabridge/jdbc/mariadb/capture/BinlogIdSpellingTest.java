package org.esabridge.jdbc.mariadb.capture;

import org.esabridge.jdbc.capture.CaptureMode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The index is looked up by id text, so the reader must spell every id exactly as the adapter does when it reads
 * the row over JDBC. For each supported id type (edge values: unsigned maxima, negative minima, trailing zero
 * bytes, multi-byte and latin1 text, fractional seconds) and a composite key that needs escaping, the ids in
 * {@code esa_change} equal those getModified returns for the same rows.
 */
@Tag("database")
class BinlogIdSpellingTest {
    private static final String SCHEMA = "cap_ids";
    private static final String MOD = ", modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
            + " ON UPDATE CURRENT_TIMESTAMP(6)";

    /** table → (id column type, values to insert as SQL literals). */
    private static final Map<String, String[]> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("t_int", new String[] {"INT", "-2147483648", "0", "2147483647"});
        TYPES.put("t_uint", new String[] {"INT UNSIGNED", "0", "2147483648", "4294967295"});
        TYPES.put("t_tiny_u", new String[] {"TINYINT UNSIGNED", "128", "255"});
        TYPES.put("t_tiny", new String[] {"TINYINT", "-128", "127"});
        TYPES.put("t_small_u", new String[] {"SMALLINT UNSIGNED", "65535", "32768"});
        TYPES.put("t_med", new String[] {"MEDIUMINT", "-8388608", "8388607"});
        TYPES.put("t_med_u", new String[] {"MEDIUMINT UNSIGNED", "16777215", "8388608"});
        TYPES.put("t_big", new String[] {"BIGINT", "-9223372036854775808", "9223372036854775807"});
        TYPES.put("t_big_u", new String[] {"BIGINT UNSIGNED", "18446744073709551615", "9223372036854775808"});
        TYPES.put("t_dec", new String[] {"DECIMAL(12,3)", "1.5", "-0.001", "123456789.000"});
        TYPES.put("t_dec0", new String[] {"DECIMAL(20,0)", "-99999999999999999999", "7"});
        TYPES.put("t_char", new String[] {"CHAR(10)", "'ab'", "'x y'", "''"});
        TYPES.put("t_varchar", new String[] {"VARCHAR(20)", "'Grüße 😀'", "'a,b%c'", "'trailing '"});
        TYPES.put("t_latin1", new String[] {"VARCHAR(20) CHARACTER SET latin1", "'café €'", "'Œuvre'"});
        TYPES.put("t_ascii", new String[] {"VARCHAR(20) CHARACTER SET ascii", "'plain'"});
        TYPES.put("t_date", new String[] {"DATE", "'2024-02-29'", "'1000-01-01'", "'9999-12-31'"});
        TYPES.put("t_dt0", new String[] {"DATETIME", "'2024-01-02 03:04:05'"});
        TYPES.put("t_dt3", new String[] {"DATETIME(3)", "'2024-01-02 03:04:05.120'", "'1970-01-01 00:00:00.001'"});
        TYPES.put("t_ts6", new String[] {"TIMESTAMP(6)", "'2024-01-02 03:04:05.123456'", "'2038-01-19 03:14:07.999999'"});
        TYPES.put("t_bin", new String[] {"BINARY(4)", "X'01000000'", "X'00'", "X'FFFFFFFF'"});
        TYPES.put("t_varbin", new String[] {"VARBINARY(8)", "X'00FF00'", "X''"});
        TYPES.put("t_bit", new String[] {"BIT(12)", "b'101001010011'", "0"});
        TYPES.put("t_bool", new String[] {"BOOLEAN", "0", "1", "-128", "5"});
        TYPES.put("t_year", new String[] {"YEAR", "0", "1901", "2155"});
        TYPES.put("t_zerofill", new String[] {"INT(6) ZEROFILL", "0", "7", "4294967295"});
    }

    @Test
    void everySupportedIdTypeIsSpelledAsTheAdapterReadsIt() throws Exception {
        TestDatabase.freshSchema(SCHEMA);
        for (Map.Entry<String, String[]> t : TYPES.entrySet()) {
            TestDatabase.exec(SCHEMA, "CREATE TABLE " + t.getKey() + " (id " + t.getValue()[0] + " NOT NULL PRIMARY KEY" + MOD + ")");
        }
        TestDatabase.exec(SCHEMA, "CREATE TABLE t_composite (a VARCHAR(10) NOT NULL, b INT UNSIGNED NOT NULL, c DATE NOT NULL"
                + MOD + ", PRIMARY KEY (a, b, c))");
        try (JdbcAdapter adapter = TestDatabase.adapter(SCHEMA)) {
            assertEquals(CaptureMode.BINLOG, adapter.captureMode());
            adapter.getCurrentTime();
            for (Map.Entry<String, String[]> t : TYPES.entrySet()) {
                String[] v = t.getValue();
                for (int i = 1; i < v.length; i++) {
                    TestDatabase.exec(SCHEMA, "INSERT INTO " + t.getKey() + " (id) VALUES (" + v[i] + ")");
                }
            }
            TestDatabase.exec(SCHEMA, "INSERT INTO t_composite (a, b, c) VALUES ('x,y%', 4294967295, '2024-02-29'),"
                    + " ('', 0, '1999-12-31')");
            adapter.getCurrentTime();

            for (String table : TYPES.keySet()) {
                assertSameIds(adapter, table);
            }
            assertSameIds(adapter, "t_composite");
            assertFalse(adapter.captureSummary().get(0).contains("polled"), adapter.captureSummary().get(0));
        }
    }

    @Test
    void aTableWhoseIdTheLogCannotSpellIsNamedAtStart() throws Exception {
        TestDatabase.freshSchema("cap_ids_unsupported");
        TestDatabase.exec("cap_ids_unsupported", "CREATE TABLE t_time (id TIME NOT NULL PRIMARY KEY" + MOD + ")",
                "CREATE TABLE t_ok (id INT NOT NULL PRIMARY KEY" + MOD + ")");
        try (JdbcAdapter adapter = TestDatabase.adapter("cap_ids_unsupported")) {
            String line = adapter.captureSummary().get(0);
            assertTrue(line.contains("polled by their modification column instead: t_time (id column id of type time"),
                    line);
            assertFalse(line.contains("t_ok"), line);
            assertTrue(line.startsWith("change capture: binlog - 1 structure(s), every committed change"),
                    "only t_ok is counted as read from the log: " + line);
        }
    }

    /** Each indexed id names a row that the adapter, reading it by that id, spells the same; and every row is indexed. */
    private static void assertSameIds(JdbcAdapter adapter, String table) throws Exception {
        Set<String> indexed = ChangeIndexRows.of(SCHEMA, table).keySet();
        for (String id : indexed) {
            assertEquals(id, adapter.read(table, id).id(), table);
        }
        try (java.sql.Connection c = TestDatabase.connect(SCHEMA); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            assertEquals(rs.getInt(1), indexed.size(), table + ": " + indexed);
        }
    }
}
