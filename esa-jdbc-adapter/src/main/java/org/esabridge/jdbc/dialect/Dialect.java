package org.esabridge.jdbc.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;
import org.esabridge.api.ErrorCode;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.ValueCodec;

/**
 * Everything in the adapter's SQL that is particular to one database, so that another database is served by
 * implementing this interface (in a package of its own, with an {@link Engine}). Plain ANSI SQL ({@code SELECT … FROM … WHERE c = ?}, row-value
 * comparisons, {@code COALESCE}, {@code GREATEST}) is written where it is used; whatever else a statement
 * needs comes from here: the clock, interval arithmetic, hints, row limits, upserts, triggers, the catalog
 * queries and the classification of driver errors.
 *
 * <p>Fragments are SQL text; {@code ?} in an argument or a result is a bind parameter, in the order written.
 * Every timestamp is UTC with microsecond precision.
 */
public interface Dialect {

    // --- identifiers and errors ---

    /**
     * This engine's values: which of its column types is which kind, and how values are read and written
     * (esa-protocol.md §3.1). The core reads and binds values only through it.
     */
    ValueCodec values();

    /** Quotes an identifier that came from the catalog (never from request text). */
    String quote(String identifier);

    /** The protocol code for a failed statement, {@link ErrorCode#INTERNAL} when nothing more fits. */
    ErrorCode classify(SQLException e);

    /**
     * Whether the transaction lost to a concurrent write and was rolled back as a whole: a deadlock, or on a
     * Galera cluster a write set that failed certification against another node's (reported at any statement
     * or at COMMIT). Nothing of it was applied.
     */
    boolean isWriteConflict(SQLException e);

    /**
     * Whether the transaction may simply be run again from its start: a {@linkplain #isWriteConflict write
     * conflict} or a row-lock wait that timed out.
     */
    boolean isRetryable(SQLException e);

    /** Whether the statement was refused for a missing privilege (the watermark then falls back to a lag). */
    boolean isMissingPrivilege(SQLException e);

    /**
     * What every pooled connection runs first: UTC session time, strict values, the given row-lock wait and,
     * with {@code causalReads} (on a {@linkplain #isGaleraNode Galera node}), reads that first wait until this
     * node has applied everything the cluster committed before them, so that what one esa-bridge node wrote
     * through one database node (a cursor, a record) is there for the next call on another.
     */
    String sessionInitSql(int lockWaitSeconds, boolean causalReads);

    /**
     * Driver properties of the pool's connections: sessions and the driver read and write {@code java.time} values in
     * UTC, whatever the JVM's zone.
     */
    java.util.Map<String, String> driverProperties();

    /** Driver properties of the one connection made before the pool (a probe): a connect timeout of about 3 s. */
    java.util.Map<String, String> probeProperties();

    /** Selects the name of the schema whose tables are served (the connection's current schema). */
    String currentSchemaSql();

    // --- the adapter's own tables (Migrations) ---

    /**
     * The DDL of every version of the {@code esa_} state tables, version n at index n - 1, each statement
     * idempotent. Every engine keeps the same tables under the same names (the core's statements name them
     * unqualified; where they live is the engine's business, see {@link #sessionInitSql}).
     */
    List<List<String>> migrations(StateTables state);

    /** Creates {@code esa_schema_version} and {@code esa_lease} (and whatever holds them) unless they exist. */
    List<String> bootstrapSql(StateTables state);

    /**
     * The schema of the state tables when {@code state-schema} is empty: empty for the application's own, or
     * one of their own.
     */
    String defaultStateSchema();

    /**
     * Creates the demo schema's tables unless they exist ({@code customers}, {@code products}, {@code orders}, with
     * the columns {@code DemoSchema}'s rows name, a modification column {@code modified_at} kept by the database, and
     * ids that the demo rows 1 to 3 do not collide with).
     */
    List<String> demoSchemaSql();

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

    /**
     * Selects the database's global time zone setting, the system zone's name, and the system zone's current
     * offset from UTC in seconds ({@link DatabaseZone}).
     */
    String databaseZoneSql();

    /** {@code timestamp} cut down to its whole millisecond. */
    String floorToMillis(String timestamp);

    /** {@code expression} as a double-precision number (a FLOAT column read exactly). */
    String asDouble(String expression);

    /** A microsecond timestamp earlier than any stamp the adapter compares with (a COALESCE's last resort). */
    String earliestTimestamp();

    // --- statement shapes ---

    /** A FROM clause ({@code from}, which starts with one table) pinned to one of that table's indexes. */
    String forceIndex(String from, String index);

    /**
     * The target of an assignment in {@code UPDATE <table> <alias> SET <target> = …} to {@code column} (quoted):
     * some databases want it qualified by the alias, others refuse that.
     */
    String assignTarget(String alias, String column);

    /** The clause, with a leading space, that ends a SELECT after at most {@code rows} rows (a number or {@code ?}). */
    String limit(String rows);

    /**
     * A statement whose result's first row holds, in column {@link #estimatedRowsColumn()}, the optimizer's
     * estimate of the rows {@code select} reads (its parameters unchanged): no row is read. Null when the database
     * offers no such estimate cheaply.
     */
    String estimate(String select);

