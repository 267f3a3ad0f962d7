package org.esabridge.jdbc.postgres;

import static org.esabridge.jdbc.HostAnswers.deleted;
import static org.esabridge.jdbc.HostAnswers.modified;
import static org.esabridge.jdbc.HostAnswers.paged;
import static org.esabridge.jdbc.HostAnswers.sorted;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.esabridge.jdbc.JdbcAdapter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL compares {@code text} exactly: {@code 'b '} and {@code ' b'} are rows other than {@code 'b'}, which a
 * host that trims ids (esa-protocol.md §2) would take them for — so they are left out of every answer and a create of
 * such an id is refused. {@code char(n)} is blank-padded by PostgreSQL itself and compares ignoring trailing spaces:
 * its rows are served, and the trimmed id reads and writes the same row. Before, {@code 'b '} reached the host as
 * {@code b}, and its changes were the row {@code b}'s.
 */
@Tag("database")
class PgIdWhiteSpaceTest {
    private static final String DB = "esa_pg_id_space_test";
    private static final Session HOST = new Session("host");

    @Test
    void textKeysWithSurroundingWhiteSpaceAreLeftOutAndCharKeysAreServed() throws Exception {
        TestPostgres.freshDatabase(DB);
        TestPostgres.exec(DB, "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " NEW.modified := clock_timestamp(); RETURN NEW; END $$",
                "CREATE TABLE t (id text PRIMARY KEY, body text, modified timestamptz NOT NULL DEFAULT clock_timestamp())",
                "CREATE TRIGGER t_stamp BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION stamp()",
                "CREATE TABLE c (id char(4) PRIMARY KEY, body text, modified timestamptz NOT NULL DEFAULT clock_timestamp())",
                "CREATE TRIGGER c_stamp BEFORE UPDATE ON c FOR EACH ROW EXECUTE FUNCTION stamp()",
                "INSERT INTO t (id, body) VALUES ('b', 'b'), ('b ', 'b space'), (' b', 'space b'), ('a', 'a')",
                "INSERT INTO c (id, body) VALUES ('a', 'a'), ('b ', 'b'), (' c', 'c')");
        try (JdbcAdapter adapter = TestPostgres.adapter(DB, "change-capture", "polling",
                "structure.t.writable", "true", "structure.c.writable", "true")) {
            assertEquals(List.of("a", "b"), sorted(modified(adapter, "t", Instant.EPOCH)), "'b ' and ' b' are not b");
            assertEquals(List.of("a", "b"), sorted(paged(adapter, "t")));
            assertEquals("b", adapter.read("t", "b").field("body").text(), "b is b, not 'b '");
            assertTrue(adapter.unwritableLeftOut() >= 4, "counted: " + adapter.unwritableLeftOut());
            for (String id : List.of("x ", " x")) {
                EsaException create = assertThrows(EsaException.class, () -> adapter.create(HOST, "t",
                        new ExternalRecord(id, null, List.of(new FieldValue("body", "new")))), id);
                assertEquals(ErrorCode.INVALID_VALUE, create.code(), id);
            }

            // char(4): read blank-padded ('a   '), compared ignoring trailing spaces; ' c' keeps its leading space.
            assertEquals(List.of("a", "b"), sorted(modified(adapter, "c", Instant.EPOCH)), "char(n)'s padding is harmless");
            ExternalRecord b = adapter.read("c", "b");
            adapter.update(HOST, "c", b.modifiedAt(), new ExternalRecord("b", null,
                    List.of(new FieldValue("body", "written"))));
            assertEquals("written", body("SELECT body FROM c WHERE id = 'b'"), "the trimmed id wrote the same row");

            Instant t0 = adapter.getCurrentTime();
            TestPostgres.exec(DB, "DELETE FROM t WHERE id <> 'b'", "DELETE FROM c");
            assertEquals(List.of("a"), deleted(adapter, "t", t0), "'b ' and ' b' left out: the host would delete b");
            assertEquals(List.of("a", "b"), sorted(deleted(adapter, "c", t0)));
        }
    }

    private static String body(String sql) throws Exception {
        try (Connection c = TestPostgres.connect(DB); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
