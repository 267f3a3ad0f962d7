package org.esabridge.jdbc.mariadb.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 25 item 7, in a JVM of 64 MB (the {@code capture-heap} surefire execution): one transaction that changes
 * 200,000 rows with ids of 200 characters (about 80 MB of ids as Java strings) is captured whole and exactly,
 * without the reader holding it in memory: its entries are spilled to the database while it is read and become
 * visible in the index together, at its commit.
 */
@Tag("capture-heap")
@Tag("database")
class HugeTransactionTest {
    private static final String DB = "cap_huge_tx";
    private static final int ROWS = 200_000;
    private static final String ID = "CONCAT(REPEAT('x', 190), LPAD(seq, 10, '0'))";

    @Test
    void aTransactionOfTwoHundredThousandBigIdsIsCapturedWholeInASmallHeap() throws Exception {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE big (id VARCHAR(200) PRIMARY KEY, v INT NOT NULL, modified TIMESTAMP(6)"
                        + " NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                "CREATE TABLE small (id INT PRIMARY KEY, v INT NOT NULL, modified TIMESTAMP(6)"
                        + " NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                "INSERT INTO small (id, v) VALUES (1, 0), (2, 0)");
        // The point here is memory; the fence's own budget across a long read is CaptureTakeoverTest's.
        try (JdbcAdapter adapter = TestDatabase.adapter(DB, "capture-fence-timeout-seconds", "300")) {
            Instant before = adapter.getCurrentTime();
            // One transaction: inserts, then changes some rows again (their entries move to the end), deletes one,
            // and touches a small table before and after.
            TestDatabase.exec(DB, "START TRANSACTION",
                    "UPDATE small SET v = 1 WHERE id = 1",
                    "INSERT INTO big (id, v) SELECT " + ID + ", 0 FROM seq_1_to_" + ROWS,
                    "UPDATE big SET v = 1 WHERE id <= " + literalId(10),
                    "DELETE FROM big WHERE id = " + literalId(3),
                    "UPDATE small SET v = 1 WHERE id = 2",
                    "COMMIT");
            long start = System.nanoTime();
            Instant after = adapter.getCurrentTime();
            System.out.printf("huge transaction (%d rows): read, spilled and written in %d ms, heap max %d MB%n", ROWS,
                    (System.nanoTime() - start) / 1_000_000, Runtime.getRuntime().maxMemory() >> 20);
            try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement()) {
                assertEquals("199999 M, 1 D, 1 stamps", one(s, "SELECT CONCAT(SUM(kind = 'M'), ' M, ', SUM(kind = 'D'),"
                        + " ' D, ', COUNT(DISTINCT stamp), ' stamps') FROM esa_change WHERE table_name = 'big'"));
                try (PreparedStatement ps = c.prepareStatement("SELECT MIN(stamp) > ? AND MAX(stamp) <= ?"
                        + " FROM esa_change WHERE table_name = 'big'")) {
                    ps.setObject(1, LocalDateTime.ofInstant(before, ZoneOffset.UTC));
                    ps.setObject(2, LocalDateTime.ofInstant(after, ZoneOffset.UTC));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertTrue(rs.getBoolean(1), "stamped between the two getCurrentTime answers");
                    }
                }
                // Order of each row's last change: small 1, the inserts (less 1..10), 1..10 again, delete of 3,
                // small 2.
                assertEquals("1", one(s, "SELECT row_id FROM esa_change WHERE table_name = 'small' ORDER BY seq LIMIT 1"));
                assertEquals("2", one(s, "SELECT row_id FROM esa_change WHERE table_name = 'small' ORDER BY seq DESC LIMIT 1"));
                assertEquals(idOf(3), one(s, "SELECT row_id FROM esa_change WHERE table_name = 'big' ORDER BY seq DESC LIMIT 1"));
                assertEquals(idOf(11), one(s, "SELECT row_id FROM esa_change WHERE table_name = 'big' ORDER BY seq LIMIT 1"));
                assertEquals(idOf(10), one(s, "SELECT row_id FROM esa_change WHERE table_name = 'big' AND kind = 'M'"
                        + " ORDER BY seq DESC LIMIT 1"));
                assertEquals(String.valueOf(ROWS + 2), one(s, "SELECT COUNT(DISTINCT seq) FROM esa_change"));
                assertEquals("0", one(s, "SELECT COUNT(*) FROM esa_change_spill"), "spilled rows are gone once written");
            }
        }
    }

    private static String idOf(int n) {
        return "x".repeat(190) + String.format("%010d", n);
    }

    private static String literalId(int n) {
        return "'" + idOf(n) + "'";
    }

    private static String one(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
