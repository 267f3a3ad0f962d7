package org.esabridge.jdbc.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLNonTransientConnectionException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;
import org.esabridge.api.ErrorCode;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.changes.VersionRowSql;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.catalog.ValueKind;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.SqlErrorChain;
import org.esabridge.jdbc.dialect.StateTables;

/**
 * PostgreSQL specifics. SQLSTATEs: https://www.postgresql.org/docs/current/errcodes-appendix.html
 *
 * <p>Where things live: the served tables are the session's current schema, the first of its search path other than
 * the state schema ({@link #sessionInitSql}); the {@code esa_} tables (named qualified through {@code StateTables})
 * and the functions behind the capture triggers are in the state schema ({@code esa} by default). The served schema
 * holds nothing of ours but the triggers.
 *
 * <p>The catalog queries answer with the columns {@code catalog.CatalogLoader} reads and type names that
 * {@link PostgresValues} maps to kinds ({@code int}, {@code decimal}, {@code datetime} for {@code timestamp},
 * {@code timestamp} for {@code timestamptz} …); types with no kind of their own (uuid, json, inet, interval, enums,
 * arrays, timetz, domains over them) are served as strings in PostgreSQL's own text form, and written back as untyped
 * literals (the driver's {@code stringtype=unspecified}), which PostgreSQL parses with the column's type.
 */
