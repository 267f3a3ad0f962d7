package org.esabridge.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.StringJoiner;
import javax.sql.DataSource;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.jdbc.catalog.Catalog;
import org.esabridge.jdbc.catalog.RecordMapper;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.changes.ChangeQueries;
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

    ExternalRecord read(Table t, String id) throws EsaException {
        if (id == null) {
            throw new EsaException(ErrorCode.INVALID_VALUE, "read needs an id");
        }
        RecordMapper m = new RecordMapper(t, dialect);
        try {
            m.checkId(id);
        } catch (ValueCodec.BadValueException e) {
            throw new EsaRecordException(ErrorCode.INVALID_VALUE, e.getMessage(), t.name(), id, null);
        }
        String sql = "SELECT " + m.selectList() + " FROM " + m.from() + " WHERE " + m.idWhere()
                + new ChangeQueries(m, dialect).live(t, true);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
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
    long countRange(Table t, String minId, String maxId) throws EsaException {
        if (minId == null || maxId == null) {
            throw new EsaException(ErrorCode.INVALID_VALUE, "countRange needs min-id and max-id");
        }
        RecordMapper m = new RecordMapper(t, dialect);
        try {
            m.checkId(minId);
            m.checkId(maxId);
        } catch (ValueCodec.BadValueException e) {
            throw new EsaException(ErrorCode.INVALID_VALUE, e.getMessage());
        }
        StringJoiner params = new StringJoiner(", ", "(", ")");
        for (int i = 0; i < t.idColumns().size(); i++) {
            params.add("?");
        }
        String key = "(" + m.idOrder() + ")";
        String sql = "SELECT COUNT(*) FROM " + m.from() + " WHERE " + key + " >= " + params + " AND " + key + " <= "
                + params + new ChangeQueries(m, dialect).live(t, true);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
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
