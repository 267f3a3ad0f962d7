package org.esabridge.jdbc.mariadb.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.esabridge.jdbc.TestDatabase;

/** Reads {@code esa_change} behind the adapter's back, for tests. */
final class ChangeIndexRows {
    /** One entry. */
    record Entry(String id, char kind, Instant stamp, long seq) {
    }

    private ChangeIndexRows() {
    }

    /** The entries of a table by id, in seq order. */
    static Map<String, Entry> of(String schema, String table) throws SQLException {
        Map<String, Entry> out = new LinkedHashMap<>();
        try (Connection c = TestDatabase.connect(schema);
             PreparedStatement ps = c.prepareStatement("SELECT row_id, kind, stamp, seq FROM esa_change"
                     + " WHERE table_name = ? ORDER BY seq")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Entry(rs.getString(1), rs.getString(2).charAt(0),
                            rs.getObject(3, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getLong(4)));
                }
            }
        }
        return out;
    }

    /** esa_capture's since, or null. */
    static Instant since(String schema) throws SQLException {
        try (Connection c = TestDatabase.connect(schema);
             PreparedStatement ps = c.prepareStatement("SELECT since FROM esa_capture WHERE name = 'binlog'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC) : null;
        }
    }
}
