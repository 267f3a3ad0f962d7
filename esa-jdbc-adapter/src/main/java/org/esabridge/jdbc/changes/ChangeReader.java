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
import java.util.function.IntSupplier;
import javax.sql.DataSource;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ResultSink;
import org.esabridge.jdbc.DeleteStrategy;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.dialect.Dialect;
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

    public ChangeReader(DataSource ds, Dialect dialect, IntSupplier inlineThreshold, int retentionDays, int queryTimeout,
                        Watermark watermark) {
        this.ds = ds;
        this.watermark = watermark;
        this.dialect = dialect;
        this.inlineThreshold = inlineThreshold;
        this.retentionDays = retentionDays;
        this.queryTimeout = queryTimeout;
        this.tombstoneWhere = " FROM esa_tombstone WHERE table_name = ? AND deleted_at > "
                + dialect.timestampParameter();
        String retained = dialect.minus(dialect.now(), "?", ChronoUnit.DAYS);
        this.purgeTombstones = "DELETE FROM esa_tombstone WHERE deleted_at < " + retained;
        this.horizon = "SELECT GREATEST(tracking_since, " + retained + ") FROM esa_structure WHERE table_name = ?";
    }

    public boolean getModified(TableSql q, Instant after, ResultSink sink) throws EsaException, IOException {
        Table t = q.table();
        try (Connection c = ds.getConnection()) {
            Instant from = watermark.beforeRead(c, after, t.modColumn());
            return stream(c, q.countModified(), q.modified(), ps -> {
                ValueCodec.bindInstant(ps, 1, from);
                return 2;
            }, rs -> sink.record(q.mapper().map(rs)));
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
                return stream(c, q.countSoftDeleted(), q.softDeleted(), ps -> {
                    ValueCodec.bindInstant(ps, 1, from);
                    return 2;
                }, rs -> sink.id(q.mapper().readId(rs, 1)));
            }
            // The horizon applies to the host's after; the widened range before it holds no more than we have.
            checkHorizon(c, t, after);
            Instant from = watermark.beforeRead(c, after, null);
            return stream(c, "SELECT COUNT(*) FROM (SELECT 1" + tombstoneWhere + dialect.limit("?") + ") x",
                    "SELECT row_id" + tombstoneWhere + " ORDER BY deleted_at, seq", ps -> {
                        ps.setString(1, t.name());
                        ValueCodec.bindInstant(ps, 2, from);
                        return 3;
                    }, rs -> sink.id(rs.getString(1)));
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
        try (PreparedStatement ps = c.prepareStatement(purgeTombstones)) {
            ps.setInt(1, retentionDays);
            ps.setQueryTimeout(queryTimeout);
            ps.executeUpdate();
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

    private interface Work<T> {
        T run() throws SQLException, IOException, EsaException;
    }

    /** Count (bounded) then stream, both in one snapshot; false, with nothing streamed, for NULL. */
    private boolean stream(Connection c, String countSql, String sql, Binder binder, RowHandler handler)
            throws SQLException, IOException, EsaException {
        return inSnapshot(c, () -> {
            try (PreparedStatement ps = c.prepareStatement(countSql)) {
                ps.setQueryTimeout(queryTimeout);
                int threshold = inlineThreshold.getAsInt();
                ps.setLong(binder.bind(ps), threshold + 1L);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > threshold) {
                        return false;
                    }
                }
            }
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
            return true;
        });
    }

    private <T> T inSnapshot(Connection c, Work<T> work) throws SQLException, IOException, EsaException {
        boolean autoCommit = c.getAutoCommit();
        int isolation = c.getTransactionIsolation();
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | IOException | EsaException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
            c.setTransactionIsolation(isolation);
        }
    }


}
