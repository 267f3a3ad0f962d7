package org.esabridge.jdbc;

import static org.esabridge.jdbc.HostAnswers.deleted;
import static org.esabridge.jdbc.HostAnswers.modified;
import static org.esabridge.jdbc.HostAnswers.paged;
import static org.esabridge.jdbc.HostAnswers.pagedDeleted;
import static org.esabridge.jdbc.HostAnswers.sorted;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Readers trim the white space around ids (esa-protocol.md §2): a row whose id has white space the host would trim
 * away, and the database would not ignore, is left out of every answer and counted, never handed to the host as
 * another row's id; a create of such an id is refused. Trailing spaces under a PAD SPACE collation are harmless (the
 * trimmed id finds the same row) and keep being served. Before, {@code 'r150 '} of a NO PAD key reached the host as
 * {@code r150}, a row that does not exist there, and its deletion deleted nothing or another row.
 *
 * <p>Every answer goes through the real result writer (paged ones with the next page encoded ahead) and validates
 * against sync.xsd; the ids are read back as the host reads them, trimmed.
 */
@Tag("database")
class IdWhiteSpaceTest {
    private static final Session HOST = new Session("host");
    private static final String MOD = " body VARCHAR(20), modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
            + " ON UPDATE CURRENT_TIMESTAMP(6)";

    @Test
    void aNoPadKeysRowsWithSurroundingWhiteSpaceAreLeftOutOfEveryReadAndCannotBeCreated() throws Exception {
        String db = "esa_id_space_nopad";
        TestDatabase.freshSchema(db);
        TestDatabase.exec(db, "CREATE TABLE k (id VARCHAR(20) COLLATE utf8mb4_nopad_bin PRIMARY KEY," + MOD + ")");
        // 250 rows over three pages of 100; the ones with white space on the pages read ahead (1 and 2).
        TestDatabase.exec(db, "INSERT INTO k (id, body, modified) SELECT CONCAT('r', LPAD(seq, 3, '0')), 'v',"
                + " TIMESTAMP '2026-01-01 00:00:00' + INTERVAL seq SECOND FROM seq_1_to_250");
        TestDatabase.exec(db, "UPDATE k SET id = 'r150 ', modified = modified WHERE id = 'r150'");
        TestDatabase.exec(db, "UPDATE k SET id = ' r220', modified = modified WHERE id = 'r220'");
        TestDatabase.exec(db, "UPDATE k SET id = CONCAT('r230', CHAR(9)), modified = modified WHERE id = 'r230'");
        try (JdbcAdapter adapter = TestDatabase.adapter(db, JdbcAdapterConfig.CHANGE_CAPTURE, "polling",
                "page-size", "100", "inline-threshold", "1000", "structure.k.writable", "true")) {
            List<String> served = modified(adapter, "k", Instant.EPOCH);
            assertEquals(247, served.size(), "the three rows the host would take for others are left out");
            assertFalse(served.contains("r150") || served.contains("r220") || served.contains("r230"), served.toString());
            assertEquals(sorted(served), sorted(paged(adapter, "k")), "paged, the next page encoded ahead");
            assertTrue(adapter.unwritableLeftOut() >= 6, "counted: " + adapter.unwritableLeftOut());

            EsaException read = assertThrows(EsaException.class, () -> adapter.read("k", "r150"));
            assertEquals(ErrorCode.RECORD_NOT_FOUND, read.code(), "the trimmed id names no row");
            for (String id : List.of("x ", " x", "x\t")) {
                EsaException create = assertThrows(EsaException.class, () -> adapter.create(HOST, "k",
                        new ExternalRecord(id, null, List.of(new FieldValue("body", "new")))), id);
                assertEquals(ErrorCode.INVALID_VALUE, create.code(), id);
                assertTrue(create.getMessage().contains("white space"), create.getMessage());
            }
            assertEquals(0, count(db, "SELECT COUNT(*) FROM k WHERE TRIM(id) = 'x'"), "nothing stored");

            Instant t0 = adapter.getCurrentTime();
            TestDatabase.exec(db, "DELETE FROM k WHERE id IN ('r001', 'r150 ', ' r220')");
            assertEquals(List.of("r001"), deleted(adapter, "k", t0), "a deleted id the host would trim is left out");
            assertEquals(List.of("r001"), pagedDeleted(adapter, "k", t0));
        }
    }

