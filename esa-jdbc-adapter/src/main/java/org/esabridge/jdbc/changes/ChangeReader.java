package org.esabridge.jdbc.changes;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import javax.sql.DataSource;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ResultSink;
import org.esabridge.jdbc.DeleteStrategy;
import org.esabridge.jdbc.catalog.PagePlan;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;
import org.esabridge.jdbc.dialect.Faults;

/**
 * {@code getModified} and {@code getDeleted}, answered inline.
 *
 * <p>Both run in one REPEATABLE READ transaction: a bounded count decides between streaming and the
 * protocol's NULL, and the streamed rows come from the same snapshot, so the answer is never cut short and
 * never exceeds what was counted. Before the snapshot, {@link Watermark} widens {@code after} so that a change
 * committed late with an earlier stamp is not missed. Rows go from the result set (fetched in chunks, not buffered whole) straight
 * into the sink.
 *
 * <p>A deletion is answered only for an id absent from the table when the answer is made ({@link RowsById}).
 *
 * <p>Tombstones are kept {@code tombstone-retention-days} and exist only since the trigger was installed.
 * An {@code after} before that horizon cannot be answered completely, and a partial answer would silently
 * leave deleted records on the host. We answer {@link ErrorCode#NOT_SUPPORTED}: it is the call, for that
 * range, that this ESA cannot serve, the request itself is well-formed (so not INVALID_VALUE), and the host's
 * reaction to an unsupported {@code getDeleted} is the right one here: find deletions by comparing ids
 * ({@code detectDeleted} with {@code countRange}).
 */
public final class ChangeReader {
    private static final int FETCH_SIZE = 500;

    private final DataSource ds;
    private final Dialect dialect;
    private final IntSupplier inlineThreshold;
    private final int retentionDays;
    private final int queryTimeout;
    private final Watermark watermark;
    private final String tombstoneWhere;
    private final String purgeTombstones;
    private final String horizon;
    private final String countTouched;
    private final String selectTouched;
    private final String purgeTouched;

    public ChangeReader(DataSource ds, Dialect dialect, StateTables state, IntSupplier inlineThreshold, int retentionDays,
                        int queryTimeout,
                        Watermark watermark) {
        this.ds = ds;
        this.watermark = watermark;
        this.dialect = dialect;
        this.inlineThreshold = inlineThreshold;
        this.retentionDays = retentionDays;
        this.queryTimeout = queryTimeout;
        this.tombstoneWhere = " FROM " + state.tombstone() + " WHERE table_name = ? AND deleted_at > "
                + dialect.timestampParameter();
        String retained = dialect.minus(dialect.now(), "?", ChronoUnit.DAYS);
        this.purgeTombstones = "DELETE FROM " + state.tombstone() + " WHERE deleted_at < " + retained;
        this.horizon = "SELECT GREATEST(tracking_since, " + retained + ") FROM " + state.structure() + " WHERE table_name = ?";
        String touchedWhere = " FROM " + state.touched() + " WHERE table_name = ? AND touched_at > " + dialect.timestampParameter();
        this.countTouched = "SELECT COUNT(*) FROM (SELECT 1" + touchedWhere + dialect.limit("?") + ") x";
        this.selectTouched = "SELECT DISTINCT row_id" + touchedWhere;
        this.purgeTouched = "DELETE FROM " + state.touched() + " WHERE touched_at < " + retained;
    }

