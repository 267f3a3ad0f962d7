package org.esabridge.jdbc.notify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.esabridge.api.helper.DeletionReporter;
import org.esabridge.jdbc.catalog.IdWhiteSpace;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;

/**
 * New deletions in binlog capture mode, where no tombstone trigger writes {@code esa_tombstone}: the change
 * index's {@code D} entries, per table, by keyset on the {@code (table_name, kind, stamp, seq)} index. The first
 * look at a table takes its baseline.
 */
final class IndexDeletions {
    private record Position(Instant stamp, long seq) {
    }

    private final Map<String, Position> last = new HashMap<>();
    private final String max;
    private final String newer;

    IndexDeletions(Dialect dialect, StateTables state, int limit) {
        this.max = "SELECT stamp, seq FROM " + state.change() + " WHERE table_name = ? AND kind = 'D'"
                + " ORDER BY stamp DESC, seq DESC" + dialect.limit("1");
        String ts = dialect.timestampParameter();
        this.newer = "SELECT stamp, seq, row_id FROM " + state.change() + " WHERE table_name = ? AND kind = 'D' AND (stamp > " + ts
                + " OR (stamp = " + ts + " AND seq > ?)) ORDER BY stamp, seq" + dialect.limit(Integer.toString(limit));
    }

    /** What moves when a row of the table is deleted: its latest {@code D} entry. */
    Object mark(Connection c, String table) throws SQLException {
        Position p = latest(c, table);
        return p == null ? "" : p.toString();
    }

    /** Reports the deletions entered since the last call (the first call per table only takes the baseline). */
    void report(Connection c, Collection<Table> tracked, DeletionReporter deletions) throws SQLException {
        for (Table t : tracked) {
            Position from = last.get(t.name());
            if (from == null) {
                Position baseline = latest(c, t.name());
                last.put(t.name(), baseline == null ? new Position(Instant.EPOCH, 0) : baseline);
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement(newer)) {
                ps.setString(1, t.name());
                ValueCodec.bindInstant(ps, 2, from.stamp());
                ValueCodec.bindInstant(ps, 3, from.stamp());
                ps.setLong(4, from.seq());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Instant stamp = ValueCodec.readInstant(rs, 1);
                        last.put(t.name(), new Position(stamp, rs.getLong(2)));
                        if (IdWhiteSpace.lost(t, rs.getString(3)) == null) { // getDeleted leaves it out, and says so
                            deletions.report(stamp, t.name(), rs.getString(3));
                        }
                    }
                }
            }
        }
    }

    private Position latest(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(max)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Position(ValueCodec.readInstant(rs, 1), rs.getLong(2)) : null;
            }
        }
    }
}
