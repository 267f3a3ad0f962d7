package org.esabridge.jdbc.changes;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import org.esabridge.api.ResultSink;
import org.esabridge.jdbc.catalog.RecordMapper;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * Looks ids up in their table by primary key, {@value #BATCH} at a time ({@code IN} for one id column, an OR
 * of equalities for several; both are index range scans), for the two rules that need the table's state at
 * answer time:
 *
 * <ul>
 *   <li><b>No live id is ever reported deleted.</b> A tombstone says a row with that id was deleted once, not
 *       that none exists now: a delete followed by an insert of the same id (an ORM re-creating link rows,
 *       {@code REPLACE INTO}, a key changed back) leaves a tombstone behind a live row, and a host that applied
 *       {@code getModified} then {@code getDeleted} in protocol order would lose the row for good. So deletions
 *       are answered, and reported to the host, only for ids absent at the moment of answering ({@link #absent}),
 *       read outside any older snapshot. A row inserted after that moment reaches the host through
 *       {@code getModified} in a later sync, since its stamp is later than the host's time of this one (late
 *       commits: {@link Watermark}).</li>
 *   <li><b>Rows touched without their modification column</b> ({@code esa_touched}) are delivered by reading them
 *       ({@link #records}); those gone meanwhile are skipped (their tombstone tells).</li>
 * </ul>
 *
 * An id that cannot be a key of the table ({@code x} for an integer key) is not in it. Ids compare in this
 * ESA's own text form, the one {@code getModified} gives ({@code 7}, not {@code 007}).
 */
public final class LiveIds {
    static final int BATCH = 500;

    private LiveIds() {
    }

    /** The ids, in their order, that no row of the table has now. */
    public static List<String> absent(Connection c, TableSql sql, List<String> ids, int queryTimeout)
            throws SQLException {
        List<String> absent = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += BATCH) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
            Set<String> present = new HashSet<>();
            List<String> keys = bindable(c, sql, batch);
            if (!keys.isEmpty()) {
                RecordMapper m = sql.mapper();
                query(c, "SELECT " + m.idOrder() + " FROM " + m.tableName() + " t WHERE " + where(m, keys.size()), m,
                        keys, queryTimeout, rs -> present.add(m.readId(rs, 1)));
            }
            for (String id : batch) {
                if (!present.contains(id)) {
                    absent.add(id);
                }
            }
        }
        return absent;
    }

    /** Sends the live rows with these ids to the sink as records; ids without a live row are skipped. */
    public static void records(Connection c, TableSql sql, Dialect dialect, List<String> ids, int queryTimeout,
                               ResultSink sink) throws SQLException, IOException {
        RecordMapper m = sql.mapper();
        for (int from = 0; from < ids.size(); from += BATCH) {
            List<String> keys = bindable(c, sql, ids.subList(from, Math.min(ids.size(), from + BATCH)));
            if (!keys.isEmpty()) {
                List<IOException> failure = new ArrayList<>(1);
                query(c, "SELECT " + m.selectList() + " FROM " + m.from() + " WHERE (" + where(m, keys.size()) + ")"
                        + TableSql.liveCondition(m.table(), dialect), m, keys, queryTimeout, rs -> {
                            try {
                                sink.record(m.map(rs));
                            } catch (IOException e) {
                                failure.add(e);
                                throw new SQLException("the result could not be written", e);
                            }
                        });
                if (!failure.isEmpty()) {
                    throw failure.get(0);
                }
            }
        }
    }

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private static String where(RecordMapper m, int n) {
        boolean single = m.table().idColumns().size() == 1;
        StringJoiner where = new StringJoiner(single ? ", " : " OR ", single ? m.idOrder() + " IN (" : "(", ")");
        for (int i = 0; i < n; i++) {
            where.add(single ? "?" : "(" + m.idWhere() + ")");
        }
        return where.toString();
    }

    private static void query(Connection c, String sql, RecordMapper m, List<String> keys, int queryTimeout, Row row)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(queryTimeout);
            int next = 1;
            for (String id : keys) {
                try {
                    next = m.bindId(ps, next, id);
                } catch (ValueCodec.BadValueException e) {
                    throw new IllegalStateException("checked bindable before", e);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }
    }

    /** The ids that can be keys of the table; binding parses each part as its column's type. */
    private static List<String> bindable(Connection c, TableSql sql, List<String> ids) throws SQLException {
        List<String> keys = new ArrayList<>(ids.size());
        try (PreparedStatement probe = c.prepareStatement(sql.idProbe())) {
            for (String id : ids) {
                try {
                    sql.mapper().bindId(probe, 1, id);
                    keys.add(id);
                } catch (ValueCodec.BadValueException e) {
                    // cannot be a key of this table, so it is not in it
                }
            }
        }
        return keys;
    }
}
