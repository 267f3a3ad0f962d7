package org.esabridge.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.esabridge.jdbc.catalog.ValueCodec;

/**
 * Plays the binlog reader for tests of the read side: writes {@code esa_change} entries and the
 * {@code esa_capture} progress row as the reader's contract says (one transaction per flushed batch, stamp
 * {@code GREATEST(UTC_TIMESTAMP(6), last_stamp + 1 µs)}, seq strictly increasing, one entry per row).
 */
final class ChangeIndexFixture {
    private final String schema;

    ChangeIndexFixture(String schema) {
        this.schema = schema;
    }

    /** (Re)starts the index: nothing on record, horizon {@code since} = now; returns it. */
    Instant restart() throws SQLException {
        try (Connection c = TestDatabase.connect(schema)) {
            c.createStatement().execute("DELETE FROM esa_change");
            c.createStatement().execute("INSERT INTO esa_capture (name, since, last_stamp, last_seq, updated_at)"
                    + " VALUES ('binlog', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), 0, UTC_TIMESTAMP(6))"
                    + " ON DUPLICATE KEY UPDATE since = UTC_TIMESTAMP(6), last_stamp = UTC_TIMESTAMP(6), last_seq = 0,"
                    + " updated_at = UTC_TIMESTAMP(6)");
            return read(c, "SELECT since FROM esa_capture WHERE name = 'binlog'");
        }
    }

    /** One flushed batch of entries of one kind ('M' or 'D') for these ids, in this order; returns its stamp. */
    Instant flush(String table, String kind, List<String> ids) throws SQLException {
        try (Connection c = TestDatabase.connect(schema)) {
            c.setAutoCommit(false);
            long seq;
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT last_seq FROM esa_capture WHERE name = 'binlog' FOR UPDATE")) {
                rs.next();
                seq = rs.getLong(1);
            }
            Instant stamp = read(c, "SELECT GREATEST(UTC_TIMESTAMP(6), last_stamp + INTERVAL 1 MICROSECOND)"
                    + " FROM esa_capture WHERE name = 'binlog'");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO esa_change"
                    + " (table_name, row_hash, row_id, kind, stamp, seq) VALUES (?, UNHEX(SHA1(?)), ?, ?, ?, ?)"
                    + " ON DUPLICATE KEY UPDATE kind = VALUES(kind), stamp = VALUES(stamp), seq = VALUES(seq)")) {
                for (String id : ids) {
                    ps.setString(1, table);
                    ps.setString(2, id);
                    ps.setString(3, id);
                    ps.setString(4, kind);
                    ValueCodec.bindInstant(ps, 5, stamp);
                    ps.setLong(6, ++seq);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE esa_capture SET last_stamp = ?, last_seq = ?,"
                    + " updated_at = UTC_TIMESTAMP(6) WHERE name = 'binlog'")) {
                ValueCodec.bindInstant(ps, 1, stamp);
                ps.setLong(2, seq);
                ps.executeUpdate();
            }
            c.commit();
            return stamp;
        }
    }

    private static Instant read(Connection c, String sql) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return ValueCodec.readInstant(rs, 1);
        }
    }
}
