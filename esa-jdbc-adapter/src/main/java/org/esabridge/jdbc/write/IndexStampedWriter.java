package org.esabridge.jdbc.write;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.RecordMapper;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.dialect.DatabaseClock;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.Faults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to a table whose modification time is the change index's stamp of the row's latest change (log
 * capture, no modification column: {@link Table#indexStamped()}). The stamp is given by the log reader after the
 * commit, so neither the check nor the new time can be part of the write's statement:
 *
 * <ul>
 *   <li>The check: the row is locked first ({@code SELECT … FOR UPDATE}), then the reader is fenced
 *       ({@link CommitStamps#reachPresent}). Every change of the row committed before the lock is then in the index, and
 *       none can commit until this transaction ends; the row's stamp read now (READ COMMITTED, so the read sees the
 *       fence's batch) is compared with last-seen as for any table ({@link LastSeen}).</li>
 *   <li>The new time: a fence marker inserted in the write's own transaction commits with it, so the reader stamps
 *       the marker and the row's entry in one batch; waiting for the marker gives the write's stamp F exactly. The
 *       answer is {@code min(E, F)} with E the row's stamp read after that: E = F when nothing happened since, E &lt; F
 *       when the write changed no value (no row event, the row keeps its older stamp), E &gt; F when another writer
 *       changed the row since, which a last-seen of F then rightly refuses.</li>
 * </ul>
 * The check's fence takes a second connection of the pool while the write's holds the row: at most half the pool's
 * connections are held so at once ({@code holding}), and every other call holds one connection at a time, so the
 * fences always get theirs (a full pool of such writes would otherwise wait for each other until the pool's time-out).
 *
 * <p>Without a reader (none running, or not reaching the marker in time) the write is still committed and answers the
 * database's time taken inside its transaction: earlier than its stamp, so the next conditional write is refused
 * once (RECORD_MODIFIED; the host reads the record again) rather than ever accepted wrongly.
 */
final class IndexStampedWriter {
    private static final Logger LOG = LoggerFactory.getLogger(IndexStampedWriter.class);

    private final RecordWriter w;
    private final Dialect dialect;
    private final DatabaseClock clock;
    private final int queryTimeout;
    private final Supplier<CommitStamps> stamps;
    private final java.util.concurrent.Semaphore holding;

    IndexStampedWriter(RecordWriter w, Dialect dialect, DatabaseClock clock, int queryTimeout,
                       Supplier<CommitStamps> stamps, int poolSize) {
        this.holding = new java.util.concurrent.Semaphore(Math.max(1, poolSize / 2), true);
        this.w = w;
        this.dialect = dialect;
        this.clock = clock;
        this.queryTimeout = queryTimeout;
        this.stamps = stamps;
    }

    /** What a committed write leaves for {@link #after}: its marker and the database's time inside it. */
    record Mark(long marker, Instant floor) {
    }

    /** The stamps, or DATABASE_UNAVAILABLE when no log reader runs here. */
    CommitStamps stamps(Table t) throws EsaException {
        CommitStamps s = stamps.get();
        if (s == null) {
            throw new EsaException(ErrorCode.DATABASE_UNAVAILABLE, "structure " + t.name() + " takes its modification"
                    + " times from the change index of the database's log, and no log reader is running");
        }
        return s;
    }

    /** Inside the write's transaction, after its statement: the marker that dates it. */
    Mark mark(Connection c, CommitStamps s) throws SQLException {
        long marker = s.mark(c);
        return new Mark(marker, clock.now(c));
    }

    /** After the commit: the row's modification time as the index gives it (see the class comment). */
    Instant after(TableSql q, String id, Mark mark, CommitStamps s) throws EsaException {
        Instant f;
        try {
            f = s.stampOf(mark.marker());
        } catch (EsaException e) {
            LOG.warn("the write to {} is committed, but its stamp was not known within the fence timeout ({}); it is"
                    + " answered with an earlier time, so the host's next write of the record is refused once", q.table()
                    .name(), e.getMessage());
            return mark.floor();
        }
        Instant e;
        try (Connection c = w.connection()) {
            e = w.currentMod(c, q, id);
        } catch (SQLException ex) {
            throw Faults.ofRecord(dialect, ex, "reading the stamp of " + q.table().name(), q.table().name(), id);
        }
        return e == null || e.isAfter(f) ? f : e;
    }

    Written<Instant> update(TableSql q, List<Column> cols, Instant lastSeen, ExternalRecord record, boolean derived)
            throws EsaException {
        Table t = q.table();
        CommitStamps s = stamps(t);
        RecordMapper m = q.mapper();
        StringBuilder set = new StringBuilder();
        for (Column c : cols) {
            set.append(set.length() == 0 ? "" : ", ").append(m.target(c)).append(" = ?");
        }
        String sql = "UPDATE " + m.tableName() + " t SET " + set + " WHERE " + m.idWhere();
        Mark mark;
        acquire(t);
        try {
            mark = Deadlocks.retry(dialect, () -> w.inReadCommitted(c -> {
                if (!lockAndCheck(c, q, record.id(), lastSeen, s)) {
                    throw RecordWriter.notFound(t, record.id());
                }
                if (!cols.isEmpty()) {
                    LockedRow.update(c, sql, q, cols, record, queryTimeout);
                }
                return mark(c, s);
            }));
        } catch (SQLException e) {
            throw Faults.ofRecord(dialect, e, "update in " + t.name(), t.name(), record.id());
        } finally {
            holding.release();
        }
        return new Written<>(after(q, record.id(), mark, s), derived);
    }

    Written<Void> delete(TableSql q, Instant lastSeen, String id) throws EsaException {
        Table t = q.table();
        CommitStamps s = stamps(t);
        Column sd = t.softDelete();
        boolean triggers = t.userTriggers().contains(sd == null ? "DELETE" : "UPDATE");
        acquire(t);
        try {
            return Deadlocks.retry(dialect, () -> w.inReadCommitted(c -> {
                if (!lockAndCheck(c, q, id, lastSeen, s)) {
                    return new Written<Void>(null, false);
                }
                boolean cascades = sd == null && w.referenced(c, q, id);
                LockedRow.delete(c, q, id, queryTimeout);
                return new Written<Void>(null, triggers || cascades);
            }));
        } catch (SQLException e) {
            throw Faults.ofRecord(dialect, e, "delete in " + t.name(), t.name(), id);
        } finally {
            holding.release();
        }
    }

    private void acquire(Table t) throws EsaException {
        try {
            holding.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EsaException(ErrorCode.DATABASE_UNAVAILABLE, "write to " + t.name() + " interrupted");
        }
    }

    /**
     * Locks the live row (false when there is none), fences the reader, and refuses the write when the row's stamp
     * is after last-seen.
     */
    private boolean lockAndCheck(Connection c, TableSql q, String id, Instant lastSeen, CommitStamps s)
            throws SQLException, EsaException {
        if (!LockedRow.lock(c, q, id, queryTimeout)) {
            return false;
        }
        s.reachPresent();
        LockedRow.check(q, id, w.currentMod(c, q, id), lastSeen);
        return true;
    }
}