    /**
     * The rows modified after {@code after}, and the rows touched after it without their modification column
     * ({@code esa_touched}: foreign-key cascades, key changes), read by id in the same snapshot. A row in both is
     * sent twice; the protocol allows duplicates.
     */
    public boolean getModified(TableSql q, Instant after, ResultSink sink) throws EsaException, IOException {
        Table t = q.table();
        try (Connection c = ds.getConnection()) {
            Instant from = watermark.beforeRead(c, after, t.modColumn());
            Binder byMod = ps -> {
                q.mapper().bindMod(ps, 1, from);
                return 2;
            };
            Binder byTouch = ps -> {
                ps.setString(1, t.name());
                ValueCodec.bindInstant(ps, 2, from);
                return 3;
            };
            RowHandler toRecord = rs -> sink.record(q.mapper().map(rs));
            return Snapshot.run(c, () -> {
                int threshold = inlineThreshold.getAsInt();
                long touches = count(c, countTouched, byTouch, threshold + 1L);
                if (touches > threshold) {
                    return false;
                }
                int left = (int) (threshold - touches);
                boolean inline = t.pagePlan() == PagePlan.ID_RANGES
                        ? streamCounted(c, q.byId().modified(), byMod, left, toRecord)
                        : countThenStream(c, q.countModified(), q.modified(), byMod, left, toRecord);
                if (!inline) {
                    return false;
                }
                List<String> touched = new ArrayList<>();
                forEach(c, selectTouched, byTouch, rs -> touched.add(rs.getString(1)));
                new RowsById(q, queryTimeout).sendLive(c, dialect, touched, sink);
                return true;
            });
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "getModified of " + t.name());
        }
    }

    public boolean getDeleted(TableSql q, Instant after, ResultSink sink) throws EsaException, IOException {
        Table t = q.table();
        DeleteStrategy.Kind kind = t.deleteStrategy().kind();
        if (kind == DeleteStrategy.Kind.NONE) {
            throw new EsaException(ErrorCode.NOT_SUPPORTED, "structure " + t.name()
                    + " does not track deletions; compare ids instead");
        }
        try (Connection c = ds.getConnection()) {
            if (kind == DeleteStrategy.Kind.SOFT_DELETE) {
                Instant from = watermark.beforeRead(c, after, t.softDelete());
                Binder binder = ps -> {
                    q.mapper().bindMod(ps, 1, from);
                    return 2;
                };
                RowHandler handler = rs -> sink.id(q.mapper().readId(rs, 1));
                int threshold = inlineThreshold.getAsInt();
                return Snapshot.run(c, () -> t.pagePlan() == PagePlan.ID_RANGES
                        ? streamCounted(c, q.byId().softDeleted(), binder, threshold, handler)
                        : countThenStream(c, q.countSoftDeleted(), q.softDeleted(), binder, threshold, handler));
            }
            // The horizon applies to the host's after; the widened range before it holds no more than we have.
            checkHorizon(c, t, after);
            Instant from = watermark.beforeRead(c, after, null);
            List<String> ids = new ArrayList<>();
            int threshold = inlineThreshold.getAsInt();
            boolean inline = Snapshot.run(c, () -> countThenStream(c,
                    "SELECT COUNT(*) FROM (SELECT 1" + tombstoneWhere + dialect.limit("?") + ") x",
                    "SELECT row_id" + tombstoneWhere + " ORDER BY deleted_at, seq", ps -> {
                        ps.setString(1, t.name());
                        ValueCodec.bindInstant(ps, 2, from);
                        return 3;
                    }, threshold, rs -> ids.add(rs.getString(1))));
            // Out of the snapshot, so that the ids are checked against the table as it is now (RowsById).
            for (String id : new RowsById(q, queryTimeout).absent(c, ids)) {
                sink.id(id);
            }
            return inline;
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "getDeleted of " + t.name());
        }
    }

    /**
     * Deletes tombstones and watermarks past the retention period; cheap thanks to the indexes on their
     * times.
     */
    public void purgeTombstones(Connection c) throws SQLException {
        watermark.prune(c, retentionDays);
        for (String purge : List.of(purgeTombstones, purgeTouched)) {
            try (PreparedStatement ps = c.prepareStatement(purge)) {
                ps.setInt(1, retentionDays);
                ps.setQueryTimeout(queryTimeout);
                ps.executeUpdate();
            }
        }
    }

    /** Refuses an {@code after} before the oldest moment from which every deletion is still on record. */
    public void checkHorizon(Connection c, Table t, Instant after) throws SQLException, EsaException {
        try (PreparedStatement ps = c.prepareStatement(horizon)) {
            ps.setInt(1, retentionDays);
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new EsaException(ErrorCode.NOT_SUPPORTED, "deletions of structure " + t.name()
                            + " are not tracked (the delete trigger could not be installed); compare ids instead");
                }
                Instant horizon = rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC);
                if (after.isBefore(horizon)) {
                    throw new EsaException(ErrorCode.NOT_SUPPORTED, "deletions of structure " + t.name()
                            + " are on record only after " + ValueCodec.formatInstant(horizon.truncatedTo(ChronoUnit.MICROS))
                            + " (retention " + retentionDays + " days); compare ids instead");
                }
            }
        }
    }

    private interface Binder {
        /** Binds the leading parameters and returns the next index. */
        int bind(PreparedStatement ps) throws SQLException;
    }

    private interface RowHandler {
        void handle(ResultSet rs) throws SQLException, IOException;
    }

    /** Count (bounded) then stream, in the caller's snapshot; false, with nothing streamed, for more than {@code limit}. */
    private boolean countThenStream(Connection c, String countSql, String sql, Binder binder, int limit,
                                    RowHandler handler) throws SQLException, IOException {
        if (count(c, countSql, binder, limit + 1L) > limit) {
            return false;
        }
        forEach(c, sql, binder, handler);
        return true;
    }

    /**
     * {@link #countThenStream} in one statement that counts as it streams ({@link org.esabridge.jdbc.catalog.IdOrderSql}):
     * without a modification index, a count and then a read would each walk the whole table. The count rides
     * on every row; the first one decides between streaming and NULL.
     */
    private boolean streamCounted(Connection c, String sql, Binder binder, int limit, RowHandler handler)
            throws SQLException, IOException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(queryTimeout);
            ps.setFetchSize(FETCH_SIZE);
            ps.setLong(binder.bind(ps), limit + 1L);
            try (ResultSet rs = ps.executeQuery()) {
                int count = rs.getMetaData().getColumnCount();
                boolean first = true;
                while (rs.next()) {
                    if (first && rs.getLong(count) > limit) {
                        return false;
                    }
                    first = false;
                    handler.handle(rs);
                }
            }
        }
        return true;
    }

    /** Runs a bounded count whose last parameter is the bound. */
    private long count(Connection c, String countSql, Binder binder, long bound) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(countSql)) {
            ps.setQueryTimeout(queryTimeout);
            ps.setLong(binder.bind(ps), bound);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void forEach(Connection c, String sql, Binder binder, RowHandler handler) throws SQLException, IOException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(queryTimeout);
            ps.setFetchSize(FETCH_SIZE);
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    handler.handle(rs);
                }
            }
        }
    }
}
