package org.esabridge.jdbc.dialect;

import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.esabridge.api.ErrorCode;
import org.esabridge.jdbc.catalog.Table;

/**
 * Everything in the adapter's SQL that is particular to one database, so that a second database can follow
 * MariaDB by implementing this interface. Plain ANSI SQL ({@code SELECT … FROM … WHERE c = ?}, row-value
 * comparisons, {@code COALESCE}, {@code GREATEST}) is written where it is used; whatever else a statement
 * needs comes from here: the clock, interval arithmetic, hints, row limits, upserts, triggers, the catalog
 * queries and the classification of driver errors.
 *
 * <p>Fragments are SQL text; {@code ?} in an argument or a result is a bind parameter, in the order written.
 * Every timestamp is UTC with microsecond precision.
 */
public interface Dialect {

    // --- identifiers and errors ---

    /** Quotes an identifier that came from the catalog (never from request text). */
    String quote(String identifier);

    /** The protocol code for a failed statement, {@link ErrorCode#INTERNAL} when nothing more fits. */
    ErrorCode classify(SQLException e);

    /** Whether the statement lost a deadlock (or a similar transient conflict) and may simply be retried. */
    boolean isRetryable(SQLException e);

    /** Whether the statement was refused for a missing privilege (the watermark then falls back to a lag). */
    boolean isMissingPrivilege(SQLException e);

    /** What every pooled connection runs first: UTC session time, strict values, the given row-lock wait. */
    String sessionInitSql(int lockWaitSeconds);

    // --- time ---

    /** The database's current UTC time to the microsecond, as an expression ({@link DatabaseClock} reads it). */
    String now();

    /**
     * A bound timestamp parameter as a microsecond timestamp: compared with a column of another type or
     * precision, a bare parameter could be converted to the column's type and lose its microseconds.
     */
    String timestampParameter();

    /**
     * {@code timestamp} plus {@code amount} (a number, an expression or {@code ?}) of {@code unit}: one of
     * {@code MICROS}, {@code SECONDS}, {@code MINUTES}, {@code DAYS}.
     */
    String plus(String timestamp, String amount, ChronoUnit unit);

    /** {@code timestamp} minus {@code amount} of {@code unit}, as {@link #plus}. */
    String minus(String timestamp, String amount, ChronoUnit unit);

    /** {@code timestamp} cut down to its whole millisecond. */
    String floorToMillis(String timestamp);

    // --- statement shapes ---

    /** A FROM clause ({@code from}, which starts with one table) pinned to one of that table's indexes. */
    String forceIndex(String from, String index);

    /** The clause, with a leading space, that ends a SELECT after at most {@code rows} rows (a number or {@code ?}). */
    String limit(String rows);

    /** Deletes the rows of alias {@code t} from {@code from} (a FROM clause naming the table as {@code t}). */
    String deleteFrom(String from);

    /** Deletes at most {@code rows} rows of {@code table} matching {@code where}, the first ones in {@code order}. */
    String deleteFirst(String table, String where, String order, int rows);

    /** Inserts {@code rows} ({@code VALUES (…)} or a SELECT) into {@code table}, skipping rows whose key exists. */
    String insertIfAbsent(String table, String columns, String rows);

    /**
     * Inserts one row, or when a row with the same {@code key} (a unique key's columns) exists, applies
     * {@code updates} to it ({@code column = expression, …}, where {@link #inserted} names the proposed values).
     */
    String upsert(String table, String columns, String values, String key, String updates);

    /** In the {@code updates} of {@link #upsert}: the value the insert proposed for {@code column}. */
    String inserted(String column);

    // --- triggers, version tables (mutual exclusion: cluster.Lease, rows that hold across Galera nodes) ---

    /**
     * Creates, unless it exists, the trigger {@code triggerName} that writes a tombstone
     * ({@code esa_tombstone (table_name, row_id, deleted_at)}) for every deleted row of {@code t}, the
     * row's external id built in SQL exactly as {@code RecordId} and {@code ValueCodec} build it in Java.
     */
    String tombstoneTriggerSql(Table t, String triggerName);

    /**
     * The statements, in order and each idempotent, that create {@code t}'s version table (its id columns with
     * their exact types, and {@code esa_modified_at}), the three triggers named here that keep it on insert,
     * update and delete, and a version stamped now for every existing row.
     */
    List<String> versionTableSql(Table t, String insertTrigger, String updateTrigger, String deleteTrigger);

    // --- watermark (changes.Watermark) ---

    /** Selects something when this connection may see other sessions' open transactions. */
    String openTransactionsProbeSql();

    /** Inserts into {@code esa_watermark (read_at, low)} now and now: the row {@link #setWatermarkLowSql} completes. */
    String insertWatermarkSql();

    /**
     * Selects whether this connection's own transaction is listed among the open transactions (1 or more when
     * it is: the list is fresher than this transaction), and the age in whole seconds of the oldest other open
     * transaction or running statement (null when there is none).
     */
    String openTransactionsSql();

    /** Sets {@code low} of the {@code esa_watermark} row {@code ?} (second) to its read_at minus {@code ?} seconds. */
    String setWatermarkLowSql();

    /**
     * Makes the current transaction visible to other sessions' {@link #openTransactionsSql} before a writer takes
     * its time, without waiting for anyone.
     */
    String registerWriterSql();

    /** Inserts into {@code esa_watermark (read_at, low)} now and now minus {@code ?} seconds. */
    String recordLaggedWatermarkSql();

    // --- catalog (catalog.CatalogLoader), each of the current schema ---

    /** Selects 1 when a base table or view named {@code ?} exists. */
    String tableExistsSql();

    /**
     * Whether the database could have a table of this name; names it cannot have are answered without asking it
     * (and some, compared with its catalog, would be an error rather than a miss).
     */
    boolean isPossibleTableName(String name);

    /**
     * Every column of every base table, in table and column order: table, column, data type, full column
     * type, character length, numeric precision, numeric scale, fractional-second digits, nullable
     * ({@code YES}/{@code NO}), default, extra ({@code auto_increment}, {@code on update …},
     * {@code … generated}), generated ({@code ALWAYS}/{@code NEVER}).
     */
    String columnsSql();

    /** Table, index and column of every index column, by table, index and position. */
    String indexesSql();

    /** Table and column of every primary-key column, by table and position. */
    String primaryKeysSql();

    /**
     * Every foreign-key column: constraint, table, column, referenced table, referenced column, delete rule;
     * by table, constraint and position.
     */
    String foreignKeysSql();

    /** Table, event ({@code INSERT}/{@code UPDATE}/{@code DELETE}) and name of every trigger. */
    String triggersSql();
}
