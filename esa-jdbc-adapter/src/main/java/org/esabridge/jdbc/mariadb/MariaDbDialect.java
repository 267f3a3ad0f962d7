package org.esabridge.jdbc.mariadb;

import org.esabridge.api.ErrorCode;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.changes.VersionRowSql;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Function;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.catalog.ValueKind;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.SqlErrorChain;
import org.esabridge.jdbc.dialect.StateTables;

/** MariaDB (and MySQL) specifics. Error numbers: https://mariadb.com/kb/en/mariadb-error-codes/ */
public final class MariaDbDialect implements Dialect {
    public static final MariaDbDialect INSTANCE = new MariaDbDialect();

    /** "Access denied; you need (at least one of) the PROCESS privilege(s)". */
    private static final int SPECIFIC_ACCESS_DENIED = 1227;
    private static final int DEADLOCK = 1213;
    private static final int LOCK_WAIT_TIMEOUT = 1205;
    private static final String NOW = "UTC_TIMESTAMP(6)";

    private MariaDbDialect() {
    }

    @Override
    public ValueCodec values() {
        return MariaDbValues.INSTANCE;
    }

    @Override
    public String modificationColumnRemedy() {
        return "add a TIMESTAMP(6) column with ON UPDATE CURRENT_TIMESTAMP(6)";
    }

