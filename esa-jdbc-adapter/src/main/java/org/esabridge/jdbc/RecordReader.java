package org.esabridge.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.jdbc.catalog.Catalog;
import org.esabridge.jdbc.catalog.RecordMapper;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.Faults;

/** {@code read} and {@code countRange}. */
final class RecordReader {
    private final DataSource ds;
    private final Dialect dialect;
    private final int queryTimeout;

    RecordReader(DataSource ds, Dialect dialect, int queryTimeout) {
        this.ds = ds;
        this.dialect = dialect;
        this.queryTimeout = queryTimeout;
    }

    ExternalRecord read(TableSql q, String id) throws EsaException {
        Table t = q.table();
        if (id == null) {
            throw new EsaException(ErrorCode.INVALID_VALUE, "read needs an id");
        }
        RecordMapper m = q.mapper();
        try {
            m.checkId(id);
        } catch (ValueCodec.BadValueException e) {
            throw new EsaRecordException(ErrorCode.INVALID_VALUE, e.getMessage(), t.name(), id, null);
        }
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(q.read())) {
            ps.setQueryTimeout(queryTimeout);
            m.bindId(ps, 1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new EsaRecordException(ErrorCode.RECORD_NOT_FOUND, "record " + Catalog.quoteForMessage(id)
                            + " of structure " + t.name() + " does not exist", t.name(), id, null);
                }
                return m.map(rs);
            }
        } catch (ValueCodec.BadValueException e) {
            throw new EsaRecordException(ErrorCode.INVALID_VALUE, e.getMessage(), t.name(), id, null);
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "read of " + t.name());
        }
    }

    /**
     * Ids between the bounds, inclusive, compared as the database orders the id columns: numerically for
     * numbers, by the column's collation for text, and column by column (a row comparison) for a composite id.
     */
    long countRange(TableSql q, String minId, String maxId) throws EsaException {
        Table t = q.table();
        if (minId == null || maxId == null) {
            throw new EsaException(ErrorCode.INVALID_VALUE, "countRange needs min-id and max-id");
        }
        RecordMapper m = q.mapper();
        try {
            m.checkId(minId);
            m.checkId(maxId);
        } catch (ValueCodec.BadValueException e) {
            throw new EsaException(ErrorCode.INVALID_VALUE, e.getMessage());
        }
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(q.countRange())) {
            ps.setQueryTimeout(queryTimeout);
            m.bindId(ps, m.bindId(ps, 1, minId), maxId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (ValueCodec.BadValueException e) {
            throw new EsaException(ErrorCode.INVALID_VALUE, e.getMessage());
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "countRange of " + t.name());
        }
    }
}
