package org.esabridge.jdbc.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.RecordMapper;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.Faults;

/**
 * update and delete of structures tracked through a version table ({@code change-tracking=version-table}).
 *
 * <p>An engine may forbid a statement to use a table that a trigger it fires writes (one does, with an error), and
 * the version table's triggers write it on every change of the table. So here the check and the write
 * cannot be one statement; instead the row is locked first (SELECT … FOR UPDATE, the same lock order as
 * any other writer: row, then version) and the check and the write follow under that lock, which is
 * just as atomic. The adapter then stamps the version itself, past the next millisecond (as
 * {@link RecordWriter} does).
 */
final class VersionedWriter {
    private final RecordWriter w;
    private final Dialect dialect;
    private final int queryTimeout;

    VersionedWriter(RecordWriter w, Dialect dialect, int queryTimeout) {
        this.w = w;
        this.dialect = dialect;
        this.queryTimeout = queryTimeout;
    }

    Written<Instant> update(TableSql q, List<Column> cols, Instant lastSeen, ExternalRecord record, boolean derived)
            throws EsaException {
        Table t = q.table();
        RecordMapper m = q.mapper();
        StringBuilder set = new StringBuilder();
        for (Column c : cols) {
            set.append(set.length() == 0 ? "" : ", ").append(m.target(c)).append(" = ?");
        }
        String sql = "UPDATE " + m.tableName() + " t SET " + set + " WHERE " + m.idWhere();
        try {
            return Deadlocks.retry(dialect, () -> w.inTransaction(c -> {
                Instant current = lockAndCheck(c, q, record.id(), lastSeen);
                if (current == null) {
                    throw RecordWriter.notFound(t, record.id());
                }
                if (!cols.isEmpty()) {
                    LockedRow.update(c, sql, q, cols, record, queryTimeout);
                }
                stampVersion(c, q, record.id(), current);
                return new Written<>(w.currentMod(c, q, record.id()), derived);
            }));
        } catch (SQLException e) {
            throw Faults.ofRecord(dialect, e, "update in " + t.name(), t.name(), record.id());
        }
    }

    Written<Void> delete(TableSql q, Instant lastSeen, String id) throws EsaException {
        Table t = q.table();
        Column sd = t.softDelete();
        boolean triggers = t.userTriggers().contains(sd == null ? "DELETE" : "UPDATE");
        try {
            return Deadlocks.retry(dialect, () -> w.inTransaction(c -> {
                Instant current = lockAndCheck(c, q, id, lastSeen);
                if (current == null) {
                    return new Written<Void>(null, false);
                }
                boolean cascades = sd == null && w.referenced(c, q, id);
                LockedRow.delete(c, q, id, queryTimeout);
                if (sd != null) {
                    stampVersion(c, q, id, current);
                }
                return new Written<Void>(null, triggers || cascades);
            }));
        } catch (SQLException e) {
            throw Faults.ofRecord(dialect, e, "delete in " + t.name(), t.name(), id);
        }
    }

    /** Locks the live row; null when there is none, else its modification time, refused when after last-seen. */
    private Instant lockAndCheck(Connection c, TableSql q, String id, Instant lastSeen)
            throws SQLException, EsaException {
        if (!LockedRow.lock(c, q, id, queryTimeout)) {
            return null;
        }
        Instant current = w.currentMod(c, q, id);
        LockedRow.check(q, id, current, lastSeen);
        return current;
    }

    private void stampVersion(Connection c, TableSql q, String id, Instant previous)
            throws SQLException, EsaException {
        Instant next = previous.truncatedTo(ChronoUnit.MILLIS).plus(1001, ChronoUnit.MICROS);
        Instant now = w.stamp(c);
        Instant value = now.isAfter(next) ? now : next;
        try (PreparedStatement ps = c.prepareStatement(q.stampVersion())) {
            ValueCodec.bindInstant(ps, q.mapper().bindId(ps, 1, id), value);
            ps.executeUpdate();
        } catch (ValueCodec.BadValueException e) {
            throw new EsaRecordException(ErrorCode.INVALID_VALUE, e.getMessage(), q.table().name(), id, null);
        }
    }
}