    /** The column of {@link #estimate}'s result holding the number of rows. */
    String estimatedRowsColumn();

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

    /**
     * An upsert of change-index entries into {@code changeTable} that unpacks them from one JSON array and hashes
     * their ids itself ({@link #rowHash}), or null where the engine (or this {@code server}'s version) has none: the
     * log reader then sends each entry's
     * six values in a multi-row {@link #upsert}. Parameters: the row hash of a table's marker entry (its id is stored
     * empty but hashed apart from every row's, {@code ChangeIndex.Key#marker}), the stamp, the seq before the first
     * entry, and the array of {@code [table, rowId, kind]} entries, table and id as the hex digits of their UTF-8
     * bytes, a marker's with a fourth element {@code 1} (the n-th entry, counted from 1, gets seq + n).
     */
    default String upsertChangesFromJson(String changeTable, java.sql.DatabaseMetaData server) throws java.sql.SQLException {
        return null;
    }

    // --- triggers, version tables (mutual exclusion: cluster.Lease, rows that hold across Galera nodes) ---

    /**
     * The external id of a row of {@code t} as an SQL expression, built exactly as {@code RecordId} and
     * {@code ValueCodec} build it in Java; {@code column} gives the expression of each id column
     * ({@code OLD.`id`}, {@code c1.`id`} …).
     */
    String idText(Table t, Function<Column, String> column);

    /** A string literal. */
    String literal(String s);

    /** Whether the expressions of {@code a} and {@code b} (parallel lists) differ anywhere, NULLs compared as values. */
    String differ(List<String> a, List<String> b);

    /**
     * Creates a row trigger; {@code replace} replaces one of that name in one step (no moment without it).
     *
     * @param timing {@code BEFORE} or {@code AFTER}
     * @param event  {@code INSERT}, {@code UPDATE} or {@code DELETE}
     */
    String createTriggerSql(String name, String timing, String event, String table, String body, boolean replace);

    /** Drops a trigger if it exists. */
    String dropTriggerSql(String name);

    /**
     * Whether a foreign key's cascade fires the child table's own row triggers (an engine that runs it as a
     * statement does, one that cascades inside the storage engine does not). When it does, the child's delete trigger
     * records a cascaded delete and the parent needs no trigger for it.
     */
    boolean cascadesFireTriggers();

    /**
     * Whether a TRUNCATE can fire a trigger ({@code event} {@code TRUNCATE} of {@link #createTriggerSql}, once per
     * statement): then it moves the table's deletion horizon itself, as it happens.
     */
    boolean truncateTriggers();

    /** Whether the engine has a binary log the exact capture ({@code change-capture=binlog}) can read. */
    boolean hasBinaryLog();

    /** A statement of a trigger body that runs {@code statement} only when {@code condition} holds. */
    String conditional(String condition, String statement);

    /** A trigger body that runs {@code statements} in order, only when {@code condition} holds (null: always). */
    String triggerBody(String condition, List<String> statements);

    /**
     * Name, table, body (as the catalog keeps it) and the {@code sql_mode} it runs under, of every trigger of this
     * schema whose name starts {@code esa_}.
     */
    String adapterTriggersSql();

    /**
     * The SQL mode every trigger of the adapter is created under, where the engine stores the creating session's
     * mode with a trigger and runs its body under it: one that accepts whatever the application's own statements
     * may store, so that a trigger of ours never fails a statement the bare table accepts ({@code changes.TriggerDdl});
     * null where the engine keeps no such mode with a trigger.
     */
    String triggerSqlMode();

    /** The statement that keeps the session's own mode aside and enters {@link #triggerSqlMode()}; null: none. */
    String enterTriggerModeSql();

    /** The statement that gives the session the mode {@link #enterTriggerModeSql()} kept aside; null: none. */
    String leaveTriggerModeSql();

    /**
     * How the change index keys a row ({@code esa_change.row_hash}): the digest of the row id's UTF-8 bytes by this
     * {@link java.security.MessageDigest} algorithm, which the reader computes in Java and {@link #rowHash} in SQL.
     */
    String rowHashAlgorithm();

    /** The {@linkplain #rowHashAlgorithm() row hash} of a text expression's UTF-8 bytes, as binary, in SQL. */
    String rowHash(String text);

    /**
     * The accounts other than the connected one that the server shows may change rows or tables of the adapter's
     * state in schema {@code ?} (both parameters: the state schema's name): by a grant on the whole schema or on one
     * of its {@code esa_} tables. Global grants (administrators) are not listed. An account may see only its own
     * grants: the list is what this account can know, never more.
     */
    String stateWritersSql();

    /** Name and creation time of every base table of this schema. */
    String tableCreateTimesSql();

    /** Name and storage-engine table id of every table of this schema; may be refused for lack of a privilege. */
    String tableIdsSql();

    /**
     * The statements, in order and each idempotent, that create {@code t}'s version table (its id columns with
     * their exact types, and {@code esa_modified_at}), the three triggers named here that keep it on insert,
     * update and delete, and a version stamped now for every existing row.
     */
    List<String> versionTableSql(Table t, String insertTrigger, String updateTrigger, String deleteTrigger);