    @Test
    void aPadSpaceKeysTrailingSpacesAreServedAndItsTrimmedIdReadsAndWritesTheSameRow() throws Exception {
        String db = "esa_id_space_pad";
        TestDatabase.freshSchema(db);
        // utf8mb4_bin is PAD SPACE in MariaDB (utf8mb4_nopad_bin is not); general_ci is the common case.
        TestDatabase.exec(db, "CREATE TABLE bin (id VARCHAR(20) COLLATE utf8mb4_bin PRIMARY KEY," + MOD + ")");
        TestDatabase.exec(db, "CREATE TABLE ci (id VARCHAR(20) COLLATE utf8mb4_general_ci PRIMARY KEY," + MOD + ")");
        for (String table : List.of("bin", "ci")) {
            TestDatabase.exec(db, "INSERT INTO " + table + " (id, body) VALUES ('a', 'v'), ('b  ', 'v'), (' c', 'v'),"
                    + " (CONCAT('d', CHAR(9)), 'v')");
        }
        try (JdbcAdapter adapter = TestDatabase.adapter(db, JdbcAdapterConfig.CHANGE_CAPTURE, "polling",
                "structure.bin.writable", "true", "structure.ci.writable", "true")) {
            for (String table : List.of("bin", "ci")) {
                assertEquals(List.of("a", "b"), sorted(modified(adapter, table, Instant.EPOCH)),
                        table + ": trailing spaces served (the host trims them), a leading space and a tab not");
                assertEquals(List.of("a", "b"), sorted(paged(adapter, table)), table);

                ExternalRecord b = adapter.read(table, "b");
                assertEquals("b  ", b.id(), table + ": the trimmed id finds the row");
                adapter.update(HOST, table, b.modifiedAt(), new ExternalRecord("b", null,
                        List.of(new FieldValue("body", "written"))));
                assertEquals(1, count(db, "SELECT COUNT(*) FROM " + table + " WHERE id = 'b  ' AND body = 'written'"
                        + " AND LENGTH(id) = 3"), table + ": the same row written, its id kept");

                EsaException create = assertThrows(EsaException.class, () -> adapter.create(HOST, table,
                        new ExternalRecord(" e", null, List.of(new FieldValue("body", "new")))));
                assertEquals(ErrorCode.INVALID_VALUE, create.code(), table + ": a leading space always matters");

                Instant t0 = adapter.getCurrentTime();
                TestDatabase.exec(db, "DELETE FROM " + table);
                assertEquals(List.of("a", "b"), sorted(deleted(adapter, table, t0)), table);
            }
        }
    }

    @Test
    void aBinaryKeyIsServedWhateverItsBytes() throws Exception {
        String db = "esa_id_space_binary";
        TestDatabase.freshSchema(db);
        TestDatabase.exec(db, "CREATE TABLE k (id VARBINARY(20) PRIMARY KEY," + MOD + ")");
        TestDatabase.exec(db, "INSERT INTO k (id, body) VALUES ('b', 'v'), ('b ', 'v'), (' b', 'v')");
        try (JdbcAdapter adapter = TestDatabase.adapter(db, JdbcAdapterConfig.CHANGE_CAPTURE, "polling")) {
            // base64 of the bytes: no white space for a reader to trim.
            assertEquals(List.of("IGI=", "Yg==", "YiA="), sorted(modified(adapter, "k", Instant.EPOCH)));
            assertEquals(0, adapter.unwritableLeftOut());
        }
    }

    private static long count(String db, String sql) throws Exception {
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
