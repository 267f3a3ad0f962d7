package org.esabridge.jdbc.cursor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.TestDatabase;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.dialect.StateTables;
import org.esabridge.jdbc.mariadb.MariaDbDialect;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * A page of change-index entries is read from the table's own order: {@code esa_change} is clustered by
 * (table_name, kind, stamp, seq), so the page statement walks the primary key and reads each entry's
 * {@code row_id} where it finds it, instead of one lookup into a hash-ordered key per entry (mostly disk reads
 * once the index outgrows the buffer pool).
 */
@Tag("database")
class ChangeIndexReadOrderTest {
    private static final String DB = "esa_change_order_test";
    private static final StateTables STATE = StateTables.inConnectionSchema(MariaDbDialect.INSTANCE);

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        try (JdbcAdapter adapter = TestDatabase.adapter(DB, JdbcAdapterConfig.CHANGE_CAPTURE, "polling")) {
            // started only to create the esa_ tables
        }
        // Two tables, both kinds, 3000 entries each in 30 flushes of 100; row_hash as the reader writes it.
        StringBuilder insert = new StringBuilder("INSERT INTO esa_change (table_name, row_hash, row_id, kind, stamp, seq)");
        String[][] parts = {{"a", "M"}, {"a", "D"}, {"b", "M"}, {"b", "D"}};
        for (int p = 0; p < parts.length; p++) {
            insert.append(p == 0 ? " " : " UNION ALL ").append("SELECT '").append(parts[p][0]).append("', UNHEX(SHA1(CONCAT('")
                    .append(parts[p][1]).append("', seq))), CONCAT('").append(parts[p][1]).append("', seq), '").append(parts[p][1])
                    .append("', TIMESTAMP '2026-01-01 00:00:00' + INTERVAL (seq DIV 100) SECOND, seq + ").append(p * 3000)
                    .append(" FROM seq_1_to_3000");
        }
        TestDatabase.exec(DB, insert.toString(), "ANALYZE TABLE esa_change");
    }

    @Test
    void aPageOfEntriesWalksThePrimaryKey() throws Exception {
        TableSql.CursorSql sql = EntryRows.statements(MariaDbDialect.INSTANCE,
                STATE.change() + " WHERE table_name = ? AND kind = ?", "stamp");
        try (Connection c = TestDatabase.connect(DB);
             PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql.page(true, true))) {
            ps.setString(1, "a");
            ps.setString(2, "M");
            ps.setTimestamp(3, Timestamp.valueOf("2026-01-01 00:00:05"));
            ps.setTimestamp(4, Timestamp.valueOf("2026-01-01 00:00:20"));
            // Lower bound (stamp, seq) >= (00:00:10, 1000), upper (stamp, seq) < (00:00:15, 1500).
            ps.setTimestamp(5, Timestamp.valueOf("2026-01-01 00:00:10"));
            ps.setTimestamp(6, Timestamp.valueOf("2026-01-01 00:00:10"));
            ps.setLong(7, 1000);
            ps.setTimestamp(8, Timestamp.valueOf("2026-01-01 00:00:15"));
            ps.setTimestamp(9, Timestamp.valueOf("2026-01-01 00:00:15"));
            ps.setLong(10, 1500);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals("PRIMARY", rs.getString("key"), "the page's entries are read in the clustered order, "
                        + rs.getString("type") + " " + rs.getString("Extra"));
            }
        }
    }
}
