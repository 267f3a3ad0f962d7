package org.esabridge.jdbc.mariadb.capture;

import org.esabridge.jdbc.capture.ChangeIndex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A transaction too large to hold is spilled while it is read ({@link ChangeIndex#spill}): none of it is in the
 * index until its commit is written, and a reader that dies in the middle of it (its node halted, its lease left to
 * run out or taken over) leaves nothing half-written: the next reader reads the transaction again, whole.
 */
@Tag("database")
class SpilledTransactionTest {
    private static final String DB = "cap_spilled_tx";
    private static final int ROWS = 150_000;

    @Test
    void aReaderThatDiesInTheMiddleOfASpilledTransactionLosesAndGhostsNothing() throws Exception {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, modified TIMESTAMP(6) NOT NULL"
                + " DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))");
        String[] patient = {"capture-fence-timeout-seconds", "120"};
        try (JdbcAdapter a = TestDatabase.adapter(DB, patient); JdbcAdapter b = TestDatabase.adapter(DB, patient)) {
            JdbcAdapter leader = awaitOneLeader(a, b);
            JdbcAdapter survivor = leader == a ? b : a;
            TestDatabase.exec(DB, "INSERT INTO item (id, v) VALUES (0, 0)");
            leader.getCurrentTime();
            TestDatabase.exec(DB, "INSERT INTO item (id, v) SELECT seq, 0 FROM seq_1_to_" + ROWS);

            // While the reader is in the middle of it: spilled rows, and nothing of it in the index.
            try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement()) {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (true) {
                    try (ResultSet rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM esa_change_spill),"
                            + " (SELECT COUNT(*) FROM esa_change WHERE table_name = 'item')")) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            assertEquals(1, rs.getLong(2), "only row 0 is in the index while its transaction is read");
                            break;
                        }
                        assertEquals(1, rs.getLong(2), "the transaction is not in the index before its spill is gone");
                    }
                    assertTrue(System.nanoTime() < deadline, "the reader spills the transaction within 60 s");
                    Thread.sleep(2);
                }
            }
            CaptureNodes.halt(leader.captureStatus());

            survivor.getCurrentTime();
            assertTrue(survivor.captureStatus().leader());
            Map<String, ChangeIndexRows.Entry> index = ChangeIndexRows.of(DB, "item");
            assertEquals(ROWS + 1, index.size());
            assertTrue(index.values().stream().allMatch(e -> e.kind() == 'M'));
            Set<Long> seqs = new HashSet<>();
            index.values().forEach(e -> assertTrue(seqs.add(e.seq()), "seq " + e.seq() + " twice"));
            assertEquals(2, index.values().stream().map(ChangeIndexRows.Entry::stamp).distinct().count(),
                    "row 0, then the whole transaction at one stamp");
            try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM esa_change_spill")) {
                rs.next();
                assertEquals(0, rs.getLong(1), "the dead reader's spill is cleared, the new one's written");
            }
        }
    }

    private static JdbcAdapter awaitOneLeader(JdbcAdapter a, JdbcAdapter b) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (a.captureStatus().leader() == b.captureStatus().leader()) {
            assertTrue(System.nanoTime() < deadline, "one leader within 15 s");
            Thread.sleep(20);
        }
        return a.captureStatus().leader() ? a : b;
    }
}
