package org.esabridge.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.jdbc.catalog.ValueCodec;

/** What the replica soak tests compare: a replica against its table, read behind the adapter's back. */
final class ReplicaCheck {
    private ReplicaCheck() {
    }

    /** Replica vs table: rows the host never got, rows it holds an old version of, rows it holds that are gone. */
    record Counts(int missed, int stale, int ghosts) {
    }

    static Counts compare(Map<String, ExternalRecord> replica, Map<String, ExternalRecord> table) {
        int missed = 0;
        int stale = 0;
        int ghosts = 0;
        for (Map.Entry<String, ExternalRecord> e : table.entrySet()) {
            ExternalRecord copy = replica.get(e.getKey());
            if (copy == null) {
                missed++;
            } else if (!copy.equals(e.getValue())) {
                stale++;
            }
        }
        for (String id : replica.keySet()) {
            if (!table.containsKey(id)) {
                ghosts++;
            }
        }
        return new Counts(missed, stale, ghosts);
    }

    /**
     * The table's rows as the adapter would send them: id, the modification column {@code modified}, then the
     * given field columns in order.
     */
    static Map<String, ExternalRecord> table(Connection c, String name, String... fields) throws SQLException {
        Map<String, ExternalRecord> m = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, modified"
                + (fields.length == 0 ? "" : ", " + String.join(", ", fields)) + " FROM " + name);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<FieldValue> values = new ArrayList<>(fields.length);
                for (int i = 0; i < fields.length; i++) {
                    values.add(new FieldValue(fields[i], rs.getString(3 + i)));
                }
                m.put(rs.getString(1), new ExternalRecord(rs.getString(1), modified(rs, 2), values));
            }
        }
        return m;
    }

    /** A modification column as the adapter reads it: a zoned timestamp as its instant, any other as a UTC wall time. */
    private static Instant modified(ResultSet rs, int index) throws SQLException {
        if ("timestamptz".equalsIgnoreCase(rs.getMetaData().getColumnTypeName(index))) {
            OffsetDateTime t = rs.getObject(index, OffsetDateTime.class);
            return t == null ? null : t.toInstant();
        }
        return ValueCodec.readInstant(rs, index);
    }
}
