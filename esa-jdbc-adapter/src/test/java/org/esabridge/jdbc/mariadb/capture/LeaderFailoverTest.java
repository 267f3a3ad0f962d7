package org.esabridge.jdbc.mariadb.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two adapters on one schema: exactly one reads the binary log. When that node dies (its reader stops, its lease is
 * left to expire) while writers keep writing, the other takes over from the stored position: afterwards the index
 * agrees with the table (a live row is 'M', a deleted one 'D'), and no entry written before the death is written
 * again.
 */
@Tag("database")
class LeaderFailoverTest {
    private static final String DB = "cap_failover";

    @Test
    void whenTheLeaderDiesMidStreamTheOtherNodeContinuesWithNoChangeLostOrAppliedTwice() throws Exception {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, modified TIMESTAMP(6) NOT NULL"
                + " DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))");
        String[] fastTakeover = {JdbcAdapterConfig.CAPTURE_LEASE_SECONDS, "2"};
        try (JdbcAdapter a = TestDatabase.adapter(DB, fastTakeover); JdbcAdapter b = TestDatabase.adapter(DB, fastTakeover)) {
            JdbcAdapter leader = awaitOneLeader(a, b);
            JdbcAdapter survivor = leader == a ? b : a;

            TestDatabase.exec(DB, insertRows(1, 100));
            leader.getCurrentTime();
            Map<String, ChangeIndexRows.Entry> beforeDeath = ChangeIndexRows.of(DB, "item");
            assertEquals(100, beforeDeath.size());

            CountDownLatch writing = new CountDownLatch(1);
            AtomicReference<Exception> writerFailed = new AtomicReference<>();
            Thread writer = new Thread(() -> write(writing, writerFailed), "writer");
            writer.start();
            writing.await();
            ((BinlogCapture) leader.captureStatus()).halt();
            writer.join();
            assertEquals(null, writerFailed.get());

            survivor.getCurrentTime();
            assertTrue(survivor.captureStatus().leader());
            assertIndexAgreesWithTheTable();
            Map<String, ChangeIndexRows.Entry> after = ChangeIndexRows.of(DB, "item");
            for (int id = 51; id <= 100; id++) {
                // Rows 51..100 are not touched after the death: their entries stay as first written.
                assertEquals(beforeDeath.get(String.valueOf(id)), after.get(String.valueOf(id)));
            }
            Set<Long> seqs = new HashSet<>();
            after.values().forEach(e -> assertTrue(seqs.add(e.seq()), "seq " + e.seq() + " twice"));
            assertNotEquals(beforeDeath.get("1"), after.get("1"));
        }
    }

    /** Inserts 101..400, updates and deletes some of 1..50, in many small transactions, some while the leader dies. */
    private static void write(CountDownLatch started, AtomicReference<Exception> failed) {
        try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement()) {
            for (int i = 0; i < 300; i++) {
                int id = 101 + i;
                s.execute("INSERT INTO item (id, v) VALUES (" + id + ", " + i + ")");
                int old = 1 + ThreadLocalRandom.current().nextInt(50);
                s.execute(i % 3 == 0 ? "DELETE FROM item WHERE id = " + old
                        : "UPDATE item SET v = v + 1 WHERE id = " + old);
                if (i % 7 == 0 && i > 0) {
                    s.execute("DELETE FROM item WHERE id = " + (id - 1));
                }
                if (i == 20) {
                    started.countDown();
                }
            }
        } catch (SQLException e) {
            failed.set(e);
        } finally {
            started.countDown();
        }
    }

    private static void assertIndexAgreesWithTheTable() throws SQLException {
        Set<String> live = new HashSet<>();
        try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM item")) {
            while (rs.next()) {
                live.add(rs.getString(1));
            }
        }
        Map<String, Character> expected = new HashMap<>();
        for (int id = 1; id <= 400; id++) {
            expected.put(String.valueOf(id), live.contains(String.valueOf(id)) ? 'M' : 'D');
        }
        assertEquals(expected, BinlogCaptureTest.kinds(ChangeIndexRows.of(DB, "item")));
    }

    private static String insertRows(int from, int to) {
        StringBuilder sql = new StringBuilder("INSERT INTO item (id, v) VALUES ");
        for (int id = from; id <= to; id++) {
            sql.append(id == from ? "" : ",").append('(').append(id).append(", 0)");
        }
        return sql.toString();
    }

    /** Waits (bounded) until exactly one of the two reads the log; answers that one. */
    private static JdbcAdapter awaitOneLeader(JdbcAdapter a, JdbcAdapter b) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean la = a.captureStatus().leader();
            boolean lb = b.captureStatus().leader();
            if (la != lb) {
                return la ? a : b;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no single leader within 10 s");
    }
}
