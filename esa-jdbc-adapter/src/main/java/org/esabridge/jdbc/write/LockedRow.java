package org.esabridge.jdbc.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.catalog.ValueCodec;

/**
 * The steps of a write that cannot check last-seen in its own statement and so locks the row first, checks it, then
 * writes under that lock ({@link VersionedWriter}, {@link IndexStampedWriter}). Each runs in the caller's transaction.
 */
final class LockedRow {
    private LockedRow() {
    }

    /** Locks the live row ({@code SELECT … FOR UPDATE}); false when there is none. */
    static boolean lock(Connection c, TableSql q, String id, int queryTimeout) throws SQLException, EsaException {
        try (PreparedStatement ps = c.prepareStatement(q.lockLive())) {
            ps.setQueryTimeout(queryTimeout);
            q.mapper().bindId(ps, 1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (ValueCodec.BadValueException e) {
            throw new EsaRecordException(ErrorCode.INVALID_VALUE, e.getMessage(), q.table().name(), id, null);
        }
    }

    /** Refuses the write (RECORD_MODIFIED) when the locked row's modification time is after last-seen. */
    static void check(TableSql q, String id, Instant current, Instant lastSeen) throws EsaException {
        if (current != null && !current.isBefore(LastSeen.exclusiveBound(lastSeen))) {
            throw RecordWriter.modified(q.table(), id, current);
        }
    }

    /** Runs the UPDATE statement {@code sql} of the record's columns {@code cols}, bound as {@code sql} names them. */
    static void update(Connection c, String sql, TableSql q, List<Column> cols, ExternalRecord record, int queryTimeout)
            throws SQLException, EsaException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(queryTimeout);
            q.mapper().bindId(ps, RecordWriter.bindFields(ps, 1, q.mapper(), cols, record), record.id());
            ps.executeUpdate();
        } catch (ValueCodec.BadValueException e) {
            throw new EsaRecordException(ErrorCode.INVALID_VALUE, e.getMessage(), q.table().name(), record.id(), null);
        }
    }

    /** Deletes the row (or marks it deleted: the table's delete statement). */
    static void delete(Connection c, TableSql q, String id, int queryTimeout) throws SQLException, EsaException {
        try (PreparedStatement ps = c.prepareStatement(q.delete())) {
            ps.setQueryTimeout(queryTimeout);
            q.mapper().bindId(ps, 1, id);
            ps.executeUpdate();
        } catch (ValueCodec.BadValueException e) {
            throw new EsaRecordException(ErrorCode.INVALID_VALUE, e.getMessage(), q.table().name(), id, null);
        }
    }
}
