package org.esabridge.jdbc.changes;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ResultSink;
import org.esabridge.jdbc.catalog.RecordMapper;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * Rows of one table looked up by external id, at most {@value #BATCH} ids per statement (records: at most
 * {@link TableSql#fetchRows}, so that wide rows are not all held at once): one primary-key
 * lookup each ({@code IN} for one id column, an OR of equalities for several; both are index range scans).
 * An id that cannot be a key of the table (say {@code x} for an integer key) is not in it. Ids are compared in
 * this ESA's own text form, the one {@code getModified} gives the host ({@code 7}, not {@code 007}).
 *
 * <p>Used where ids come from elsewhere than the table, for the rules that need the table's state at answer time:
 * <ul>
 *   <li><b>No live id is ever reported deleted.</b> A tombstone or a {@code D} entry says a row with that id was
 *       deleted once, not that none exists now: a delete followed by an insert of the same id (an ORM re-creating
 *       link rows, {@code REPLACE INTO}, a key changed back) leaves it behind a live row, and a host that applied
 *       {@code getModified} then {@code getDeleted} in protocol order would lose the row for good. So deletions
 *       are answered, and reported to the host, only for ids {@link #absent} at the moment of answering, read
 *       outside any older snapshot. A row inserted after that moment reaches the host through {@code getModified}
 *       in a later sync.</li>
 *   <li><b>Rows named elsewhere</b> — by the host ({@link HelperDeletions}), by the change index
 *       ({@link IndexedChanges}, {@code cursor.IndexRows}) or as touched without their modification column
 *       ({@code esa_touched}) — are delivered by reading them ({@link #sendLive}); those gone meanwhile are
 *       skipped (their deletion tells).</li>
 * </ul>
 */
public final class RowsById {
    /** The most ids one statement looks up. */
    public static final int BATCH = 500;

    private final TableSql sql;
    private final RecordMapper m;
    private final int queryTimeout;

    public RowsById(TableSql sql, int queryTimeout) {
        this.sql = sql;
        this.m = sql.mapper();
        this.queryTimeout = queryTimeout;
    }

    /**
     * Sends the live records with these ids to the sink in the order of the ids; ids without a live row are
     * skipped. At most {@link TableSql#fetchRows} records are held at once.
     */
    public void sendLiveInOrder(Connection c, Dialect dialect, List<String> ids, ResultSink sink)
            throws SQLException, IOException {
        for (int from = 0; from < ids.size(); from += sql.fetchRows()) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + sql.fetchRows()));
            Map<String, ExternalRecord> found = liveRecords(c, dialect, part);
            for (String id : part) {
                ExternalRecord r = found.get(id);
                if (r != null) {
                    sink.record(r);
                }
            }
        }
    }

    /** The live records with these ids, by id; ids without a live row are left out. */
    private Map<String, ExternalRecord> liveRecords(Connection c, Dialect dialect, List<String> ids) throws SQLException {
        Map<String, ExternalRecord> found = new HashMap<>();
        String liveness = TableSql.live(m.table(), true, dialect);
        for (List<String> batch : batches(c, ids, sql.fetchRows())) {
            query(c, "SELECT " + m.selectList() + " FROM " + m.from() + " WHERE (" + match(batch.size()) + ")"
                    + liveness, batch, rs -> {
                        ExternalRecord r = m.map(rs);
                        found.put(r.id(), r);
                    });
        }
        return found;
    }

    /** Sends the live rows with these ids to the sink as records, as they are read; ids without one are skipped. */
    public void sendLive(Connection c, Dialect dialect, List<String> ids, ResultSink sink) throws SQLException, IOException {
        String liveness = TableSql.live(m.table(), true, dialect);
        List<IOException> failure = new ArrayList<>(1);
        for (List<String> batch : batches(c, ids, BATCH)) {
            query(c, "SELECT " + m.selectList() + " FROM " + m.from() + " WHERE (" + match(batch.size()) + ")"
                    + liveness, batch, rs -> {
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

    /** The ids that have a row in the table, live or marked deleted. */
    public Set<String> present(Connection c, List<String> ids) throws SQLException {
        return ids(c, ids, "");
    }

    /** The ids whose row is marked deleted by the soft-delete column. */
    public Set<String> markedDeleted(Connection c, Dialect dialect, List<String> ids) throws SQLException {
        return ids(c, ids, TableSql.live(m.table(), false, dialect));
    }

    /** The ids, in the given order, that have no row in the table. */
    public List<String> absent(Connection c, List<String> ids) throws SQLException {
        Set<String> present = present(c, ids);
        List<String> absent = new ArrayList<>();
        for (String id : ids) {
            if (!present.contains(id)) {
                absent.add(id);
            }
        }
        return absent;
    }

    private Set<String> ids(Connection c, List<String> ids, String condition) throws SQLException {
        Set<String> found = new HashSet<>();
        for (List<String> batch : batches(c, ids, BATCH)) {
            query(c, "SELECT " + m.idOrder() + " FROM " + m.tableName() + " t WHERE (" + match(batch.size()) + ")"
                    + condition, batch, rs -> found.add(m.readId(rs, 1)));
        }
        return found;
    }

    /** The ids that can be keys of the table, in batches of at most {@code size}. */
    private List<List<String>> batches(Connection c, List<String> ids, int size) throws SQLException {
        List<List<String>> batches = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        // Binding parses each part as its column's type; executing this probe is never needed.
        try (PreparedStatement probe = c.prepareStatement(sql.idProbe())) {
            for (String id : ids) {
                try {
                    m.bindId(probe, 1, id);
                } catch (ValueCodec.BadValueException e) {
                    continue; // cannot be a key of this table, so it is not in it
                }
                batch.add(id);
                if (batch.size() == size) {
                    batches.add(batch);
                    batch = new ArrayList<>();
                }
            }
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }

    private String match(int count) {
        int columns = m.table().idColumns().size();
        StringJoiner where = new StringJoiner(columns == 1 ? ", " : " OR ", columns == 1 ? m.idOrder() + " IN (" : "",
                columns == 1 ? ")" : "");
        for (int i = 0; i < count; i++) {
            where.add(columns == 1 ? "?" : "(" + m.idWhere() + ")");
        }
        return where.toString();
    }

    private interface RowHandler {
        void handle(ResultSet rs) throws SQLException;
    }

    private void query(Connection c, String select, List<String> ids, RowHandler handler) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(select)) {
            ps.setQueryTimeout(queryTimeout);
            // Streams records of wide rows a few at a time (RowWidth); ids are narrow, a batch is no burden.
            ps.setFetchSize(sql.fetchRows());
            int next = 1;
            for (String id : ids) {
                try {
                    next = m.bindId(ps, next, id);
                } catch (ValueCodec.BadValueException e) {
                    throw new IllegalStateException("checked bindable before", e);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    handler.handle(rs);
                }
            }
        }
    }
}
