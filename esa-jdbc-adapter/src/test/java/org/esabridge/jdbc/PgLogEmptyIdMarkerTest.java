package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ResultSink;
import org.esabridge.api.Session;
import org.esabridge.jdbc.capture.LogCapture;
import org.esabridge.jdbc.postgres.TestPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL log mode: a row whose id is the empty string, the id the table's marker entry (its join, its TRUNCATE)
 * stores. The row's entries and the marker must not share a place in the change index: changing the row keeps the
 * join mark, and a TRUNCATE in the transaction that inserts the row again keeps the TRUNCATE's mark, so deletions
 * from before it are still refused rather than answered without the rows the TRUNCATE removed.
 */
@Tag("database")
class PgLogEmptyIdMarkerTest {
    private static final String DB = "esa_pg_log_empty_id_test";

    @Test
    void aRowWithTheEmptyIdSharesNoPlaceWithTheTablesMarks() throws Exception {
        TestPostgres.freshDatabase(DB);
        TestPostgres.exec(DB, "CREATE TABLE first (id INT PRIMARY KEY, modified timestamptz NOT NULL DEFAULT now())");
        try (JdbcAdapter adapter = TestPostgres.adapter(DB)) {
            LogCapture capture = (LogCapture) adapter.captureStatus();
            Session session = new Session("host");
            TestPostgres.exec(DB, "CREATE TABLE tag (id VARCHAR(20) PRIMARY KEY, v INT NOT NULL,"
                    + " modified timestamptz NOT NULL DEFAULT now())",
                    "INSERT INTO tag (id, v) VALUES ('', 0), ('a', 0), ('b', 0)");
            adapter.startSync(session, "esa-bridge-1"); // the reload serves tag, which joins
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (capture.uncapturable().containsKey("tag")) {
                assertTrue(System.nanoTime() < deadline, "tag never came to be read from the log");
                adapter.startSync(session, "esa-bridge-1");
            }
            assertEquals(1, count("SELECT count(*) FROM esa.esa_change WHERE table_name = 'tag' AND kind = 'J'"));

            Instant beforeUpdate = adapter.getCurrentTime();
            TestPostgres.exec(DB, "UPDATE tag SET v = 1, modified = now() WHERE id = ''");
            assertEquals(Set.of(""), modifiedIds(adapter, beforeUpdate), "the row's change is indexed");
            assertEquals(1, count("SELECT count(*) FROM esa.esa_change WHERE table_name = 'tag' AND kind = 'J'"),
                    "the join mark holds when the row with the empty id changes");

            Instant beforeTruncate = adapter.getCurrentTime();
            try (Connection c = TestPostgres.connect(DB); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("TRUNCATE tag");
                s.execute("INSERT INTO tag (id, v) VALUES ('', 2)");
                c.commit();
            }
            assertEquals(Set.of(""), modifiedIds(adapter, beforeTruncate), "the row inserted again is indexed");
            EsaException refused = assertThrows(EsaException.class, () -> adapter.getDeleted("tag", beforeTruncate,
                    new Ids()), "'a' and 'b' left with the TRUNCATE, which no row entry tells: deletions are refused");
            assertEquals(ErrorCode.NOT_SUPPORTED, refused.code());
        }
    }

    private static Set<String> modifiedIds(JdbcAdapter adapter, Instant after) throws Exception {
        adapter.getCurrentTime(); // the fence: the index holds what committed before
        Ids ids = new Ids();
        assertTrue(adapter.getModified("tag", after, ids), "answered inline");
        return ids.ids;
    }

    private static final class Ids implements ResultSink {
        final Set<String> ids = new HashSet<>();

        @Override
        public void record(ExternalRecord r) {
            ids.add(r.id());
        }

        @Override
        public void id(String id) {
            ids.add(id);
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = TestPostgres.connect(DB); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
