package org.esabridge.jdbc.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.jdbc.catalog.Catalog;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.IdWhiteSpace;
import org.esabridge.jdbc.catalog.RecordMapper;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.dialect.DatabaseClock;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;
import org.esabridge.jdbc.dialect.Faults;

/**
 * {@code create}, {@code update} and {@code delete}. The {@code last-seen} check and the write are one
 * conditional statement ({@code … WHERE id = ? AND mod < ?}, see {@link LastSeen}), so no other writer can
 * slip between them; when it touches no row, a read in the same transaction tells a missing record from a
 * modified one.
 *
 * <p>The adapter stamps the modification column itself rather than relying on {@code ON UPDATE
 * CURRENT_TIMESTAMP}: {@code GREATEST(now, floorMs(old) + step)}, where the step passes the next millisecond
 * boundary (and, for microsecond columns, avoids landing on a whole millisecond), so that every write makes
 * the value grow visibly even to a host that keeps milliseconds only. The stored value is read back in the
 * same transaction and returned: that is exactly what {@code getModified} shows, whatever the column's
 * precision.
 *
 * <p>{@link Written#othersChanged()} (→ {@code needSyncAgain}) is decided from the catalog and, for cascades,
 * from the data: a delete whose row is referenced through an ON DELETE CASCADE/SET NULL/SET DEFAULT key
 * changes the referring rows (checked with an EXISTS query in the transaction, before the delete); a user
 * trigger on the written event may change anything, so its presence alone counts; so do computed columns and
 * further ON UPDATE columns, which change the record beyond what the host sent. Affected-row counts cannot
 * tell: they count the addressed row only, never rows changed by triggers or cascades.
 */
public final class RecordWriter {
    private final DataSource ds;
    private final Dialect dialect;
    private final DatabaseClock clock;
    private final int queryTimeout;
    private final String registerWriter;
    private final VersionedWriter versioned;
    private final IndexStampedWriter indexStamped;
    private volatile Runnable afterStamp = () -> {
    };

    /**
     * @param stamps   the change index's stamps for tables stamped by it (binlog capture), null while no binlog
     *                 reader runs
     * @param poolSize the connections of {@code ds}
     */
    public RecordWriter(DataSource ds, Dialect dialect, StateTables state, DatabaseClock clock, int queryTimeout,
                        java.util.function.Supplier<CommitStamps> stamps, int poolSize) {
        this.ds = ds;
        this.dialect = dialect;
        this.registerWriter = dialect.registerWriterSql(state.schemaVersion());
        this.clock = clock;
        this.queryTimeout = queryTimeout;
        this.versioned = new VersionedWriter(this, dialect, queryTimeout);
        this.indexStamped = new IndexStampedWriter(this, dialect, clock, queryTimeout, stamps, poolSize);
    }