    @Override
    public String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Override
    public ErrorCode classify(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // A row larger than the driver's maxAllowedPacket (unless the JDBC URL sets it, a quarter of the heap,
            // 16 MiB..1 GiB): the driver drops the connection (08000), but retrying cannot help, so it is not
            // DATABASE_UNAVAILABLE.
            if (t instanceof org.mariadb.jdbc.export.MaxAllowedPacketException) {
                return ErrorCode.TOO_LARGE;
            }
        }
        return SqlErrorChain.classify(e, MariaDbDialect::classifyOne);
    }

    private static ErrorCode classifyOne(SQLException e) {
        if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException) {
            return ErrorCode.DATABASE_UNAVAILABLE;
        }
        String state = e.getSQLState();
        if (state != null && state.startsWith("08")) {
            return ErrorCode.DATABASE_UNAVAILABLE;
        }
        return switch (e.getErrorCode()) {
            case 1062, 1586 -> ErrorCode.DUPLICATE_RECORD;        // duplicate entry for key
            case 1451, 1452, 1216, 1217 -> ErrorCode.CONSTRAINT_VIOLATION; // foreign key
            case 4025, 3819 -> ErrorCode.CONSTRAINT_VIOLATION;   // CHECK constraint
            case 1048, 1364 -> ErrorCode.CONSTRAINT_VIOLATION;   // NOT NULL / no default
            case 1264, 1265, 1292, 1366, 1367, 1406, 1411, 1690, 3140, 4078 -> ErrorCode.INVALID_VALUE;
            case 1416 -> ErrorCode.INVALID_VALUE;                // bytes that are no geometry (TypeMapping)
            case 1040, 1053, 2002, 2003, 2006, 2013, 1927 -> ErrorCode.DATABASE_UNAVAILABLE;
            // Lock wait timed out, statement interrupted by query-timeout-seconds or max_statement_time: the
            // database is too busy to answer in time, which the host handles like an outage (retry later).
            case 1205, 1317, 1969, 3024 -> ErrorCode.DATABASE_UNAVAILABLE;
            // A write conflict that outlasted its retries (write.Deadlocks): nothing was applied, and a later try
            // may pass, which is what the host does with DATABASE_UNAVAILABLE. RECORD_MODIFIED would claim a
            // last-seen check that was never decided.
            case DEADLOCK -> ErrorCode.DATABASE_UNAVAILABLE;
            default -> ErrorCode.INTERNAL;
        };
    }

    @Override
    public boolean isWriteConflict(SQLException e) {
        // 1213 (SQLSTATE 40001) is InnoDB's deadlock and equally Galera's failed certification ("WSREP detected
        // deadlock/conflict and aborted the transaction"): in both the transaction was rolled back as a whole.
        return SqlErrorChain.any(e, s -> s.getErrorCode() == DEADLOCK || "40001".equals(s.getSQLState()));
    }

    @Override
    public boolean isRetryable(SQLException e) {
        return SqlErrorChain.any(e, s -> s.getErrorCode() == LOCK_WAIT_TIMEOUT) || isWriteConflict(e);
    }

    @Override
    public boolean isMissingPrivilege(SQLException e) {
        return e.getErrorCode() == SPECIFIC_ACCESS_DENIED;
    }

    @Override
    public String sessionInitSql(int lockWaitSeconds, boolean causalReads) {
        // Strict mode: a bad value fails the write (INVALID_VALUE) instead of being truncated or zeroed.
        // Zero dates are allowed (no NO_ZERO_DATE / NO_ZERO_IN_DATE): a host writes back the 0000-00-00 it read
        // (ZeroDates); only text spelling one explicitly produces one.
        // Every session in UTC, so TIMESTAMP values and UTC_TIMESTAMP()/NOW() agree and nothing depends on
        // the server's or the JVM's zone.
        // wsrep_sync_wait = 1 (reads): Galera applies other nodes' write sets a little after they commit; without
        // the wait a cursor opened through node A was unknown to node B a moment later (GaleraReplicaSoakTest).
        // Only where asked: a MariaDB built without Galera support has no such variable.
        return "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,"
                + "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', innodb_lock_wait_timeout = " + lockWaitSeconds
                + (causalReads ? ", wsrep_sync_wait = 1" : "");
    }

    @Override
    public java.util.Map<String, String> driverProperties() {
        return java.util.Map.of("connectionTimeZone", "UTC", "forceConnectionTimeZoneToSession", "false",
                "preserveInstants", "true");
    }

    @Override
    public java.util.Map<String, String> probeProperties() {
        return java.util.Map.of("connectTimeout", "3000"); // milliseconds
    }

    @Override
    public String currentSchemaSql() {
        return "SELECT DATABASE()";
    }

    @Override
    public List<List<String>> migrations(StateTables state) {
        return MariaDbMigrations.versions(state);
    }

    @Override
    public List<String> bootstrapSql(StateTables state) {
        return MariaDbMigrations.bootstrap(state);
    }

    @Override
    public String defaultStateSchema() {
        return "";
    }

    @Override
    public String asDouble(String expression) {
        return "CAST(" + expression + " AS DOUBLE)";
    }

    @Override
    public List<String> demoSchemaSql() {
        return MariaDbMigrations.DEMO;
    }

    // --- time ---

    @Override
    public String now() {
        return NOW;
    }

    @Override
    public String timestampParameter() {
        return "CAST(? AS DATETIME(6))";
    }

    @Override
    public String plus(String timestamp, String amount, ChronoUnit unit) {
        return timestamp + " + INTERVAL " + amount + " " + intervalUnit(unit);
    }

    @Override
    public String minus(String timestamp, String amount, ChronoUnit unit) {
        return timestamp + " - INTERVAL " + amount + " " + intervalUnit(unit);
    }

    private static String intervalUnit(ChronoUnit unit) {
        return switch (unit) {
            case MICROS -> "MICROSECOND";
            case SECONDS -> "SECOND";
            case MINUTES -> "MINUTE";
            case DAYS -> "DAY";
            default -> throw new IllegalArgumentException("no interval unit for " + unit);
        };
    }

    @Override
    public String databaseZoneSql() {
        // CONVERT_TZ to SYSTEM needs no time zone tables.
        return "SELECT @@global.time_zone, @@system_time_zone,"
                + " TIMESTAMPDIFF(SECOND, " + NOW + ", CONVERT_TZ(" + NOW + ", '+00:00', 'SYSTEM'))";
    }

    @Override
    public String floorToMillis(String timestamp) {
        return "(" + timestamp + " - INTERVAL (MICROSECOND(" + timestamp + ") % 1000) MICROSECOND)";
    }

    @Override
    public String earliestTimestamp() {
        return "CAST('1000-01-01 00:00:00' AS DATETIME(6))";
    }

    // --- statement shapes ---

    @Override
    public String assignTarget(String alias, String column) {
        return alias + "." + column;
    }

    @Override
    public String forceIndex(String from, String index) {
        return from + " FORCE INDEX (" + quote(index) + ")";
    }

    @Override
    public String limit(String rows) {
        return " LIMIT " + rows;
    }

    @Override
    public String estimate(String select) {
        return "EXPLAIN " + select;
    }

    @Override
    public String estimatedRowsColumn() {
        return "rows";
    }

    @Override
    public String deleteFrom(String from) {
        // A single-table DELETE takes no alias in MariaDB before 11.6; the multi-table form does.
        return "DELETE t FROM " + from;
    }

    @Override
    public String deleteFirst(String table, String where, String order, int rows) {
        return "DELETE FROM " + table + " WHERE " + where + " ORDER BY " + order + limit(Integer.toString(rows));
    }

    @Override
    public String insertIfAbsent(String table, String columns, String rows) {
        return "INSERT IGNORE INTO " + table + " (" + columns + ") " + rows;
    }

    @Override
    public String upsert(String table, String columns, String values, String key, String updates) {
        // MariaDB finds the conflicting row by any unique key itself; key documents which one is meant.
        return "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ") ON DUPLICATE KEY UPDATE " + updates;
    }

    /**
     * Parsing a multi-row VALUES list was a quarter of the server's time per entry, and the driver's text for
     * 6 values an entry most of the writer thread's: with one JSON parameter a row event of the catch-up costs a
     * third less CPU, server and reader together (issue 22).
     */
    @Override
    public String upsertChangesFromJson(String changeTable, DatabaseMetaData server) throws SQLException {
        int major = server.getDatabaseMajorVersion();
        if (major < 10 || major == 10 && server.getDatabaseMinorVersion() < 6) {
            return null; // JSON_TABLE came with 10.6
        }
        // Table and id come as hex (capture.ChangeArray): JSON_TABLE does not undo a string's escapes.
        String id = "CONVERT(UNHEX(j.row_id) USING utf8mb4)";
        return "INSERT INTO " + changeTable + " (table_name, row_hash, row_id, kind, stamp, seq)"
                + " SELECT CONVERT(UNHEX(j.table_name) USING utf8mb4), IF(j.marker IS NULL, " + rowHash(id) + ", ?), "
                + id + ", j.kind, ?, ? + j.n"
                + " FROM JSON_TABLE(?, '$[*]' COLUMNS (n FOR ORDINALITY,"
                + " table_name VARCHAR(512) CHARACTER SET ascii PATH '$[0]',"
                + " row_id MEDIUMTEXT CHARACTER SET ascii PATH '$[1]',"
                + " kind CHAR(1) CHARACTER SET ascii PATH '$[2]',"
                + " marker INT PATH '$[3]')) j"
                + " ON DUPLICATE KEY UPDATE row_id = VALUES(row_id), kind = VALUES(kind), stamp = VALUES(stamp),"
                + " seq = VALUES(seq)";
    }

    @Override
    public String inserted(String column) {
        return "VALUES(" + column + ")";
    }

    // --- triggers, version tables ---

    @Override
    public String createTriggerSql(String name, String timing, String event, String table, String body,
                                   boolean replace) {
        return "CREATE " + (replace ? "OR REPLACE " : "") + "TRIGGER " + (replace ? "" : "IF NOT EXISTS ")
                + quote(name) + " " + timing + " " + event + " ON " + quote(table) + " FOR EACH ROW " + body;
    }

    @Override
    public String dropTriggerSql(String name) {
        return "DROP TRIGGER IF EXISTS " + quote(name);
    }

    @Override
    public boolean cascadesFireTriggers() {
        return false;
    }

    @Override
    public boolean truncateTriggers() {
        return false;
    }

    @Override
    public boolean hasBinaryLog() {
        return true;
    }

    @Override
    public String conditional(String condition, String statement) {
        return "IF " + condition + " THEN " + statement + "; END IF";
    }

    @Override
    public String triggerBody(String condition, List<String> statements) {
        String list = String.join("; ", statements) + ";";
        if (condition != null) {
            return "BEGIN IF " + condition + " THEN " + list + " END IF; END";
        }
        return statements.size() == 1 ? statements.get(0) : "BEGIN " + list + " END";
    }

    @Override
    public String differ(List<String> a, List<String> b) {
        StringJoiner same = new StringJoiner(" AND ", "NOT (", ")");
        for (int i = 0; i < a.size(); i++) {
            // BINARY: a key changed only in letter case is another external id under a case-blind collation.
            same.add("BINARY " + a.get(i) + " <=> BINARY " + b.get(i));
        }
        return same.toString();
    }

    @Override
    public String adapterTriggersSql() {
        return "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_STATEMENT, SQL_MODE FROM information_schema.TRIGGERS"
                + " WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME LIKE 'esa\\_%'";
    }

    @Override
    public String rowHashAlgorithm() {
        return "SHA-1";
    }

    @Override
    public String rowHash(String text) {
        return "UNHEX(SHA1(CONVERT(" + text + " USING utf8mb4)))";
    }

    @Override
    public String enterTriggerModeSql() {
        return "SET @esa_session_mode = @@SESSION.sql_mode, SESSION sql_mode = '" + triggerSqlMode() + "'";
    }

    @Override
    public String leaveTriggerModeSql() {
        return "SET SESSION sql_mode = @esa_session_mode";
    }

    @Override
    public String triggerSqlMode() {
        // The empty mode is the most permissive: a strict mode (the adapter's sessions run under one) stored with
        // the trigger turned a value the application's table accepted under its own mode (a zero date, say) into
        // ERROR 1292 inside the trigger. The bodies only copy a row's values (ids into text, into columns of the
        // same types), so nothing the table holds can fail them under this mode.
        return "";
    }

    @Override
    public String stateWritersSql() {
        String me = "CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''',"
                + " SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')";
        String writes = " PRIVILEGE_TYPE IN ('INSERT', 'UPDATE', 'DELETE', 'DROP', 'ALTER', 'CREATE', 'INDEX', 'TRIGGER')";
        // A schema grant's name is a LIKE pattern (GRANT … ON `app\_%`.*).
        return "SELECT GRANTEE FROM information_schema.SCHEMA_PRIVILEGES WHERE ? LIKE TABLE_SCHEMA AND" + writes
                + " AND GRANTEE <> " + me
                + " UNION SELECT GRANTEE FROM information_schema.TABLE_PRIVILEGES WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_NAME LIKE 'esa\\_%' AND" + writes + " AND GRANTEE <> " + me
                + " ORDER BY 1";
    }

    @Override
    public String tableCreateTimesSql() {
        return "SELECT TABLE_NAME, CREATE_TIME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
                + " AND TABLE_TYPE = 'BASE TABLE'";
    }

    @Override
    public String tableIdsSql() {
        // InnoDB gives a table a new id when TRUNCATE or ALTER … FORCE rebuilds it, which CREATE_TIME (the
        // .frm's) does not show; readable with the PROCESS privilege only. Names are schema/table, with
        // characters outside [A-Za-z0-9_] encoded (@0024 …): such tables simply find no id.
        return "SELECT SUBSTRING(NAME, LENGTH(DATABASE()) + 2), TABLE_ID FROM information_schema.INNODB_SYS_TABLES"
                + " WHERE NAME LIKE CONCAT(DATABASE(), '/%')";
    }

    /** A row trigger, created unless one of that name exists (idempotent, safe against a concurrent node). */
    private String trigger(String name, String event, String table, String statement) {
        return "CREATE TRIGGER IF NOT EXISTS " + quote(name) + " AFTER " + event + " ON " + table + " FOR EACH ROW "
                + statement;
    }

    @Override
    public String idText(Table t, Function<Column, String> column) {
        if (t.idColumns().size() == 1) {
            Column c = t.idColumns().get(0);
            return textOf(c, t.kind(c), column.apply(c));
        }
        StringJoiner parts = new StringJoiner(", ", "CONCAT_WS(',', ", ")");
        for (Column c : t.idColumns()) {
            parts.add("REPLACE(REPLACE(" + textOf(c, t.kind(c), column.apply(c)) + ", '%', '%25'), ',', '%2C')");
        }
        return parts.toString();
    }

    /** A column's text form as {@code ValueCodec} writes it. */
    private String textOf(Column c, ValueKind kind, String col) {
        return switch (kind) {
            case BOOLEAN -> "IF(" + col + ", 'true', 'false')";
            case BITS -> "CAST(" + col + " + 0 AS CHAR)";
            case DATETIME -> "REPLACE(CAST(" + col + " AS CHAR), ' ', 'T')";
            // UNIX_TIMESTAMP reads the stored UTC instant whatever the deleting session's zone; a round trip
            // through that zone (CONVERT_TZ) is ambiguous in a daylight-saving fall-back hour.
            // The zero TIMESTAMP (UNIX_TIMESTAMP 0 or NULL) is spelled as ZeroDates spells it.
            case TIMESTAMP -> "IF(COALESCE(UNIX_TIMESTAMP(" + col + "), 0) = 0, '" + ZeroDates.wire(0, 0, 0, 0, 0, 0, 0, kind, c.fsp())
                    + "', CONCAT(REPLACE(CAST(CAST(TIMESTAMP'1970-01-01 00:00:00' + INTERVAL UNIX_TIMESTAMP(" + col
                    + ") SECOND AS DATETIME(" + c.fsp() + ")) AS CHAR), ' ', 'T'), 'Z'))";
            // ZEROFILL and YEAR: the number, not MariaDB's zero-padded text of it.
            case INTEGER -> MariaDbValues.isZeroPadded(c) ? "CAST(" + col + " + 0 AS CHAR)" : "CAST(" + col + " AS CHAR)";
            case BINARY -> "REPLACE(TO_BASE64(" + col + "), CHAR(10), '')";
            default -> "CAST(" + col + " AS CHAR)";
        };
    }

    @Override
    public String literal(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    @Override
    public List<String> versionTableSql(Table t, String insertTrigger, String updateTrigger, String deleteTrigger) {
        String v = quote(t.versionTable());
        String tbl = quote(t.name());
        VersionRowSql row = VersionRowSql.of(this, t, v, NOW);
        String ids = row.ids();
        return List.of(
                // The default only satisfies strict mode during CREATE … SELECT; every real row gets a stamp.
                "CREATE TABLE IF NOT EXISTS " + v
                        + " (esa_modified_at DATETIME(6) NOT NULL DEFAULT '1970-01-01 00:00:01',"
                        + " PRIMARY KEY (" + ids + "), KEY esa_ver_by_time (esa_modified_at, " + ids + "))"
                        + " ENGINE=InnoDB SELECT " + ids + " FROM " + tbl + " WHERE FALSE",
                trigger(insertTrigger, "INSERT", tbl, row.upsert()),
                trigger(updateTrigger, "UPDATE", tbl, row.upsert()),
                trigger(deleteTrigger, "DELETE", tbl, row.delete()),
                // After the triggers exist, so that no row inserted meanwhile lacks a version.
                row.backfill());
    }

    // --- cluster ---

    @Override
    public boolean isGaleraNode(Connection c) throws SQLException {
        // The global value: a session may switch replication off for itself, the server is still a node. No row
        // at all on a server built without wsrep (MySQL); OFF on a plain MariaDB.
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'")) {
            return rs.next() && "ON".equalsIgnoreCase(rs.getString(2));
        }
    }

    @Override
    public String serverNameSql() {
        return "CONCAT(@@hostname, ':', @@port)";
    }

    @Override
    public String connectionExistsSql() {
        return "SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ?";
    }

    // --- watermark ---

    @Override
    public String openTransactionsPrivilege() {
        return "PROCESS";
    }

    @Override
    public String openTransactionsGrant() {
        return "GRANT PROCESS ON *.* to the account";
    }

    @Override
    public String incompleteTransactionListCause() {
        return "INNODB_TRX read by other sessions less than 100 ms apart";
    }

    /** The refusal of CREATE TRIGGER to an account without SUPER while the binary log is on. */
    static final int NEEDS_TRUST_FUNCTION_CREATORS = 1419;

    @Override
    public String missingTriggerRemedy(java.util.Collection<Integer> errorCodes) {
        return errorCodes.contains(NEEDS_TRUST_FUNCTION_CREATORS)
                ? "the binary log is on and the account lacks SUPER - SET GLOBAL log_bin_trust_function_creators=1"
                : "GRANT TRIGGER on the tables to the account";
    }

    @Override
    public String openTransactionsProbeSql() {
        return "SELECT COUNT(*) FROM information_schema.INNODB_TRX";
    }

    @Override
    public String openTransactionsSql() {
        // trx_started is the server's system local time with second precision, whatever the session zone: its
        // age is measured in that zone. Every other transaction counts, locks or not. And a statement can fix
        // its stamp long before InnoDB hears of it (a constant subquery is evaluated while the statement is
        // optimised): so the longest-running statement of the processlist counts too (TIME_MS, live, not cached).
        return "SELECT COALESCE(SUM(trx_mysql_thread_id = CONNECTION_ID()), 0),"
                + " NULLIF(GREATEST(COALESCE(TIMESTAMPDIFF(SECOND,"
                + " MIN(IF(trx_mysql_thread_id <> CONNECTION_ID(), trx_started, NULL)),"
                + " CONVERT_TZ(" + NOW + ", '+00:00', 'SYSTEM')), -1),"
                + " COALESCE((SELECT CEIL(MAX(TIME_MS) / 1000) FROM information_schema.PROCESSLIST"
                + " WHERE COMMAND = 'Query' AND ID <> CONNECTION_ID()), -1)), -1)"
                + " FROM information_schema.INNODB_TRX";
    }

    @Override
    public String setWatermarkLowSql(String watermark) {
        return "UPDATE " + watermark + " SET low = read_at - INTERVAL ? SECOND WHERE seq = ?";
    }

    @Override
    public String registerWriterSql(String schemaVersion) {
        // A shared lock on a row nobody writes after start: the transaction is listed in INNODB_TRX from here
        // on, before it takes its time, and waits for no one.
        return "SELECT COUNT(*) FROM " + schemaVersion + " LOCK IN SHARE MODE";
    }

    @Override
    public String recordLaggedWatermarkSql(String watermark) {
        return "INSERT INTO " + watermark + " (read_at, low)"
                + " SELECT n.now, n.now - INTERVAL ? SECOND FROM (SELECT " + NOW + " AS now) n";
    }

    // --- catalog: information_schema tells what JDBC metadata does not (ON UPDATE, generated, exact types) ---

    @Override
    public String viewsSql() {
        return "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'VIEW'"
                + " ORDER BY 1";
    }

    @Override
    public String tableExistsSql() {
        return "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?";
    }

    /** At most 64 characters, none outside the Basic Multilingual Plane (the catalog is utf8mb3). */
    @Override
    public boolean isPossibleTableName(String name) {
        return !name.isEmpty() && name.length() <= 64 && name.codePoints().allMatch(cp -> cp <= 0xFFFF);
    }

    @Override
    public String columnsSql() {
        return "SELECT c.TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_MAXIMUM_LENGTH,"
                + " NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, IS_GENERATED,"
                // From the name, which every version spells so (COLLATIONS.PAD_ATTRIBUTE is not in 10.11); binary
                // strings have no collation and compare every byte; 11.4's utf8mb4_0900_* are uca1400_nopad aliases.
                + " CASE WHEN c.COLLATION_NAME IS NULL OR c.COLLATION_NAME LIKE '%nopad%'"
                + " OR c.COLLATION_NAME LIKE '%\\_0900\\_%' THEN 'NO PAD' ELSE 'PAD SPACE' END"
                + " FROM information_schema.COLUMNS c JOIN information_schema.TABLES t"
                + " ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE'"
                + " WHERE c.TABLE_SCHEMA = DATABASE() ORDER BY c.TABLE_NAME, ORDINAL_POSITION";
    }

    @Override
    public String indexesSql() {
        return "SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME, NON_UNIQUE FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";
    }

    @Override
    public String primaryKeysSql() {
        return "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
                + " WHERE TABLE_SCHEMA = DATABASE() AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY TABLE_NAME, ORDINAL_POSITION";
    }

    @Override
    public String foreignKeysSql() {
        return "SELECT k.CONSTRAINT_NAME, k.TABLE_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME,"
                + " k.REFERENCED_COLUMN_NAME, r.DELETE_RULE, r.UPDATE_RULE"
                + " FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r"
                + " ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME"
                + " AND r.TABLE_NAME = k.TABLE_NAME"
                + " WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL"
                + " ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";
    }

    @Override
    public String triggersSql() {
        return "SELECT EVENT_OBJECT_TABLE, EVENT_MANIPULATION, TRIGGER_NAME FROM information_schema.TRIGGERS"
                + " WHERE TRIGGER_SCHEMA = DATABASE()";
    }

    @Override
    public String commentsSql() {
        return null;
    }
}
