package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.Session;
import org.esabridge.jdbc.capture.CaptureMode;
import org.esabridge.jdbc.capture.LogCapture;
import org.esabridge.jdbc.postgres.TestPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A table that joins the log capture is polled until its join mark is in the change index; a host that took its
 * {@code after} from {@code getCurrentTime} in between (right after the reload that made the table join) still gets
 * the table's deletions once it is read from the log: the trigger it was polled by still records them. Before, such
 * an {@code after} was refused (NOT_SUPPORTED) as soon as the join completed, and whether a host's read came before or
 * after that was a matter of timing ({@link SidewaysChangesTest}'s recreated and swapped tables failed on a loaded
 * machine).
 */
@Tag("database")
class PgLogJoinDeletionsTest {
    private static final String DB = "esa_pg_log_join_deletions_test";
    private static final Session HOST = new Session("host");

    @Test
    void deletionsAfterATimeTakenWhileTheTableJoinedAreAnsweredAcrossTheSwitch() throws Exception {
        TestPostgres.freshDatabase(DB);
        TestPostgres.exec(DB, "CREATE TABLE first (id INT PRIMARY KEY, modified timestamptz NOT NULL DEFAULT now())");
        try (JdbcAdapter adapter = TestPostgres.adapter(DB)) {
            assertEquals(CaptureMode.BINLOG, adapter.captureMode());
            LogCapture capture = (LogCapture) adapter.captureStatus();
            Instant beforeTheTable = adapter.getCurrentTime();
            EngineFixture pg = EngineFixture.POSTGRES_LOG;
            pg.exec(DB, "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " IF NEW.modified IS NOT DISTINCT FROM OLD.modified THEN NEW.modified := now(); END IF;"
                            + " RETURN NEW; END $$",
                    "CREATE TABLE item (id INT PRIMARY KEY, " + pg.modifiedColumn() + ")",
                    "INSERT INTO item (id) VALUES (1), (2), (3), (4)");
            pg.exec(DB, pg.stampedOnUpdate("item").toArray(String[]::new));
            Instant after;
            try (Connection open = TestPostgres.connect(DB); Statement s = open.createStatement()) {
                // A transaction running when item joins: the join completes only after it ends, so the host's time
                // below is taken while item is polled, whatever the machine's speed.
                open.setAutoCommit(false);
                s.execute("SELECT txid_current()");
                adapter.startSync(HOST, "esa-bridge-1"); // the reload serves item, which joins the publication
                assertTrue(capture.uncapturable().containsKey("item"), "polled while it joins: " + capture.uncapturable());
                after = adapter.getCurrentTime();
                TestPostgres.exec(DB, "DELETE FROM item WHERE id = 1");
                assertEquals(Set.of("1"), deleted(adapter, after), "polled: the trigger's tombstone");
                assertTrue(capture.uncapturable().containsKey("item"));
                open.commit();
            }

            long deadline = System.nanoTime() + 60_000_000_000L;
            while (capture.uncapturable().containsKey("item")) {
                assertTrue(System.nanoTime() < deadline, "item never came to be read from the log");
                adapter.startSync(HOST, "esa-bridge-1"); // a reload moves the join on too
            }
            assertTrue(joinMark().isAfter(after), "the case at hand: the host's after precedes the join mark");
            TestPostgres.exec(DB, "DELETE FROM item WHERE id = 2");
            assertEquals(Set.of("1", "2"), deleted(adapter, after), "read from the log now, the same after answered");
            assertEquals(Set.of("1", "2"), new TreeSet<>(new HostReads(adapter, HOST)
                    .paged(adapter.getDeletedPaged(HOST, "item", after))), "through a cursor too");

            // Nothing changes for an after before the table was tracked at all, nor without the trigger.
            assertEquals(ErrorCode.NOT_SUPPORTED, assertThrows(EsaException.class,
                    () -> deleted(adapter, beforeTheTable)).code());
            TestPostgres.exec(DB, "DROP TRIGGER esa_del_item ON item");
            assertEquals(ErrorCode.NOT_SUPPORTED, assertThrows(EsaException.class, () -> deleted(adapter, after)).code(),
                    "without the trigger the tombstones may miss deletions: refused as before");
            assertEquals(ErrorCode.NOT_SUPPORTED, assertThrows(EsaException.class,
                    () -> adapter.getDeletedPaged(HOST, "item", after)).code());
            assertFalse(capture.uncapturable().containsKey("item"));
        }
    }

    private static Set<String> deleted(JdbcAdapter adapter, Instant after) throws Exception {
        return new TreeSet<>(new HostReads(adapter, HOST).deleted("item", after));
    }

    private static Instant joinMark() throws SQLException {
        try (Connection c = TestPostgres.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT stamp FROM esa.esa_change WHERE table_name = 'item' AND kind = 'J'")) {
            assertTrue(rs.next(), "item has its join mark");
            return rs.getObject(1, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC);
        }
    }
}
