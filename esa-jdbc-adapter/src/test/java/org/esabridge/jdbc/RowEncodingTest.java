package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.esabridge.api.xml.EncodedRecords;
import org.esabridge.api.xml.EsaResultWriter;
import org.esabridge.jdbc.catalog.Catalog;
import org.esabridge.jdbc.catalog.CatalogLoader;
import org.esabridge.jdbc.catalog.RecordMapper;
import org.esabridge.jdbc.mariadb.MariaDbDialect;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A row written into a page straight from the result set ({@link RecordMapper#encode}: the driver's bytes of a text,
 * no record) is the row {@link RecordMapper#map} reads and the encoder writes, byte for byte, for every column type
 * and for texts XML must escape or cannot carry: a row refused one way is refused the other.
 */
@Tag("database")
class RowEncodingTest {
    private static final String DB = "esa_row_encoding_test";

    /** Every kind of value, and the texts the encoder must escape (or refuse) in each kind of text column. */
    private static final String COLUMNS = "id INT NOT NULL PRIMARY KEY, c_tiny TINYINT, c_flag TINYINT(1),"
            + " c_zf INT(8) ZEROFILL, c_year YEAR, c_big_u BIGINT UNSIGNED, c_bit1 BIT(1), c_bit7 BIT(7),"
            + " c_dec DECIMAL(20,6), c_float FLOAT, c_double DOUBLE, c_char CHAR(10), c_varchar VARCHAR(2000),"
            + " c_latin1 VARCHAR(20) CHARACTER SET latin1, c_text TEXT, c_enum ENUM('a','ü','>x'), c_set SET('x','y'),"
            + " c_json JSON, c_uuid UUID, c_inet6 INET6, c_date DATE, c_dt DATETIME, c_dt2 DATETIME(2),"
            + " c_ts TIMESTAMP(3) NULL, c_time TIME(6), c_blob BLOB, c_point POINT,"
            + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)";

    /** Hostile texts for the text columns: markup, ]]>, CR, DEL, C1 controls, emoji, U+FFFE, a form feed. */
    private static final List<String> TEXTS = List.of("", "plain ascii 123", "]]>", "a]]>b", ">", "x > y", "<&>",
            "cr\rlf\ntab\t", "del\u007f", "nel\u0085", "c1\u009f", "😀 emoji 𝄞", "Grüße é €", "bad\ufffe", "bad\uffff",
            "form\ffeed", "nul\u0001", "   ", "trailing  ", "]".repeat(600) + ">" + "a".repeat(600) + ">",
            "x".repeat(511) + ">" + "y".repeat(512) + ">z", "é".repeat(300) + ">" + "a".repeat(300));

    @BeforeAll
    static void load() throws Exception {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE t (" + COLUMNS + ") CHARACTER SET utf8mb4",
                "SET SESSION sql_mode = ''",
                "INSERT INTO t (id, c_tiny, c_flag, c_zf, c_year, c_big_u, c_bit1, c_bit7, c_dec, c_float, c_double,"
                        + " c_latin1, c_enum, c_set, c_json, c_uuid, c_inet6, c_date, c_dt, c_dt2, c_ts, c_time, c_blob,"
                        + " c_point, modified) VALUES"
                        + " (1, -128, 5, 42, 0, 18446744073709551615, b'1', b'1010101', -12345678901234.000001,"
                        + " 3.4028235E38, -1.7976931348623157E308, X'81', '>x', 'x,y', '{\"k\": \"<&>]]>\"}',"
                        + " 'ffffffff-ffff-ffff-ffff-ffffffffffff', '::1', '0000-00-00', '0000-00-00 00:00:00',"
                        + " '2024-01-00 00:00:00.50', '2038-01-19 03:14:07.999', '-838:59:58.999999', X'000DFF',"
                        + " POINT(1, 2), '2024-02-29 23:59:59.999999'),"
                        + " (2, 1, 0, 0, 2155, 0, b'0', b'0', 0, -0.0001, 1e-300, X'85', 'ü', '', '[]',"
                        + " '00000000-0000-0000-0000-000000000000', 'ffff::1', '9999-12-31', '9999-12-31 23:59:59',"
                        + " '1000-01-01 00:00:00.01', '1970-01-01 00:00:01', '838:59:59', X'',"
                        + " POINT(0, 0), '1970-01-01 00:00:01.000000')");
        try (Connection c = TestDatabase.connect(DB);
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO t (id, c_char, c_varchar, c_text, modified) VALUES (?, ?, ?, ?, '2026-12-07 01:02:03.4')")) {
            for (int i = 0; i < TEXTS.size(); i++) {
                String text = TEXTS.get(i);
                ps.setInt(1, 10 + i);
                ps.setString(2, text.length() <= 10 ? text : null);
                ps.setString(3, text);
                ps.setString(4, text + " " + text);
                ps.executeUpdate();
            }
            ps.setInt(1, 100); // every nullable column null
            for (int k = 2; k <= 4; k++) {
                ps.setString(k, null);
            }
            ps.executeUpdate();
        }
    }

    @Test
    void everyRowIsWrittenAsItsRecordIsAndRefusedWhereItIs() throws Exception {
        JdbcAdapterConfig config = JdbcAdapterConfig.fromSettings(
                TestDatabase.settings(DB, "structure.t.boolean-columns", "c_flag"), null);
        List<Integer> refused = new ArrayList<>();
        int rows = 0;
        try (Connection c = TestDatabase.connect(DB)) {
            Catalog catalog = new CatalogLoader(config, MariaDbDialect.INSTANCE, Set.of()).load(c);
            RecordMapper m = new RecordMapper(catalog.table("t"), MariaDbDialect.INSTANCE);
            // Both ways into one page each, as a page is read ahead: the encoder's tags by position carry over.
            EncodedRecords viaRecords = new EncodedRecords();
            EncodedRecords viaBytes = new EncodedRecords();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + m.selectList() + " FROM " + m.from()
                    + " ORDER BY " + m.idOrder()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    EncodedRecords one = new EncodedRecords();
                    boolean byRecord = one.add(m.map(rs));
                    EncodedRecords other = new EncodedRecords();
                    String id = m.encode(rs, other.begin());
                    boolean byBytes = other.end();
                    assertEquals(rs.getString(1), id);
                    assertEquals(byRecord, byBytes, "row " + id + " taken one way and not the other");
                    assertArrayEquals(bytes(one), bytes(other), () -> "row " + id);
                    if (!byRecord) {
                        refused.add(rs.getInt(1));
                    }
                    viaRecords.add(m.map(rs));
                    m.encode(rs, viaBytes.begin());
                    viaBytes.end();
                }
            }
            assertEquals(viaRecords.count(), viaBytes.count());
            assertArrayEquals(bytes(viaRecords), bytes(viaBytes));
            String page = new String(bytes(viaBytes), StandardCharsets.UTF_8);
            assertTrue(page.contains("]]&gt;") && page.contains("&#13;") && page.contains("&#x7f;")
                    && page.contains("&#x85;") && page.contains("&#x81;") && page.contains("😀"), page);
        }
        assertEquals(3 + TEXTS.size(), rows);
        // U+FFFE, U+FFFF, a form feed and U+0001: refused both ways (the writer then refuses them as it always did).
        assertEquals(List.of(10 + TEXTS.indexOf("bad\ufffe"), 10 + TEXTS.indexOf("bad\uffff"),
                10 + TEXTS.indexOf("form\ffeed"), 10 + TEXTS.indexOf("nul\u0001")), refused);
    }

    private static byte[] bytes(EncodedRecords records) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EsaResultWriter writer = new EsaResultWriter(out);
        writer.begin("c");
        writer.records(records);
        writer.end();
        return out.toByteArray();
    }
}
