package org.esabridge.jdbc.changes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The no-missed-change guarantee (design.md, promise 1).
 *
 * <h2>The problem</h2>
 * A row is stamped with the time of the statement that wrote it (T1) but becomes visible only when its
 * transaction commits (T2). A read between T1 and T2 cannot see it; the host's next {@code after} is the
 * time it got before that read, later than T1, so a plain {@code mod > after} never returns the row. The
 * same holds for tombstones ({@code deleted_at} is stamped by the trigger, inside the deleting transaction).
 *
 * <h2>The mechanism</h2>
 * <ol>
 *   <li>Before every read that serves changes ({@code getModified}, {@code getDeleted}, opening a cursor) and
 *       before its snapshot, one row goes into {@code esa_watermark}: {@code read_at} = the database's
 *       clock ({@link Dialect#now()}), {@code low} = the earliest stamp a change this read cannot see may carry.
 *       That is the start of the oldest open InnoDB transaction other than ours
 *       ({@code information_schema.INNODB_TRX}), or {@code read_at} when there is none, minus a margin (below).
 *       Every open transaction counts, whether it has written, locked or only read, and so does every running
 *       statement ({@code information_schema.PROCESSLIST}): a statement fixes its stamp when it starts, and
 *       InnoDB may hear of it only seconds later (a constant subquery is evaluated while the statement is
 *       optimised). The price: a long report holds the watermark back, which costs duplicates, never misses.</li>
 *   <li>A read with {@code after = A} reads from {@code min(A, min{low : read_at >= A})} instead: any read at
 *       or after A may have been the host's previous one, and each of them knew how far back an invisible
 *       change could lie. So the row stamped T1 whose transaction was open during the previous read is
 *       returned by the next one. The price is duplicates (rows the host already has), bounded by the age of
 *       the oldest writing transaction; the protocol allows them, misses it does not.</li>
 *   <li>A cursor records the widened after it used ({@code esa_cursor.after}).</li>
 *   <li>Rows older than the tombstone retention are pruned: a host that did not sync for that long is asked
 *       to compare ids anyway.</li>
 * </ol>
 *
 * <p>{@code trx_started} is the server's <i>system</i> local time with second precision (whatever the session
 * time zone), so its age is measured against {@code CONVERT_TZ(UTC_TIMESTAMP, '+00:00', 'SYSTEM')} and
 * applied to {@code UTC_TIMESTAMP}; one second is added for the truncation, one more because InnoDB
 * registers a transaction when it first touches a table, a little after the statement fixed its
 * {@code CURRENT_TIMESTAMP}. A modification column with fewer than six fractional digits loses up to one unit
 * of its precision when it is stored: the read reaches back that much further too.
 *
 * <h2>A stale INNODB_TRX</h2>
 * InnoDB serves {@code INNODB_TRX} from a cache that it refreshes only when it was not read for 100 ms, so
 * sessions that read it less than 100 ms apart (another structure's sync, another node, a monitoring tool) can
 * keep it frozen for as long as they like, and a transaction that began meanwhile is not listed. The watermark
 * therefore writes its own row first and reads the list in that same transaction: when its own transaction is
 * listed, the list is younger than it, and every transaction that began earlier and is still open is there.
 * When it is not, the read waits once for the cache to expire and looks again; still stale, this read falls
 * back to the fixed lag below (counted in {@link #staleReads()}, with a WARN at most every ten minutes).
 *
 * <p>The adapter's own writes register their transaction with InnoDB ({@link Dialect#registerWriterSql()})
 * before they take their time, so a pause between the two (a collection, a starved core) cannot hide them.
 *
 * <h2>Privileges and fallback</h2>
 * {@code INNODB_TRX} needs the global PROCESS privilege. Without it (checked at start, and again whenever
 * the query is refused) the adapter logs one WARN and uses {@code low = read_at - watermark-fallback-lag-seconds}
 * (default 300): complete as long as no writing transaction stays open longer than that lag.
 *
 * <p>The statements are the dialect's ({@link Dialect#openTransactionsSql()} and its neighbours); what is said
 * here of InnoDB is what {@link org.esabridge.jdbc.mariadb.MariaDbDialect} relies on.
 *
 * <h2>What it does not cover</h2>
 * Rows written with an explicit, older modification time; a statement that waited more than a second for a
 * metadata lock (DDL) after fixing its timestamp and before InnoDB saw it; transactions open across a
 * daylight-saving fall-back of the server's system time zone (run MariaDB with a UTC system zone); open
 * transactions of other Galera nodes (INNODB_TRX is local to a node) and clocks of nodes that disagree by more
 * than the margin. Binlog capture ({@code change-capture=binlog}) has none of these limits.
 */
public final class Watermark {
    private static final Logger LOG = LoggerFactory.getLogger(Watermark.class);

    /** How {@code low} is found. */
    public enum Mode {
        /** From {@code information_schema.INNODB_TRX} (needs PROCESS). */
        OPEN_TRANSACTIONS,
        /** {@code read_at} minus the configured lag. */
        FIXED_LAG,
        /** No watermark: the naive read, for tests that show what it misses. */
        OFF
    }

    private static final long CACHE_REFRESH_MILLIS = 110;
    private static final long STALE_WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final Dialect dialect;
    private final String table;
    private final AtomicLong staleReads = new AtomicLong();
    private final AtomicLong lastStaleWarning = new AtomicLong();
    private final String widenSql;
    private final String pruneSql;
    private final int lagSeconds;
    private final int queryTimeout;
    private volatile Mode mode;

    /**
     * A watermark that uses INNODB_TRX until {@link #detect} finds otherwise.
     *
     * @param lagSeconds how far back to read without the PROCESS privilege
     */
    public Watermark(Dialect dialect, int lagSeconds, int queryTimeout) {
        this(dialect, StateTables.inConnectionSchema(dialect), lagSeconds, queryTimeout);
    }

    /** {@link #Watermark(Dialect, int, int)} keeping its rows in {@code state}'s {@code esa_watermark}. */
    public Watermark(Dialect dialect, StateTables state, int lagSeconds, int queryTimeout) {
        this.dialect = dialect;
        this.table = state.watermark();
        this.widenSql = "SELECT MIN(low) FROM " + table + " WHERE read_at >= " + dialect.timestampParameter();
        this.pruneSql = "DELETE FROM " + table + " WHERE read_at < "
                + dialect.minus(dialect.now(), "?", ChronoUnit.DAYS);
        this.mode = Mode.OPEN_TRANSACTIONS;
        this.lagSeconds = lagSeconds;
        this.queryTimeout = queryTimeout;
    }

    /** Uses INNODB_TRX when this connection's user may read it, else the fixed lag (with a WARN). */
    public void detect(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.openTransactionsSql());
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            mode = Mode.OPEN_TRANSACTIONS;
        } catch (SQLException e) {
            if (!dialect.isMissingPrivilege(e)) {
                throw e;
            }
            warnFallback(dialect, lagSeconds);
            mode = Mode.FIXED_LAG;
        }
    }

    /** Chooses the mode instead of detecting it: for tests. */
    public void force(Mode forced) {
        this.mode = forced;
    }

    private static void warnFallback(Dialect dialect, int lagSeconds) {
        LOG.warn("the database user lacks the {} privilege, so other sessions' open transactions cannot be seen;"
                + " changes are re-read {} s back (watermark-fallback-lag-seconds), and a writing transaction open"
                + " longer than that may be missed. {} to remove the limit", dialect.openTransactionsPrivilege(),
                lagSeconds, dialect.openTransactionsGrant());
    }

    public Mode mode() {
        return mode;
    }

    /**
     * Widens {@code after} by the watermarks of earlier reads, then records this read. Call on a connection in
     * auto-commit mode, before the read's snapshot begins: a transaction that starts writing after the record
     * stamps its rows later than the recorded {@code low}.
     *
     * @param stampColumn the column the read compares with {@code after}: one with fewer than six fractional
     *                    digits widens the read by the precision it loses when a stamp is stored
     * @return the after to read from, never later than {@code after}
     */
    public Instant beforeRead(Connection c, Instant after, Column stampColumn) throws SQLException {
        Mode m = mode;
        if (m == Mode.OFF) {
            return after;
        }
        Instant effective = widen(c, after).minus(storageLoss(stampColumn));
        record(c, m);
        return effective.isBefore(Instant.EPOCH) ? Instant.EPOCH : effective;
    }

    /** The largest amount by which a stamp stored in the column can be earlier than the time it was taken. */
    static Duration storageLoss(Column stampColumn) {
        if (stampColumn == null || stampColumn.fsp() >= 6) {
            return Duration.ZERO;
        }
        long lossMicros = 1;
        for (int i = stampColumn.fsp(); i < 6; i++) {
            lossMicros *= 10;
        }
        return Duration.of(lossMicros, ChronoUnit.MICROS);
    }

    private Instant widen(Connection c, Instant after) throws SQLException {
        if (!after.isAfter(Instant.EPOCH)) {
            return after;
        }
        try (PreparedStatement ps = c.prepareStatement(widenSql)) {
            ps.setQueryTimeout(queryTimeout);
            ValueCodec.bindInstant(ps, 1, after);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                LocalDateTime low = rs.getObject(1, LocalDateTime.class);
                if (low == null) {
                    return after;
                }
                Instant l = low.toInstant(ZoneOffset.UTC);
                return l.isBefore(after) ? l : after;
            }
        }
    }

    private void record(Connection c, Mode m) throws SQLException {
        if (m == Mode.OPEN_TRANSACTIONS) {
            try {
                recordOpenTransactions(c);
                return;
            } catch (SQLException e) {
                if (!dialect.isMissingPrivilege(e)) {
                    throw e;
                }
                // The privilege was revoked while running.
                mode = Mode.FIXED_LAG;
                warnFallback(dialect, lagSeconds);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(dialect.recordLaggedWatermarkSql(table))) {
            ps.setQueryTimeout(queryTimeout);
            ps.setInt(1, lagSeconds);
            ps.executeUpdate();
        }
    }

    private void recordOpenTransactions(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try {
            long seq;
            try (PreparedStatement ps = c.prepareStatement(dialect.insertWatermarkSql(table), Statement.RETURN_GENERATED_KEYS)) {
                ps.setQueryTimeout(queryTimeout);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    seq = keys.getLong(1);
                }
            }
            long backSeconds = openTransactionsReach(c);
            try (PreparedStatement ps = c.prepareStatement(dialect.setWatermarkLowSql(table))) {
                ps.setQueryTimeout(queryTimeout);
                ps.setLong(1, backSeconds);
                ps.setLong(2, seq);
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** How many seconds before read_at an invisible change may be stamped, from the list of open transactions. */
    private long openTransactionsReach(Connection c) throws SQLException {
        for (int look = 0; look < 2; look++) {
            if (look > 0) {
                pauseForCacheRefresh();
            }
            try (PreparedStatement ps = c.prepareStatement(dialect.openTransactionsSql())) {
                ps.setQueryTimeout(queryTimeout);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        long age = rs.getLong(2);
                        return rs.wasNull() ? 1 : age + 2;
                    }
                }
            }
        }
        staleReads.incrementAndGet();
        long now = System.nanoTime();
        long last = lastStaleWarning.get();
        if ((last == 0 || now - last > STALE_WARNING_INTERVAL_NANOS) && lastStaleWarning.compareAndSet(last, now)) {
            LOG.warn("the list of open transactions stayed incomplete (MariaDB: INNODB_TRX read by other sessions less than"
                    + " 100 ms apart; PostgreSQL: a prepared transaction, or one no session shows), so open transactions"
                    + " could not be seen; changes are re-read {} s back (watermark-fallback-lag-seconds) for such reads",
                    lagSeconds);
        }
        return lagSeconds;
    }

    private static void pauseForCacheRefresh() throws SQLException {
        // InnoDB refreshes the cache for a reader that comes 100 ms after the last one; nothing signals it.
        try {
            Thread.sleep(CACHE_REFRESH_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for INNODB_TRX to refresh", e);
        }
    }

    /** Reads whose list of open transactions stayed stale and that fell back to the fixed lag. */
    public long staleReads() {
        return staleReads.get();
    }

    /** Deletes watermarks older than the tombstone retention. */
    public void prune(Connection c, int retentionDays) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(pruneSql)) {
            ps.setQueryTimeout(queryTimeout);
            ps.setInt(1, retentionDays);
            ps.executeUpdate();
        }
    }
}