public final class PostgresDialect implements Dialect {
    /** The current time as a UTC wall time: stable within a statement, never before its transaction's start. */
    private static final String NOW = "(statement_timestamp() AT TIME ZONE 'UTC')";
    private static final String SCHEMA = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())";
    private static final int MAX_NAME_BYTES = 63;

    private final String stateSchema;

    PostgresDialect(String stateSchema) {
        this.stateSchema = stateSchema;
    }

    /** An identifier quoted for PostgreSQL. */
    static String quoteIdent(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    @Override
    public ValueCodec values() {
        return PostgresValues.INSTANCE;
    }

    @Override
    public String quote(String identifier) {
        return quoteIdent(identifier);
    }

    // --- errors ---

    @Override
    public ErrorCode classify(SQLException e) {
        return SqlErrorChain.classify(e, PostgresDialect::classifyOne);
    }

    private static ErrorCode classifyOne(SQLException e) {
        if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException) {
            return ErrorCode.DATABASE_UNAVAILABLE;
        }
        String state = e.getSQLState();
        if (state == null) {
            return ErrorCode.INTERNAL;
        }
        return switch (state) {
            case "23505" -> ErrorCode.DUPLICATE_RECORD;
            case "23503", "23514", "23502", "23P01", "23000", "23001" -> ErrorCode.CONSTRAINT_VIOLATION;
            // Serialization failure and deadlock after their retries (write.Deadlocks), a lock wait or a statement
            // that ran out of time, a server shutting down or short of resources: a later try may pass.
            case "40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03", "53000", "53100", "53200", "53300"
                    -> ErrorCode.DATABASE_UNAVAILABLE;
            default -> state.startsWith("08") ? ErrorCode.DATABASE_UNAVAILABLE
                    : state.startsWith("22") ? ErrorCode.INVALID_VALUE : ErrorCode.INTERNAL;
        };
    }

    @Override
    public boolean isWriteConflict(SQLException e) {
        return SqlErrorChain.any(e, s -> "40001".equals(s.getSQLState()) || "40P01".equals(s.getSQLState()));
    }

    @Override
    public boolean isRetryable(SQLException e) {
        return SqlErrorChain.any(e, s -> "55P03".equals(s.getSQLState())) || isWriteConflict(e);
    }

    @Override
    public boolean isMissingPrivilege(SQLException e) {
        return "42501".equals(e.getSQLState());
    }

    @Override
    public String sessionInitSql(int lockWaitSeconds, boolean causalReads) {
        // UTC, so timestamptz values and the UTC wall times of the state tables agree whatever the server's zone;
        // ISO 8601 intervals (P1DT2H), the form a host can parse; the shortest exact float text; and the state schema
        // after the served one (pg_temp last, so a temporary table cannot stand in for one of ours). The served schema
        // is the first existing one of the connection's search path other than the state schema, which a role of the
        // same name would otherwise put first ("$user").
        return "SET TIME ZONE 'UTC'; SET lock_timeout = '" + lockWaitSeconds + "s'; SET IntervalStyle = 'iso_8601';"
                + " SET extra_float_digits = 3;"
                + " SELECT set_config('search_path', COALESCE((SELECT quote_ident(s.name) || ', '"
                + " FROM unnest(current_schemas(false)) WITH ORDINALITY s(name, n) WHERE s.name <> " + literal(stateSchema)
                + " ORDER BY s.n LIMIT 1), '') || " + literal(quoteIdent(stateSchema)) + " || ', pg_temp', false)";
    }

    @Override
    public Map<String, String> driverProperties() {
        // Strings are sent untyped, so that uuid, json, inet, interval, enum and array columns take their text form;
        // timestamps go as java.time values in the session's zone (UTC). numeric comes as text, which is its wire
        // form already: in binary (once a statement is prepared on the server) the driver makes a BigDecimal of each
        // value and prints it again.
        return Map.of("stringtype", "unspecified", "ApplicationName", "esa-bridge", "binaryTransferDisable", "NUMERIC");
    }

    @Override
    public Map<String, String> probeProperties() {
        // Seconds in this driver (3000 would wait fifty minutes for an unreachable host).
        return Map.of("connectTimeout", "3", "loginTimeout", "3");
    }

    @Override
    public String serverNameSql() {
        return "(COALESCE(host(inet_server_addr()), 'local') || ':' || COALESCE(inet_server_port()::text,"
                + " current_setting('port')))";
    }

    @Override
    public String connectionExistsSql() {
        return "SELECT 1 FROM pg_stat_activity WHERE pid = ?";
    }

    @Override
    public String currentSchemaSql() {
        return "SELECT current_schema()";
    }

    @Override
    public List<List<String>> migrations(StateTables state) {
        return PostgresStateTables.versions(state.schema().orElse(stateSchema));
    }

    @Override
    public List<String> bootstrapSql(StateTables state) {
        return PostgresStateTables.bootstrap(state.schema().orElse(stateSchema));
    }

    @Override
    public String defaultStateSchema() {
        return stateSchema;
    }

    @Override
    public String asDouble(String expression) {
        return "CAST(" + expression + " AS DOUBLE PRECISION)";
    }

    @Override
    public String stateWritersSql() {
        // Table grants on our tables and CREATE on the schema, to roles other than ours; superusers, like MariaDB's
        // global grants, are not listed.
        return "SELECT grantee FROM information_schema.role_table_grants WHERE table_schema = ?"
                + " AND table_name LIKE 'esa\\_%' AND privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE',"
                + " 'TRIGGER', 'REFERENCES') AND grantee <> current_user"
                + " UNION SELECT r.rolname FROM pg_namespace n JOIN pg_roles r ON has_schema_privilege(r.oid, n.oid, 'CREATE')"
                + " WHERE n.nspname = ? AND r.rolname <> current_user AND NOT r.rolsuper ORDER BY 1";
    }

    @Override
    public List<String> demoSchemaSql() {
        return PostgresStateTables.DEMO;
    }

    // --- time ---

    @Override
    public String now() {
        return NOW;
    }

    @Override
    public String timestampParameter() {
        return "CAST(? AS TIMESTAMP(6))";
    }

    @Override
    public String plus(String timestamp, String amount, ChronoUnit unit) {
        return "(" + timestamp + " + (" + amount + ") * INTERVAL '1 " + intervalUnit(unit) + "')";
    }

    @Override
    public String minus(String timestamp, String amount, ChronoUnit unit) {
        return "(" + timestamp + " - (" + amount + ") * INTERVAL '1 " + intervalUnit(unit) + "')";
    }

    private static String intervalUnit(ChronoUnit unit) {
        return switch (unit) {
            case MICROS -> "microsecond";
            case SECONDS -> "second";
            case MINUTES -> "minute";
            case DAYS -> "day";
            default -> throw new IllegalArgumentException("no interval unit for " + unit);
        };
    }

    @Override
    public String databaseZoneSql() {
        // What a writer's now() meant when it filled a timestamp without time zone is its session's zone, which every
        // client may set (the JDBC driver sends the JVM's): the database's own setting (ALTER DATABASE … SET timezone)
        // is the best guess there is, else UTC; structure.<table>.modified-zone says it exactly.
        return "SELECT z.zone, z.zone, 0 FROM (SELECT COALESCE((SELECT substr(cfg, 10) FROM pg_db_role_setting r"
                + " CROSS JOIN LATERAL unnest(r.setconfig) cfg WHERE r.setrole = 0 AND r.setdatabase ="
                + " (SELECT oid FROM pg_database WHERE datname = current_database()) AND lower(cfg) LIKE 'timezone=%'"
                + " LIMIT 1), 'UTC') AS zone) z";
    }

    @Override
    public String floorToMillis(String timestamp) {
        return "date_trunc('milliseconds', " + timestamp + ")";
    }

    @Override
    public String earliestTimestamp() {
        return "CAST('1000-01-01 00:00:00' AS TIMESTAMP(6))";
    }

    // --- statement shapes ---

    @Override
    public String assignTarget(String alias, String column) {
        // PostgreSQL refuses a qualified SET target.
        return column;
    }

    @Override
    public String forceIndex(String from, String index) {
        // No hints: the planner's statistics decide (ANALYZE after a bulk load).
        return from;
    }

    @Override
    public String limit(String rows) {
        return " LIMIT " + rows;
    }

    /** None that reads as a row count without parsing EXPLAIN's text: plans are chosen by the oldest change alone. */
    @Override
    public String estimate(String select) {
        return null;
    }

    @Override
    public String estimatedRowsColumn() {
        return null;
    }

    @Override
    public String deleteFrom(String from) {
        return "DELETE FROM " + from;
    }

    @Override
    public String deleteFirst(String table, String where, String order, int rows) {
        return "DELETE FROM " + table + " WHERE ctid IN (SELECT ctid FROM " + table + " WHERE " + where + " ORDER BY "
                + order + " LIMIT " + rows + ")";
    }

    @Override
    public String insertIfAbsent(String table, String columns, String rows) {
        return "INSERT INTO " + table + " (" + columns + ") " + rows + " ON CONFLICT DO NOTHING";
    }

    @Override
    public String upsert(String table, String columns, String values, String key, String updates) {
        return "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ") ON CONFLICT (" + key
                + ") DO UPDATE SET " + updates;
    }

    @Override
    public String inserted(String column) {
        return "EXCLUDED." + column;
    }

    // --- triggers ---

    @Override
    public String idText(Table t, Function<Column, String> column) {
        if (t.idColumns().size() == 1) {
            Column c = t.idColumns().get(0);
            return textOf(c, t.kind(c), column.apply(c));
        }
        StringJoiner parts = new StringJoiner(", ", "concat_ws(',', ", ")");
        for (Column c : t.idColumns()) {
            parts.add("replace(replace(" + textOf(c, t.kind(c), column.apply(c)) + ", '%', '%25'), ',', '%2C')");
        }
        return parts.toString();
    }

    /** A column's text form as {@code ValueCodec} writes it. */
    private static String textOf(Column c, ValueKind kind, String col) {
        return switch (kind) {
            case BOOLEAN -> "CASE WHEN " + col + " THEN 'true' ELSE 'false' END";
            // with the era where it is not ours, as PostgresValues reads it (0044-03-15 BC)
            case DATE -> "(to_char(" + col + ", 'YYYY-MM-DD') || CASE WHEN " + col + " < DATE '0001-01-01' THEN ' BC'"
                    + " ELSE '' END)";
            case DATETIME -> dateTime(col, c.fsp());
            case TIMESTAMP -> dateTime("(" + col + " AT TIME ZONE 'UTC')", c.fsp()) + " || 'Z'";
            case BINARY -> "translate(encode(" + col + ", 'base64'), E'\\n', '')";
            default -> "CAST(" + col + " AS TEXT)";
        };
    }

    private static String dateTime(String col, int fsp) {
        String whole = "to_char(" + col + ", 'YYYY-MM-DD\"T\"HH24:MI:SS')";
        return fsp == 0 ? whole : whole + " || '.' || substr(to_char(" + col + ", 'US'), 1, " + fsp + ")";
    }

    @Override
    public String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    @Override
    public String differ(List<String> a, List<String> b) {
        StringJoiner any = new StringJoiner(" OR ", "(", ")");
        for (int i = 0; i < a.size(); i++) {
            any.add(a.get(i) + " IS DISTINCT FROM " + b.get(i));
        }
        return any.toString();
    }

    /**
     * A PL/pgSQL function in the state schema and the trigger that runs it. The function is SECURITY DEFINER with the
     * search path it was created with (served schema, state schema, pg_temp last): the application's roles need no
     * grant on the state schema, and nothing they put on their own search path changes what it writes. Its
     * statements have no limit or constraint a row could break, so the application's statement never fails for them.
     */
    @Override
    public String createTriggerSql(String name, String timing, String event, String table, String body,
                                   boolean replace) {
        boolean statement = event.equals("TRUNCATE");
        String result = statement || timing.equals("AFTER") ? "NULL" : event.equals("DELETE") ? "OLD" : "NEW";
        String function = quoteIdent(stateSchema) + "." + quote(name);
        return "CREATE OR REPLACE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER"
                + " SET search_path FROM CURRENT AS $esa$" + functionSource(body, result) + "$esa$;"
                + " CREATE OR REPLACE TRIGGER " + quote(name) + " " + timing + " " + event + " ON " + quote(table)
                + " FOR EACH " + (statement ? "STATEMENT" : "ROW") + " EXECUTE FUNCTION " + function + "()";
    }

    /** The function's source; {@link #adapterTriggersSql()} gives back the body between the markers. */
    private static String functionSource(String body, String result) {
        return "\nBEGIN\n" + body + "\nRETURN " + result + ";\nEND\n";
    }

    @Override
    public String dropTriggerSql(String name) {
        return "DO $esa$ DECLARE r RECORD; BEGIN FOR r IN SELECT t.tgrelid::regclass AS tbl FROM pg_trigger t"
                + " JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = " + literal(name) + " AND c.relnamespace = "
                + SCHEMA + " LOOP EXECUTE format('DROP TRIGGER IF EXISTS %I ON %s', " + literal(name)
                + ", r.tbl); END LOOP; END $esa$";
    }

    @Override
    public boolean cascadesFireTriggers() {
        // A foreign key's ON DELETE CASCADE runs as a DELETE on the child, whose row triggers fire.
        return true;
    }

    @Override
    public boolean truncateTriggers() {
        return true;
    }

    @Override
    public boolean hasBinaryLog() {
        return false;
    }

    @Override
    public String conditional(String condition, String statement) {
        return "IF " + condition + " THEN " + statement + "; END IF";
    }

    @Override
    public String triggerBody(String condition, List<String> statements) {
        String list = String.join("; ", statements) + ";";
        return condition == null ? list : "IF " + condition + " THEN " + list + " END IF;";
    }

    @Override
    public String adapterTriggersSql() {
        return "SELECT t.tgname, c.relname, regexp_replace(p.prosrc, '^\\nBEGIN\\n(.*)\\nRETURN [A-Z]+;\\nEND\\n$', '\\1'),"
                + " CAST(NULL AS TEXT)"
                + " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid"
                + " WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND c.relnamespace = " + SCHEMA
                + " AND t.tgname LIKE 'esa\\_%'";
    }

    @Override
    public String triggerSqlMode() {
        // PostgreSQL has no sql_mode: a trigger's body runs under the firing statement's own settings.
        return null;
    }

    @Override
    public String enterTriggerModeSql() {
        return null;
    }

    @Override
    public String leaveTriggerModeSql() {
        return null;
    }

    @Override
    public String rowHashAlgorithm() {
        // sha1() would need pgcrypto, which a database need not have; sha256() is built in (since 11).
        return "SHA-256";
    }

    @Override
    public String rowHash(String text) {
        return "sha256(convert_to(" + text + ", 'UTF8'))";
    }

    @Override
    public String tableCreateTimesSql() {
        // No creation time; a recreated table is known by its lost trigger and its new oid (tableIdsSql).
        return "SELECT c.relname, CAST(NULL AS TIMESTAMP) FROM pg_class c WHERE c.relnamespace = " + SCHEMA
                + " AND c.relkind IN ('r', 'p') AND NOT c.relispartition";
    }

    @Override
    public String tableIdsSql() {
        // The storage's file number: a new one after TRUNCATE (and a recreated table), so that a TRUNCATE committed
        // after the host's last read still moves the horizon past it at the next catalog load (the TRUNCATE trigger
        // moves it at once, to the statement's time, which an open transaction's read could have passed). VACUUM FULL
        // and CLUSTER renew it too: the host then compares ids once, which costs time, never a change.
        return "SELECT c.relname, CAST(pg_relation_filenode(c.oid) AS BIGINT) FROM pg_class c WHERE c.relnamespace = "
                + SCHEMA + " AND c.relkind IN ('r', 'p') AND NOT c.relispartition";
    }

    /**
     * The version table lives in the state schema, so that the served schema holds only our triggers; the statements
     * that read it name it unqualified, and the session's search path finds it there. It is created in one block (a
     * transaction): the id columns with their exact types and collations (CREATE TABLE … AS from the table), the
     * primary key, and the index by time, whose name PostgreSQL picks unique within the schema.
     */
    @Override
    public List<String> versionTableSql(Table t, String insertTrigger, String updateTrigger, String deleteTrigger) {
        String v = quoteIdent(stateSchema) + "." + quote(t.versionTable());
        String tbl = quote(t.name());
        VersionRowSql row = VersionRowSql.of(this, t, v, NOW);
        String ids = row.ids();
        return List.of(
                "DO $esa$ BEGIN IF to_regclass(" + literal(v) + ") IS NULL THEN"
                        + " CREATE TABLE " + v + " AS SELECT " + ids + " FROM " + tbl + " WHERE FALSE;"
                        + " ALTER TABLE " + v + " ADD COLUMN esa_modified_at TIMESTAMP(6) NOT NULL,"
                        + " ADD PRIMARY KEY (" + ids + ");"
                        + " CREATE INDEX ON " + v + " (esa_modified_at, " + ids + ");"
                        + " END IF; END $esa$",
                createTriggerSql(insertTrigger, "AFTER", "INSERT", t.name(), triggerBody(null, List.of(row.upsert())),
                        true),
                createTriggerSql(updateTrigger, "AFTER", "UPDATE", t.name(), triggerBody(null, List.of(row.upsert())),
                        true),
                createTriggerSql(deleteTrigger, "AFTER", "DELETE", t.name(),
                        triggerBody(null, List.of(row.delete())), true),
                // After the triggers exist, so that no row inserted meanwhile lacks a version.
                row.backfill());
    }

    // --- cluster ---

    @Override
    public boolean isGaleraNode(Connection c) {
        return false;
    }

    // --- watermark (PostgresWatermark) ---

    @Override
    public String openTransactionsPrivilege() {
        return "pg_read_all_stats";
    }

    @Override
    public String openTransactionsGrant() {
        return "GRANT pg_read_all_stats TO the account";
    }

    @Override
    public String incompleteTransactionListCause() {
        return "a prepared transaction, or one no session shows";
    }

    /** What {@link PostgresCatalog#COLUMNS} detects as a modification column. */
    @Override
    public String modificationColumnRemedy() {
        return "add a timestamptz(6) column with DEFAULT now() that a BEFORE UPDATE row trigger sets"
                + " (NEW.<column> := now())";
    }

    @Override
    public String missingTriggerRemedy(java.util.Collection<Integer> errorCodes) {
        return "GRANT TRIGGER on the tables to the account";
    }

    @Override
    public String openTransactionsProbeSql() {
        return "SELECT listed FROM " + quoteIdent(stateSchema) + ".esa_open_transactions()";
    }

    @Override
    public String openTransactionsSql() {
        return "SELECT listed, age FROM " + quoteIdent(stateSchema) + ".esa_open_transactions()";
    }

    @Override
    public String setWatermarkLowSql(String watermark) {
        return "UPDATE " + watermark + " SET low = read_at - ? * INTERVAL '1 second' WHERE seq = ?";
    }

    @Override
    public String registerWriterSql(String schemaVersion) {
        // The transaction's first statement: from here on pg_stat_activity shows its start, before it takes a stamp.
        return "SELECT 1";
    }

    @Override
    public String recordLaggedWatermarkSql(String watermark) {
        return "INSERT INTO " + watermark + " (read_at, low) SELECT n.now, n.now - ? * INTERVAL '1 second'"
                + " FROM (SELECT " + NOW + " AS now) n";
    }

    // --- catalog ---

    @Override
    public String viewsSql() {
        return "SELECT c.relname FROM pg_class c WHERE c.relnamespace = " + SCHEMA + " AND c.relkind IN ('v', 'm')"
                + " ORDER BY 1";
    }

    @Override
    public String tableExistsSql() {
        return "SELECT 1 FROM pg_class c WHERE c.relnamespace = " + SCHEMA + " AND c.relname = ?"
                + " AND c.relkind IN ('r', 'p', 'v')";
    }

    /** At most 63 bytes: PostgreSQL cuts longer names, so such a name is never a table's. */
    @Override
    public boolean isPossibleTableName(String name) {
        return !name.isEmpty() && name.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES
                && name.indexOf('\0') < 0;
    }

    @Override
    public String columnsSql() {
        return PostgresCatalog.COLUMNS.replace("$SCHEMA", SCHEMA);
    }

    @Override
    public String indexesSql() {
        return PostgresCatalog.INDEXES.replace("$SCHEMA", SCHEMA);
    }

    @Override
    public String primaryKeysSql() {
        return PostgresCatalog.PRIMARY_KEYS.replace("$SCHEMA", SCHEMA);
    }

    @Override
    public String foreignKeysSql() {
        return PostgresCatalog.FOREIGN_KEYS.replace("$SCHEMA", SCHEMA);
    }

    @Override
    public String triggersSql() {
        return PostgresCatalog.TRIGGERS.replace("$SCHEMA", SCHEMA);
    }

    @Override
    public String commentsSql() {
        return PostgresCatalog.COMMENTS.replace("$SCHEMA", SCHEMA);
    }

    /**
     * With {@code synchronous_commit=off} a commit reaches the walsender only when the WAL writer flushes it (every
     * {@code wal_writer_delay}, 200 ms by default); the fence's marker asks for its flush at once.
     */
    @Override
    public String durableCommitSql() {
        return "SET LOCAL synchronous_commit = on";
    }
}