    // --- cluster ---

    /**
     * Whether the connected server is a node of a synchronously replicated cluster (e.g. Galera's
     * {@code wsrep_on}). There, anything a server knows only about itself — its open transactions, its named
     * locks — says nothing about the other nodes, so mutual exclusion must go through rows and change capture
     * cannot rely on the local view of open transactions.
     */
    boolean isGaleraNode(Connection c) throws SQLException;

    /** An expression naming the server this connection is on, the same for every connection to it. */
    String serverNameSql();

    /**
     * Selects a row when the connection of server-side id {@code ?} is open on this connection's server (as far as
     * this connection may see: its own account's, or all with the PROCESS privilege).
     */
    String connectionExistsSql();

    // --- watermark (changes.Watermark) ---

    /**
     * The privilege that lets the account see other sessions' open transactions, as an operator names it
     * ({@code PROCESS}), and the statement that grants it, for the start line and the watermark's warnings.
     */
    String openTransactionsPrivilege();

    /** The grant of {@link #openTransactionsPrivilege()} to the configured account, as advice. */
    String openTransactionsGrant();

    /** Selects something when this connection may see other sessions' open transactions. */
    String openTransactionsProbeSql();

    /**
     * For an operator, why {@link #openTransactionsSql} can answer that its list of open transactions is incomplete
     * (the reads then fall back to {@code watermark-fallback-lag-seconds}).
     */
    String incompleteTransactionListCause();

    /**
     * For an operator, the column to add to a table so that the catalog finds its modification column
     * ({@link #columnsSql}'s {@code on update} extra), e.g. {@code add a … column that …}.
     */
    String modificationColumnRemedy();

    /**
     * For an operator, what would let the account create the delete triggers that failed with these error codes
     * ({@link java.sql.SQLException#getErrorCode()}): a grant, or a server setting.
     */
    String missingTriggerRemedy(java.util.Collection<Integer> errorCodes);

    /**
     * Inserts into {@code watermark} (the state's {@code esa_watermark}) {@code (read_at, low)} now and now: the
     * row {@link #setWatermarkLowSql} completes. Plain SQL but for the clock.
     */
    default String insertWatermarkSql(String watermark) {
        return "INSERT INTO " + watermark + " (read_at, low) VALUES (" + now() + ", " + now() + ")";
    }

    /**
     * Selects whether this connection's own transaction is listed among the open transactions (1 or more when
     * it is: the list is fresher than this transaction), and the age in whole seconds of the oldest other open
     * transaction or running statement (null when there is none).
     */
    String openTransactionsSql();

    /** Sets {@code low} of the {@code watermark} row {@code ?} (second) to its read_at minus {@code ?} seconds. */
    String setWatermarkLowSql(String watermark);

    /**
     * Makes the current transaction visible to other sessions' {@link #openTransactionsSql} before a writer takes
     * its time, without waiting for anyone.
     */
    String registerWriterSql(String schemaVersion);

    /** Inserts into {@code watermark} {@code (read_at, low)} now and now minus {@code ?} seconds. */
    String recordLaggedWatermarkSql(String watermark);

    // --- catalog (catalog.CatalogLoader), each of the current schema ---

    /** Selects 1 when a base table or view named {@code ?} exists. */
    String tableExistsSql();

    /**
     * Whether the database could have a table of this name; names it cannot have are answered without asking it
     * (and some, compared with its catalog, would be an error rather than a miss).
     */
    boolean isPossibleTableName(String name);

    /** The name of every view of the schema (materialized ones too, where the engine has them): none is served. */
    String viewsSql();

    /**
     * Every column of every base table, in table and column order: table, column, data type, full column
     * type, character length, numeric precision, numeric scale, fractional-second digits, nullable
     * ({@code YES}/{@code NO}), default, extra ({@code auto_increment}, {@code on update …},
     * {@code … generated}), generated ({@code ALWAYS}/{@code NEVER}), and how values compare: {@code PAD SPACE} when
     * trailing spaces are ignored, else {@code NO PAD} (catalog.Column#padSpace).
     */
    String columnsSql();

    /** Table, index, column and non-uniqueness (0: a unique index) of every index column, by table, index and position. */
    String indexesSql();

    /** Table and column of every primary-key column, by table and position. */
    String primaryKeysSql();

    /**
     * Every foreign-key column: constraint, table, column, referenced table, referenced column, delete rule,
     * update rule;
     * by table, constraint and position.
     */
    String foreignKeysSql();

    /** Table, event ({@code INSERT}/{@code UPDATE}/{@code DELETE}) and name of every trigger. */
    String triggersSql();

    /**
     * Table, column (null for the table itself) and comment of every commented table and column: the labels of
     * structures and fields that {@code structure.<table>.label} does not name. Null when the engine's comments are
     * not labels (then a table's label is its name).
     */
    String commentsSql();

    /**
     * A statement that makes the current transaction's commit durable before it returns, or null when every commit
     * is: the log capture's fence marker commits so, because a log reader only sees what the server has flushed.
     */
    default String durableCommitSql() {
        return null;
    }
}