    public Written<ExternalRecord> create(TableSql q, ExternalRecord record) throws EsaException {
        Table t = q.table();
        requireWritable(t, record.id());
        List<Column> cols = writableColumns(t, record);
        boolean givenId = record.id() != null;
        if (givenId) {
            checkId(t, record.id());
            if (org.esabridge.api.ControlCharacters.anyIn(record.id())) {
                // Looked up, an id may hold anything its columns can; stored anew, it is a value like any other.
                throw new EsaRecordException(ErrorCode.INVALID_VALUE, "the id holds a control character", t.name(),
                        null, null);
            }
            String lost = IdWhiteSpace.lost(t, record.id());
            if (lost != null) {
                // Stored, the row could never be named to the host: readers trim ids (esa-protocol.md §5).
                throw new EsaRecordException(ErrorCode.INVALID_VALUE, "the id has " + lost + ", which readers trim"
                        + " away and the id column does not ignore", t.name(), null, null);
            }
        }
        Column generatedId = null;
        if (!givenId) {
            if (t.idColumns().size() != 1 || !t.idColumns().get(0).autoIncrement()) {
                throw new EsaRecordException(ErrorCode.INVALID_VALUE, "structure " + t.name()
                        + " does not generate ids: the record needs an id", t.name(), null, null);
            }
            generatedId = t.idColumns().get(0);
        }
        RecordMapper m = q.mapper();
        StringBuilder names = new StringBuilder();
        StringBuilder values = new StringBuilder();
        if (givenId) {
            for (Column c : t.idColumns()) {
                names.append(dialect.quote(c.name())).append(", ");
                values.append("?, ");
            }
        }
        for (Column c : cols) {
            names.append(dialect.quote(c.name())).append(", ");
            values.append("?, ");
        }
        boolean versioned = t.checkedUnderLock();
        CommitStamps stamps = t.indexStamped() ? indexStamped.stamps(t) : null;
        IndexStampedWriter.Mark[] mark = new IndexStampedWriter.Mark[1];
        if (versioned) {
            // The version table's AFTER INSERT trigger stamps the new row; the change index stamps it after the commit.
            names.setLength(Math.max(0, names.length() - 2));
            values.setLength(Math.max(0, values.length() - 2));
        } else {
            names.append(dialect.quote(t.modColumn().name()));
            values.append(dialect.timestampParameter());
        }
        String sql = "INSERT INTO " + m.tableName() + " (" + names + ") VALUES (" + values + ")";
        Column genId = generatedId;
        Written<ExternalRecord> written;
        try {
            written = Deadlocks.retry(dialect, () -> inTransaction(c -> {
                Instant now = stamp(c);
                String id;
                try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
                    ps.setQueryTimeout(queryTimeout);
                    int i = givenId ? m.bindId(ps, 1, record.id()) : 1;
                    i = bindFields(ps, i, m, cols, record);
                    if (!versioned) {
                        m.bindMod(ps, i, now);
                    }
                    ps.executeUpdate();
                    if (givenId) {
                        id = record.id();
                    } else {
                        try (ResultSet keys = ps.getGeneratedKeys()) {
                            keys.next();
                            id = keys.getString(1);
                        }
                    }
                } catch (ValueCodec.BadValueException e) {
                    throw new EsaRecordException(ErrorCode.INVALID_VALUE, e.getMessage(), t.name(), record.id(), null);
                }
                ExternalRecord stored = readInTx(c, q, id);
                if (stored == null) {
                    // Only possible when the given id's text differs from its stored form (e.g. "007" for 7).
                    throw new EsaRecordException(ErrorCode.INVALID_VALUE, "the id " + Catalog.quoteForMessage(id)
                            + " is not in the canonical form of its column", t.name(), id, null);
                }
                if (stamps != null) {
                    mark[0] = indexStamped.mark(c, stamps);
                }
                return new Written<>(stored, t.userTriggers().contains("INSERT"));
            }));
        } catch (SQLException e) {
            throw Faults.ofRecord(dialect, e, "create in " + t.name(), t.name(), record.id());
        }
        if (stamps == null) {
            return written;
        }
        ExternalRecord stored = written.value();
        return new Written<>(new ExternalRecord(stored.id(), indexStamped.after(q, stored.id(), mark[0], stamps),
                stored.fields()), written.othersChanged());
    }

    public Written<Instant> update(TableSql q, Instant lastSeen, ExternalRecord record) throws EsaException {
        Table t = q.table();
        requireWritable(t, record.id());
        if (record.id() == null) {
            throw new EsaRecordException(ErrorCode.INVALID_VALUE, "update needs the record's id", t.name(), null, null);
        }
        List<Column> cols = writableColumns(t, record);
        checkId(t, record.id());
        RecordMapper m = q.mapper();
        boolean derived = t.userTriggers().contains("UPDATE") || t.hasGenerated()
                || t.fieldColumns().stream().anyMatch(Column::onUpdateNow);
        if (t.indexStamped()) {
            return indexStamped.update(q, cols, lastSeen, record, derived);
        }
        if (t.versionTable() != null) {
            return versioned.update(q, cols, lastSeen, record, derived);
        }
        StringBuilder set = new StringBuilder();
        for (Column c : cols) {
            set.append(m.target(c)).append(" = ?, ");
        }
        String sql = "UPDATE " + m.from() + " SET " + set + q.stampAndCheck();
        try {
            return Deadlocks.retry(dialect, () -> inTransaction(c -> {
                Instant now = stamp(c);
                int n;
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setQueryTimeout(queryTimeout);
                    int i = bindFields(ps, 1, m, cols, record);
                    m.bindMod(ps, i++, now);
                    i = m.bindId(ps, i, record.id());
                    m.bindMod(ps, i, LastSeen.exclusiveBound(lastSeen));
                    n = ps.executeUpdate();
                } catch (ValueCodec.BadValueException e) {
                    throw new EsaRecordException(ErrorCode.INVALID_VALUE, e.getMessage(), t.name(), record.id(), null);
                }
                Instant current = currentMod(c, q, record.id());
                if (n == 0) {
                    throw current == null ? notFound(t, record.id()) : modified(t, record.id(), current);
                }
                return new Written<>(current, derived);
            }));
        } catch (SQLException e) {
            throw Faults.ofRecord(dialect, e, "update in " + t.name(), t.name(), record.id());
        }
    }

    /** Deletes (or soft-deletes); a record that does not exist counts as deleted. */
    public Written<Void> delete(TableSql q, Instant lastSeen, String id) throws EsaException {
        Table t = q.table();
        requireWritable(t, id);
        if (id == null) {
            throw new EsaRecordException(ErrorCode.INVALID_VALUE, "delete needs an id", t.name(), null, null);
        }
        checkId(t, id);
        RecordMapper m = q.mapper();
        Column sd = t.softDelete();
        if (t.indexStamped()) {
            return indexStamped.delete(q, lastSeen, id);
        }
        if (t.versionTable() != null) {
            return versioned.delete(q, lastSeen, id);
        }
        boolean triggers = t.userTriggers().contains(sd == null ? "DELETE" : "UPDATE");
        try {
            return Deadlocks.retry(dialect, () -> inTransaction(c -> {
                boolean cascades = sd == null && referenced(c, q, id);
                int n;
                try (PreparedStatement ps = c.prepareStatement(q.delete())) {
                    ps.setQueryTimeout(queryTimeout);
                    int i = 1;
                    if (sd != null) {
                        m.bindMod(ps, i++, stamp(c));
                    }
                    i = m.bindId(ps, i, id);
                    m.bindMod(ps, i, LastSeen.exclusiveBound(lastSeen));
                    n = ps.executeUpdate();
                } catch (ValueCodec.BadValueException e) {
                    throw new EsaRecordException(ErrorCode.INVALID_VALUE, e.getMessage(), t.name(), id, null);
                }
                if (n == 0) {
                    Instant current = currentMod(c, q, id);
                    if (current != null) {
                        throw modified(t, id, current);
                    }
                    return new Written<Void>(null, false);
                }
                return new Written<Void>(null, triggers || cascades);
            }));
        } catch (SQLException e) {
            throw Faults.ofRecord(dialect, e, "delete in " + t.name(), t.name(), id);
        }
    }

    // --- pieces ---

    interface TxWork<T> {
        T run(Connection c) throws SQLException, EsaException;
    }

    <T> T inTransaction(TxWork<T> work) throws SQLException, EsaException {
        try (Connection c = ds.getConnection()) {
            return inTransaction(c, work);
        }
    }

    /** {@link #inTransaction} at READ COMMITTED: each read sees what committed before it (IndexStampedWriter). */
    <T> T inReadCommitted(TxWork<T> work) throws SQLException, EsaException {
        try (Connection c = ds.getConnection()) {
            int isolation = c.getTransactionIsolation();
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            try {
                return inTransaction(c, work);
            } finally {
                c.setTransactionIsolation(isolation);
            }
        }
    }

    private static <T> T inTransaction(Connection c, TxWork<T> work) throws SQLException, EsaException {
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | EsaException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** A connection of the pool, for a read after a write's commit. */
    Connection connection() throws SQLException {
        return ds.getConnection();
    }

    /**
     * Call inside the write's transaction. The database's clock to the microsecond, moved off a whole millisecond (see {@link LastSeen}): a
     * {@code last-seen} that is a whole millisecond then always means "the host truncated".
     */
    Instant stamp(Connection c) throws SQLException {
        // Other hosts' reads must see this transaction as open from before its time is taken (Watermark).
        try (PreparedStatement ps = c.prepareStatement(registerWriter);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
        }
        Instant now = clock.now(c);
        afterStamp.run();
        return now.getNano() % 1_000_000 == 0 ? now.plus(1, ChronoUnit.MICROS) : now;
    }

    /**
     * Runs {@code hook} on the writing thread each time a write has taken its stamp and before the statement
     * that stores it: the seam where tests hold a write (a GC pause, a starved core) to show that another host
     * still gets it. Not for production use.
     */
    public void afterStamp(Runnable hook) {
        this.afterStamp = hook;
    }

    /** The current modification time of a live row, or null when there is none. */
    Instant currentMod(Connection c, TableSql q, String id) throws SQLException, EsaException {
        RecordMapper m = q.mapper();
        try (PreparedStatement ps = c.prepareStatement(q.currentMod())) {
            m.bindId(ps, 1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Instant mod = m.readMod(rs, 1);
                return mod == null ? Instant.EPOCH : mod;
            }
        } catch (ValueCodec.BadValueException e) {
            throw new EsaRecordException(ErrorCode.INVALID_VALUE, e.getMessage(), m.table().name(), id, null);
        }
    }

    private ExternalRecord readInTx(Connection c, TableSql q, String id) throws SQLException, EsaException {
        RecordMapper m = q.mapper();
        try (PreparedStatement ps = c.prepareStatement(q.readAny())) {
            m.bindId(ps, 1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? m.map(rs) : null;
            }
        } catch (ValueCodec.BadValueException e) {
            throw new EsaRecordException(ErrorCode.INVALID_VALUE, e.getMessage(), m.table().name(), id, null);
        }
    }

    /** Whether a row of another table refers to this one through a key whose delete rule changes it. */
    boolean referenced(Connection c, TableSql q, String id) throws SQLException, EsaException {
        for (String sql : q.referenced()) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                q.mapper().bindId(ps, 1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return true;
                    }
                }
            } catch (ValueCodec.BadValueException e) {
                throw new EsaRecordException(ErrorCode.INVALID_VALUE, e.getMessage(), q.table().name(), id, null);
            }
        }
        return false;
    }

    private static void requireWritable(Table t, String id) throws EsaRecordException {
        if (!t.writable()) {
            throw new EsaRecordException(ErrorCode.READ_ONLY, "structure " + t.name() + " is read-only", t.name(), id, null);
        }
    }

    /**
     * The columns a write sets, in record order; unknown and read-only fields are refused, and so are values
     * that cannot fit their column ({@link ValueCodec#check}), before any connection is taken.
     */
    private List<Column> writableColumns(Table t, ExternalRecord record) throws EsaRecordException {
        List<Column> cols = new ArrayList<>();
        for (FieldValue f : record.fields()) {
            Column c = t.fieldColumn(f.name());
            if (c == null) {
                throw new EsaRecordException(ErrorCode.UNKNOWN_FIELD, "structure " + t.name() + " has no field "
                        + Catalog.quoteForMessage(f.name()), t.name(), record.id(), null);
            }
            if (t.readOnlyColumns().contains(c.name())) {
                throw new EsaRecordException(ErrorCode.READ_ONLY, "field " + c.name() + " of structure " + t.name()
                        + " is read-only", t.name(), record.id(), null);
            }
            if (cols.contains(c)) {
                throw new EsaRecordException(ErrorCode.INVALID_VALUE, "field " + c.name() + " is given twice",
                        t.name(), record.id(), null);
            }
            try {
                dialect.values().check(c, t.kind(c), f.text());
            } catch (ValueCodec.BadValueException e) {
                throw new EsaRecordException(ErrorCode.INVALID_VALUE, e.getMessage(), t.name(), record.id(), null);
            }
            cols.add(c);
        }
        return cols;
    }

    /** {@link RecordMapper#checkId}, as the write's fault. */
    private void checkId(Table t, String id) throws EsaRecordException {
        try {
            RecordMapper.checkId(dialect.values(), t, id);
        } catch (ValueCodec.BadValueException e) {
            throw new EsaRecordException(ErrorCode.INVALID_VALUE, e.getMessage(), t.name(), id, null);
        }
    }

    static int bindFields(PreparedStatement ps, int first, RecordMapper m, List<Column> cols, ExternalRecord record)
            throws SQLException, ValueCodec.BadValueException {
        int i = first;
        for (Column c : cols) {
            m.values().bind(ps, i++, c, m.table().kind(c), record.field(c.name()).text());
        }
        return i;
    }

    static EsaRecordException notFound(Table t, String id) {
        return new EsaRecordException(ErrorCode.RECORD_NOT_FOUND, "record " + Catalog.quoteForMessage(id)
                + " of structure " + t.name() + " does not exist", t.name(), id, null);
    }

    static EsaRecordException modified(Table t, String id, Instant current) {
        return new EsaRecordException(ErrorCode.RECORD_MODIFIED, "record " + Catalog.quoteForMessage(id)
                + " of structure " + t.name() + " changed after last-seen", t.name(), id, current);
    }
}
