package org.esabridge.jdbc.changes;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ResultSink;
import org.esabridge.jdbc.DeleteStrategy;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;
import org.esabridge.jdbc.dialect.Faults;

/**
 * {@code getModified} and {@code getDeleted} in binlog capture mode, answered inline from the change index.
 *
 * <p>The binlog reader keeps one entry per row in {@code esa_change}: the row's latest committed change,
 * {@code M} (inserted or updated) or {@code D} (deleted), stamped in commit order, every batch later than the
 * one before; {@code getCurrentTime} fences the reader, so every change committed before the host's time has
 * a stamp at or before it and every later one a stamp after it. A read for {@code after} is then exact: the
 * entries stamped after it. No watermark widens it and no margin covers late commits, slow statements or a
 * column's precision, because the stamp is not the row's but the commit's.
 *
 * <ul>
 *   <li>Changed records: the {@code M} entries stamped after {@code after}, walked in (stamp, seq) order
 *       {@value RowsById#BATCH} at a time by keyset, each batch's rows fetched from the table by primary key
 *       ({@link RowsById}); a row gone meanwhile is skipped (its {@code D} entry follows).</li>
 *   <li>Deleted ids: the {@code D} entries stamped after {@code after} whose id is absent from the table now,
 *       so a live id (re-inserted, its {@code M} entry not written yet) is never reported deleted; with a
 *       soft-delete column, the {@code M} entries whose row is marked deleted.</li>
 *   <li>Each read first waits until the reader has passed the moment of the call ({@link #catchUp}).</li>
 *   <li>Count then stream, all in one REPEATABLE READ snapshot, as {@link ChangeReader} does: more than
 *       {@code inline-threshold} entries answer NULL; rows skipped make the answer shorter than the count,
 *       never longer. Memory holds one batch whatever the window.</li>
 *   <li>The index is complete only for stamps after its horizon {@code esa_capture.since} (capture start, or a
 *       recorded gap). For an earlier {@code after} any row may have changed: changed records are the whole
 *       table ({@link ChangeReader} without a lower bound), deletions are {@link ErrorCode#NOT_SUPPORTED} so
 *       the host compares ids, as for the tombstones' horizon in polling mode.</li>
 *   <li>Before a table's own join mark only ({@link #JOINED}: polled until then), deletions are the tombstones of
 *       the trigger it was polled by, which stays ({@link Deletions#TOMBSTONES}): a host's time taken while the table
 *       joined is answered the same before and after the switch.</li>
 * </ul>
 */
public final class IndexedChanges {
    /**
     * The kind of the entry (table, empty id) by which the reader marks the table's last TRUNCATE: reads ask for
     * {@code M} or {@code D} entries and never see it; deletions of that table before its stamp are refused.
     */
    public static final char TRUNCATED = 'T';

    /**
     * The kind of the entry (table, empty id) by which the reader marks when a table joined the log while capture
     * ran (a table added to a publication the log is read through): its changes before that are not all in the index, so for
     * an earlier {@code after} it is read as before the index's horizon (the whole table, deletions refused). It
     * shares the marker's place with {@link #TRUNCATED}: a later TRUNCATE emptied the table, so every row then is
     * in the index, and a later join is the stricter horizon.
     */
    public static final char JOINED = 'J';

    /**
     * The kind of the marker entry by which the reader marks that a table began to join the log: the transactions
     * that ran at that moment may not all have ended, so it is no horizon the table's changes are complete from. A
     * read counts it as {@link #JOINED} (nothing earlier from the index); a later start does not count it as a join,
     * so the table joins again. It shares the marker's place with {@link #JOINED} and {@link #TRUNCATED}.
     */
    public static final char JOIN_BEGUN = 'B';

    /** A lower bound below every stored time: "the whole table". */
    public static final Instant BEGINNING = Instant.parse("1000-01-01T00:00:00Z");
    /** The reader's progress row in {@code esa_capture}. */
    private static final String CAPTURE = "binlog";

