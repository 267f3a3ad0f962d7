package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalField;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.FieldType;
import org.esabridge.api.FieldValue;
import org.esabridge.api.Relation;
import org.esabridge.api.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The catalog (which tables, which field types) and the text form of every column type, both ways. */
@Tag("database")
class ValuesAndCatalogTest {
    private static final String DB = "esa_values_test";
    private static final Session HOST = new Session("host");
    private static JdbcAdapter adapter;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB,
                "CREATE TABLE every_type (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,"
                        + " c_tinyint TINYINT, c_smallint SMALLINT, c_mediumint MEDIUMINT, c_int INT NOT NULL,"
                        + " c_bigint BIGINT, c_ubigint BIGINT UNSIGNED,"
                        + " c_decimal DECIMAL(30,10), c_float FLOAT, c_double DOUBLE,"
                        + " c_bool BOOLEAN, c_bit1 BIT(1), c_bit8 BIT(8),"
                        + " c_char CHAR(10), c_varchar VARCHAR(255), c_longvarchar VARCHAR(1000), c_text TEXT,"
                        + " c_enum ENUM('red','green'), c_set SET('a','b','c'), c_json JSON,"
                        + " c_date DATE, c_time TIME(6), c_datetime DATETIME(6), c_datetime0 DATETIME,"
                        + " c_timestamp TIMESTAMP(6) NULL, c_year YEAR,"
                        + " c_binary BINARY(4), c_varbinary VARBINARY(100), c_blob BLOB,"
                        + " c_generated BIGINT AS (c_int * 2) VIRTUAL,"
                        + " c_default VARCHAR(10) NOT NULL DEFAULT 'd',"
                        + " c_point POINT NULL,"
                        + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),"
                        + " KEY every_type_modified (modified, id))",
                "CREATE TABLE no_pk (v INT, modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                "CREATE TABLE no_mod (id INT PRIMARY KEY, v INT)",
                "CREATE TABLE configured_mod (id INT PRIMARY KEY, v INT, changed DATETIME(6) NOT NULL)",
                "CREATE TABLE hidden_table (id INT PRIMARY KEY,"
                        + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                "CREATE TABLE child (id INT PRIMARY KEY, parent_id BIGINT UNSIGNED NOT NULL,"
                        + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),"
                        + " CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES every_type (id))");
        adapter = TestDatabase.adapter(DB, "structure.every_type.writable", "true",
                "structure.every_type.boolean-columns", "c_bool",
                "structure.every_type.label", "Every type",
                "structure.configured_mod.modified-column", "changed",
                "structures.exclude", "hidden_*");
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    @Test
    void structuresAreTablesWithAnIdAndAModificationColumn() throws Exception {
        List<ExternalStructure> list = adapter.getStructureList();
        assertEquals(List.of(new ExternalStructure("child", "child", false),
                new ExternalStructure("configured_mod", "configured_mod", false),
                new ExternalStructure("every_type", "Every type", true)), list);
        assertEquals(ErrorCode.UNKNOWN_STRUCTURE, assertThrows(EsaException.class,
                () -> adapter.getFieldList("no_pk", "en")).code());
        assertEquals(ErrorCode.UNKNOWN_STRUCTURE, assertThrows(EsaException.class,
                () -> adapter.getFieldList("esa_tombstone", "en")).code());
        assertEquals(ErrorCode.UNKNOWN_STRUCTURE, assertThrows(EsaException.class,
                () -> adapter.getFieldList("every_type`; DROP TABLE child; --", "en")).code());
    }

    @Test
    void aTableCreatedLaterIsServedAfterRefresh() throws Exception {
        TestDatabase.exec(DB, "CREATE TABLE late_table (id INT PRIMARY KEY,"
                + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))");
        assertEquals(List.of(), adapter.getFieldList("late_table", "en"));
        assertTrue(adapter.getStructureList().stream().anyMatch(s -> s.name().equals("late_table")));
        TestDatabase.exec(DB, "DROP TABLE late_table");
    }

    @Test
    void fieldTypesFollowTheColumnTypes() throws Exception {
        Map<String, ExternalField> f = adapter.getFieldList("every_type", "en").stream()
                .collect(Collectors.toMap(ExternalField::name, x -> x, (a, b) -> a, LinkedHashMap::new));
        assertFalse(f.containsKey("id"), "the id is not a field");
        assertFalse(f.containsKey("modified"), "modified-at is not a field");
        Map<String, FieldType> expected = new LinkedHashMap<>();
        for (String n : List.of("c_tinyint", "c_smallint", "c_mediumint", "c_int", "c_bigint", "c_ubigint", "c_bit8",
                "c_year", "c_generated")) {
            expected.put(n, FieldType.INTEGER);
        }
        for (String n : List.of("c_decimal", "c_float", "c_double")) {
            expected.put(n, FieldType.DECIMAL);
        }
        for (String n : List.of("c_bool", "c_bit1")) {
            expected.put(n, FieldType.BOOLEAN); // c_bool: by structure.every_type.boolean-columns
        }
        for (String n : List.of("c_char", "c_varchar", "c_enum", "c_set", "c_default")) {
            expected.put(n, FieldType.STRING);
        }
        for (String n : List.of("c_longvarchar", "c_text", "c_json")) {
            expected.put(n, FieldType.TEXT);
        }
        expected.put("c_date", FieldType.DATE);
        expected.put("c_time", FieldType.STRING); // a duration: -838:59:59.999999 … 838:59:59.999999
        expected.put("c_datetime", FieldType.DATETIME);
        expected.put("c_datetime0", FieldType.DATETIME);
        expected.put("c_timestamp", FieldType.DATETIME);
        for (String n : List.of("c_binary", "c_varbinary", "c_blob", "c_point")) {
            expected.put(n, FieldType.BINARY);
        }
        expected.forEach((n, t) -> assertEquals(t, f.get(n).type(), n));
        assertEquals(expected.keySet(), f.keySet());
        assertEquals(255L, f.get("c_varchar").length());
        assertEquals(30L, f.get("c_decimal").length());
        assertEquals(100L, f.get("c_varbinary").length());
        assertTrue(f.get("c_int").required());
        assertFalse(f.get("c_default").required(), "a default makes it optional");
        assertFalse(f.get("c_text").required());
        assertTrue(f.get("c_generated").readOnly());
        assertFalse(f.get("c_int").readOnly());
        assertTrue(adapter.getFieldList("child", "en").stream().allMatch(ExternalField::readOnly),
                "fields of a read-only structure are read-only");
    }

    @Test
    void relationsComeFromForeignKeys() throws Exception {
        assertEquals(List.of(new Relation("child_parent", "every_type", "parent_id", "every_type", "id", false)),
                adapter.getRelations("child", "en"));
        assertEquals(List.of(), adapter.getRelations("every_type", "en"));
    }

    @Test
    void configuredModificationColumnIsUsed() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO configured_mod VALUES (1, 5, '2026-01-02 03:04:05.678901')");
        ExternalRecord r = adapter.read("configured_mod", "1");
        assertEquals("2026-01-02T03:04:05.678901Z", r.modifiedAt().toString());
        assertEquals(List.of(new FieldValue("v", "5")), r.fields());
    }

    @Test
    void everyColumnTypeRoundTrips() throws Exception {
        List<FieldValue> values = new ArrayList<>(List.of(
                new FieldValue("c_tinyint", "-128"), new FieldValue("c_smallint", "32767"),
                new FieldValue("c_mediumint", "-8388608"), new FieldValue("c_int", "2147483647"),
                new FieldValue("c_bigint", "-9223372036854775808"), new FieldValue("c_ubigint", "18446744073709551615"),
                new FieldValue("c_decimal", "12345678901234567890.0123456789"), new FieldValue("c_float", "1.5"),
                new FieldValue("c_double", "0.1"), new FieldValue("c_bool", "true"), new FieldValue("c_bit1", "false"),
                new FieldValue("c_bit8", "255"), new FieldValue("c_char", "abc"),
                new FieldValue("c_varchar", "emoji 😀 𝄞 ü € \t tab"), new FieldValue("c_longvarchar", ""),
                new FieldValue("c_text", "  line 1\nline 2  "), new FieldValue("c_enum", "green"),
                new FieldValue("c_set", "a,c"), new FieldValue("c_json", "{\"k\": [1, 2]}"),
                new FieldValue("c_date", "2026-02-28"), new FieldValue("c_time", "23:59:58.123456"),
                new FieldValue("c_datetime", "2026-03-29T02:30:00.000001"),
                new FieldValue("c_datetime0", "1999-12-31T23:59:59"),
                new FieldValue("c_timestamp", "2026-11-23T05:46:31.123456Z"), new FieldValue("c_year", "2026"),
                new FieldValue("c_binary", "AAEC/w=="), new FieldValue("c_varbinary", ""),
                new FieldValue("c_blob", "3q2+7w=="), new FieldValue("c_default", "x")));
        ExternalRecord created = adapter.create(HOST, "every_type", new ExternalRecord(null, null, values));
        Map<String, String> back = new LinkedHashMap<>();
        created.fields().forEach(v -> back.put(v.name(), v.text()));
        for (FieldValue v : values) {
            assertEquals(v.text(), back.get(v.name()), v.name());
        }
        assertEquals("4294967294", back.get("c_generated"));
        assertEquals(created, adapter.read("every_type", created.id()));

        // The stored values are exactly the ones sent (checked behind the adapter's back).
        try (Connection c = TestDatabase.connect(DB); ResultSet rs = c.createStatement().executeQuery(
                "SELECT c_varchar, c_longvarchar IS NULL, HEX(c_binary), c_timestamp, c_decimal FROM every_type WHERE id = "
                        + Long.parseLong(created.id()))) {
            rs.next();
            assertEquals("emoji 😀 𝄞 ü € \t tab", rs.getString(1));
            assertFalse(rs.getBoolean(2), "empty string is not null");
            assertEquals("000102FF", rs.getString(3));
            assertEquals("2026-11-23 05:46:31.123456", rs.getString(4));
            assertEquals("12345678901234567890.0123456789", rs.getString(5));
        }
    }

    @Test
    void nullIsNotTheEmptyString() throws Exception {
        ExternalRecord created = adapter.create(HOST, "every_type", new ExternalRecord(null, null, List.of(
                new FieldValue("c_int", "1"), new FieldValue("c_varchar", null), new FieldValue("c_text", ""),
                new FieldValue("c_blob", null), new FieldValue("c_timestamp", null))));
        assertNull(created.field("c_varchar").text());
        assertEquals("", created.field("c_text").text());
        assertNull(created.field("c_blob").text());
        assertNull(created.field("c_timestamp").text());
        assertEquals("d", created.field("c_default").text(), "an absent field takes the default");
        ExternalRecord updated = adapter.read("every_type", created.id());
        assertEquals(created, updated);
    }

    @Test
    void badValuesAreInvalid() {
        for (FieldValue bad : List.of(new FieldValue("c_int", "1.5"), new FieldValue("c_tinyint", "300"),
                new FieldValue("c_bool", "yes"), new FieldValue("c_date", "2026-02-30"),
                new FieldValue("c_datetime", "2026-01-01T00:00:00Z"), new FieldValue("c_timestamp", "2026-01-01T00:00:00"),
                new FieldValue("c_binary", "not base64!"), new FieldValue("c_enum", "blue"),
                new FieldValue("c_char", "x".repeat(11)), new FieldValue("c_decimal", "1e400"),
                new FieldValue("c_time", "12:60:00"), new FieldValue("c_time", "839:00:00"),
                new FieldValue("c_date", "2026-13-00"), new FieldValue("c_timestamp", "2026-00-01T00:00:00Z"),
                new FieldValue("c_point", "AAAA"))) {
            EsaException e = assertThrows(EsaException.class, () -> adapter.create(HOST, "every_type",
                    new ExternalRecord(null, null, List.of(new FieldValue("c_int", "1"), bad))), bad.name());
            assertEquals(ErrorCode.INVALID_VALUE, e.code(), bad.name());
            assertFalse(e.getMessage().contains("INSERT"), "no SQL in messages");
        }
        assertEquals(ErrorCode.READ_ONLY, assertThrows(EsaException.class, () -> adapter.create(HOST, "every_type",
                new ExternalRecord(null, null, List.of(new FieldValue("c_int", "1"), new FieldValue("c_generated", "1"))))).code());
    }
}
