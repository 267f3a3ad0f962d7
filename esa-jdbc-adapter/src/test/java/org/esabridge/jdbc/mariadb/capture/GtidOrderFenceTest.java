package org.esabridge.jdbc.mariadb.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.esabridge.jdbc.FenceRace;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * MariaDB's own case of the fence by the log's position (the engines' shared ones are
 * {@code org.esabridge.jdbc.PositionFenceTest}): the fast path rests on each server's sequence numbers growing within a
 * replication domain in the log's order, so a log whose sequence numbers go back switches it off for good.
 */
@Tag("database")
class GtidOrderFenceTest {
    private static final String TABLE = "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, modified TIMESTAMP(6)"
            + " NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))";

    @Test
    void aSequenceNumberThatGoesBackInItsDomainSwitchesTheFenceToMarkersForGood() throws Exception {
        String db = "cap_position_fence_order";
        TestDatabase.freshSchema(db);
        TestDatabase.exec(db, TABLE);
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@GLOBAL.gtid_strict_mode")) {
            rs.next();
            assumeFalse(rs.getBoolean(1), "gtid_strict_mode refuses an out-of-order sequence number");
        }
        try (JdbcAdapter adapter = TestDatabase.adapter(db)) {
            FenceRace.awaitPositionFence(adapter, () -> markers(db));
            // A new domain of its own, ending above every number it had: a reader that later starts at the log's
            // end (as every other test's does) is not sent the disorder again (the server, asked for a domain's
            // position, sends from the first larger number it meets).
            long domain = java.util.concurrent.ThreadLocalRandom.current().nextLong(1000, 1L << 31);
            TestDatabase.exec(db, "SET SESSION gtid_domain_id = " + domain, "SET SESSION gtid_seq_no = 1000",
                    "INSERT INTO item (id, v) VALUES (1, 1)", "SET SESSION gtid_seq_no = 1",
                    "INSERT INTO item (id, v) VALUES (2, 2)", "SET SESSION gtid_seq_no = 2000",
                    "INSERT INTO item (id, v) VALUES (3, 3)");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!ChangeIndexRows.of(db, "item").containsKey("3")) {
                assertTrue(System.nanoTime() < deadline, "the reader never wrote the transaction logged out of order");
                Thread.sleep(10); // a poll with a deadline; the condition is the state itself
            }
            for (int i = 0; i < 3; i++) {
                long before = markers(db);
                TestDatabase.exec(db, "UPDATE item SET v = v + 1 WHERE id = 2");
                Instant t = adapter.getCurrentTime();
                assertEquals(before + 1, markers(db), "a marker row per fence once the order broke");
                assertFalse(ChangeIndexRows.of(db, "item").get("2").stamp().isAfter(t));
            }
        }
    }

    private static long markers(String db) throws Exception {
        try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM esa_fence")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