    private final DataSource ds;
    private final Dialect dialect;
    private final StateTables state;
    private final Predicate<Table> logged;
    private final IntSupplier inlineThreshold;
    private final int queryTimeout;
    private final ChangeReader polling;
    private final CatchUp catchUp;
    private final CaptureTriggers triggers;
    private final String count;
    private final String batch;

    public IndexedChanges(DataSource ds, Dialect dialect, StateTables state, Predicate<Table> logged, IntSupplier inlineThreshold,
                          int queryTimeout, ChangeReader polling, CatchUp catchUp) {
        this.catchUp = catchUp;
        this.ds = ds;
        this.dialect = dialect;
        this.state = state;
        this.logged = logged;
        this.inlineThreshold = inlineThreshold;
        this.queryTimeout = queryTimeout;
        this.polling = polling;
        this.triggers = new CaptureTriggers(dialect, state);
        String ts = dialect.timestampParameter();
        String entries = " FROM " + state.change() + " WHERE table_name = ? AND kind = ? AND stamp > " + ts;
        this.count = "SELECT COUNT(*) FROM (SELECT 1" + entries + dialect.limit("?") + ") x";
        // The (stamp, seq) continuation as two ranges of the (table_name, kind, stamp, seq) index.
        this.batch = "SELECT row_id, stamp, seq FROM " + state.change() + " WHERE table_name = ? AND kind = ? AND (stamp > " + ts
                + " OR (stamp = " + ts + " AND seq > ?)) ORDER BY stamp, seq" + dialect.limit(Integer.toString(RowsById.BATCH));
    }

    /** Waits until the index holds every change committed before the call. */
    public interface CatchUp {
        void await() throws EsaException;
    }

    /**
     * Waits until the index holds every change committed before this call (the binlog reader's fence, bounded
     * by {@code capture-fence-timeout-seconds}). A read then answers everything committed before it, as a
     * polling read does (a client reads its own writes), not only what {@code getCurrentTime} fenced.
     */
    public void catchUp() throws EsaException {
        catchUp.await();
    }

    /**
     * Whether the table's changes are read from the change index: binlog capture mode and a table the reader
     * captures (one whose ids the log cannot spell is polled, see {@code capture.TableTargets}).
     */
    public boolean serves(Table t) {
        return logged.test(t);
    }

    /** An entry kind of {@code esa_change}. */
    public enum Kind {
        MODIFIED("M"), DELETED("D");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /**
     * Whether the index holds every change stamped after {@code after}: false before the index's horizon or
     * before the reader has recorded any progress.
     */
    public boolean covers(Connection c, Instant after) throws SQLException {
        Instant since = readCapture(c, "since");
        return since != null && !after.isBefore(since);
    }

    /**
     * {@link #covers} for one table: also false before the table joined the log ({@link #JOINED}, or began to:
     * {@link #JOIN_BEGUN}).
     */
    public boolean covers(Connection c, Table t, Instant after) throws SQLException {
        return covers(c, after) && !after.isBefore(marked(c, t, "IN ('" + JOINED + "', '" + JOIN_BEGUN + "')"));
    }

    /** The stamp of the table's marker of those kinds, or {@link #BEGINNING}. */
    private Instant marked(Connection c, Table t, String kinds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(stamp) FROM " + state.change()
                + " WHERE table_name = ? AND kind " + kinds)) {
            ps.setQueryTimeout(queryTimeout);
            ps.setString(1, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                Instant stamp = rs.next() ? ValueCodec.readInstant(rs, 1) : null;
                return stamp == null ? BEGINNING : stamp;
            }
        }
    }

    /** Where a table's deletions after a time are found ({@link #deletionsAfter}). */
    public enum Deletions {
        /** In the change index. */
        INDEX,
        /**
         * In the tombstones of the delete trigger the table was polled by before it joined the log: nothing before
         * its join mark is in the index, but that trigger stays (nothing drops a trigger of a table the log captures),
         * so its tombstones hold every delete from the table's tracking horizon on, across the switch, and the polled
         * answer ({@link ChangeReader#getDeleted}, which refuses an {@code after} before that horizon) is exact. A host
         * may well hold such an {@code after}: a {@code getCurrentTime} just after the reload that made it join.
         */
        TOMBSTONES,
        /** Nowhere: any row may have vanished unrecorded; the host compares ids. */
        NONE
    }

    /**
     * Where the deletions of {@code t} after {@code after} are found: {@link #covers} for one table, also not in the
     * index before the table's own deletion horizon — its last TRUNCATE or join as the reader saw it, or
     * {@code esa_structure.tracking_since}, which {@link TableIdentity} moves when the table was created again or
     * renamed — rows that vanished so leave no row event in the log. Before a join mark only, the trigger's
     * tombstones, while the trigger is in place (not when it was dropped by hand since).
     */
    public Deletions deletionsAfter(Connection c, Table t, Instant after) throws SQLException {
        return switch (deletionHorizon(c, t, after)) {
            case COVERED -> Deletions.INDEX;
            case BEFORE_JOIN -> triggers.deleteTriggerInPlace(c, t.name()) ? Deletions.TOMBSTONES : Deletions.NONE;
            case BEFORE -> Deletions.NONE;
        };
    }

    /** Where an {@code after} stands against a table's deletion horizon in the index. */
    private enum DeletionHorizon {
        COVERED,
        /** Before the table's join mark only: the index starts later, the polled tombstones may go back further. */
        BEFORE_JOIN,
        BEFORE
    }

    private DeletionHorizon deletionHorizon(Connection c, Table t, Instant after) throws SQLException {
        if (!covers(c, after)) {
            return DeletionHorizon.BEFORE;
        }
        // The table's own horizon: set by TableIdentity (recreated, renamed).
        try (PreparedStatement ps = c.prepareStatement("SELECT tracking_since FROM " + state.structure()
                + " WHERE table_name = ?")) {
            ps.setQueryTimeout(queryTimeout);
            ps.setString(1, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                Instant since = rs.next() ? ValueCodec.readInstant(rs, 1) : null;
                if (since != null && after.isBefore(since)) {
                    return DeletionHorizon.BEFORE;
                }
            }
        }
        // And by the reader's TRUNCATE or joined mark: one entry per table, its kind says which came last.
        try (PreparedStatement ps = c.prepareStatement("SELECT kind, stamp FROM " + state.change() + " WHERE table_name = ?"
                + " AND kind IN ('" + TRUNCATED + "', '" + JOINED + "', '" + JOIN_BEGUN + "') ORDER BY stamp DESC"
                + dialect.limit("1"))) {
            ps.setQueryTimeout(queryTimeout);
            ps.setString(1, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return DeletionHorizon.COVERED;
                }
                String kind = rs.getString(1);
                Instant since = ValueCodec.readInstant(rs, 2);
                if (!after.isBefore(since)) {
                    return DeletionHorizon.COVERED;
                }
                return kind.equals(String.valueOf(TRUNCATED)) ? DeletionHorizon.BEFORE : DeletionHorizon.BEFORE_JOIN;
            }
        }
    }

    /**
     * The stamp of the reader's last committed batch: every entry stamped at or before it is committed, every
     * later batch is stamped after it. A cursor bounded by it never sees an entry move within its range, so no
     * id shows twice in one cursor.
     */
    public Instant horizon(Connection c) throws SQLException {
        Instant last = readCapture(c, "last_stamp");
        return last == null ? BEGINNING : last;
    }

    /** Refuses deletions before the index's horizon (the host then compares ids). */
    public static EsaException beforeHorizon(Table t) {
        return new EsaException(ErrorCode.NOT_SUPPORTED, "deletions of structure " + t.name()
                + " are on record in the change index only after it started (or after a gap in the binary log);"
                + " compare ids instead");
    }

    public boolean getModified(TableSql q, Instant after, ResultSink sink) throws EsaException, IOException {
        catchUp();
        RowsById rows = new RowsById(q, queryTimeout);
        Boolean answered;
        try (Connection c = ds.getConnection()) {
            answered = Snapshot.run(c, () -> !covers(c, q.table(), after) ? null
                    : walk(c, q.table(), Kind.MODIFIED, after, ids -> rows.sendLiveInOrder(c, dialect, ids, sink)));
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "getModified of " + q.table().name());
        }
        return answered != null ? answered : polling.getModified(q, BEGINNING, sink);
    }

    public boolean getDeleted(TableSql q, Instant after, ResultSink sink) throws EsaException, IOException {
        Table t = q.table();
        DeleteStrategy.Kind strategy = t.deleteStrategy().kind();
        if (strategy == DeleteStrategy.Kind.NONE) {
            return polling.getDeleted(q, after, sink); // its refusal
        }
        boolean soft = strategy == DeleteStrategy.Kind.SOFT_DELETE;
        catchUp();
        RowsById rows = new RowsById(q, queryTimeout);
        Boolean answered;
        boolean[] polled = new boolean[1];
        try (Connection c = ds.getConnection()) {
            answered = Snapshot.run(c, () -> {
                if (soft && !covers(c, t, after)) {
                    return null;
                }
                if (!soft) {
                    Deletions found = deletionsAfter(c, t, after);
                    if (found == Deletions.NONE) {
                        throw beforeHorizon(t);
                    }
                    if (found == Deletions.TOMBSTONES) {
                        polled[0] = true;
                        return null;
                    }
                }
                return walk(c, t, soft ? Kind.MODIFIED : Kind.DELETED, after, ids -> {
                    if (soft) {
                        Set<String> marked = rows.markedDeleted(c, dialect, ids);
                        for (String id : ids) {
                            if (marked.contains(id)) {
                                sink.id(id);
                            }
                        }
                    } else {
                        for (String id : rows.absent(c, ids)) {
                            sink.id(id);
                        }
                    }
                });
            });
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "getDeleted of " + t.name());
        }
        if (polled[0]) {
            return polling.getDeleted(q, after, sink);
        }
        // Soft-deleted rows before the horizon: every row marked deleted, as the table shows them.
        return answered != null ? answered : polling.getDeleted(q, BEGINNING, sink);
    }

    /** Handles one batch of entry ids, in (stamp, seq) order. */
    private interface BatchHandler {
        void handle(List<String> ids) throws SQLException, IOException;
    }

    /** Counts (bounded) the entries after {@code after}, then walks them batch by batch; false for NULL. */
    private boolean walk(Connection c, Table t, Kind kind, Instant after, BatchHandler handler)
            throws SQLException, IOException {
        int threshold = inlineThreshold.getAsInt();
        try (PreparedStatement ps = c.prepareStatement(count)) {
            ps.setQueryTimeout(queryTimeout);
            ps.setString(1, t.name());
            ps.setString(2, kind.code());
            ValueCodec.bindInstant(ps, 3, after);
            ps.setLong(4, threshold + 1L);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > threshold) {
                    return false;
                }
            }
        }
        Instant stamp = after;
        long seq = Long.MAX_VALUE;
        List<String> ids = new ArrayList<>(RowsById.BATCH);
        try (PreparedStatement ps = c.prepareStatement(batch)) {
            ps.setQueryTimeout(queryTimeout);
            do {
                ids.clear();
                ps.setString(1, t.name());
                ps.setString(2, kind.code());
                ValueCodec.bindInstant(ps, 3, stamp);
                ValueCodec.bindInstant(ps, 4, stamp);
                ps.setLong(5, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                        stamp = ValueCodec.readInstant(rs, 2);
                        seq = rs.getLong(3);
                    }
                }
                if (!ids.isEmpty()) {
                    handler.handle(ids);
                }
            } while (ids.size() == RowsById.BATCH);
        }
        return true;
    }

    private Instant readCapture(Connection c, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM " + state.capture() + " WHERE name = ?")) {
            ps.setQueryTimeout(queryTimeout);
            ps.setString(1, CAPTURE);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? ValueCodec.readInstant(rs, 1) : null;
            }
        }
    }
}
