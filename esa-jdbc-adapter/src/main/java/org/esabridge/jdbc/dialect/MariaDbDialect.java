package org.esabridge.jdbc.dialect;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.StringJoiner;
import org.esabridge.api.ErrorCode;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.ValueKind;

/** MariaDB (and MySQL) specifics. Error numbers: https://mariadb.com/kb/en/mariadb-error-codes/ */
public final class MariaDbDialect implements Dialect {
    public static final MariaDbDialect INSTANCE = new MariaDbDialect();

    /** "Access denied; you need (at least one of) the PROCESS privilege(s)". */
    private static final int SPECIFIC_ACCESS_DENIED = 1227;
    private static final String NOW = "UTC_TIMESTAMP(6)";

    private MariaDbDialect() {
    }

    @Override
    public String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Override
    public ErrorCode classify(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                ErrorCode code = classifyOne(s);
                if (code != ErrorCode.INTERNAL) {
                    return code;
                }
            }
        }
        return ErrorCode.INTERNAL;
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
            case 1040, 1053, 2002, 2003, 2006, 2013, 1927 -> ErrorCode.DATABASE_UNAVAILABLE;
            // Lock wait timed out, statement interrupted by query-timeout-seconds or max_statement_time: the
            // database is too busy to answer in time, which the host handles like an outage (retry later).
            case 1205, 1317, 1969, 3024 -> ErrorCode.DATABASE_UNAVAILABLE;
            default -> ErrorCode.INTERNAL;
        };
    }

    @Override
    public boolean isRetryable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // 1213 deadlock, 1205 lock wait timeout: the write transaction is rolled back as a whole and run again.
            if (t instanceof SQLException s && (s.getErrorCode() == 1213 || s.getErrorCode() == 1205
                    || "40001".equals(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isMissingPrivilege(SQLException e) {
        return e.getErrorCode() == SPECIFIC_ACCESS_DENIED;
    }

    @Override
    public String sessionInitSql(int lockWaitSeconds) {
        // Strict mode: a bad value fails the write (INVALID_VALUE) instead of being truncated or zeroed.
        // Every session in UTC, so TIMESTAMP values and UTC_TIMESTAMP()/NOW() agree and nothing depends on
        // the server's or the JVM's zone.
        return "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
                + "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', innodb_lock_wait_timeout = " + lockWaitSeconds;
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
    public String floorToMillis(String timestamp) {
        return "(" + timestamp + " - INTERVAL (MICROSECOND(" + timestamp + ") % 1000) MICROSECOND)";
    }

    // --- statement shapes ---

    @Override
    public String forceIndex(String from, String index) {
        return from + " FORCE INDEX (" + quote(index) + ")";
    }

    @Override
    public String limit(String rows) {
        return " LIMIT " + rows;
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

    @Override
    public String inserted(String column) {
        return "VALUES(" + column + ")";
    }

    // --- triggers, version tables ---

    @Override
    public String tombstoneTriggerSql(Table t, String triggerName) {
        return trigger(triggerName, "DELETE", quote(t.name()), "INSERT INTO esa_tombstone"
                + " (table_name, row_id, deleted_at) VALUES (" + literal(t.name()) + ", " + idExpression(t) + ", " + NOW + ")");
    }

    /** A row trigger, created unless one of that name exists (idempotent, safe against a concurrent node). */
    private String trigger(String name, String event, String table, String statement) {
        return "CREATE TRIGGER IF NOT EXISTS " + quote(name) + " AFTER " + event + " ON " + table + " FOR EACH ROW "
                + statement;
    }

    /** The external id of the deleted row ({@code OLD}), as {@code RecordId} encodes it. */
    private String idExpression(Table t) {
        if (t.idColumns().size() == 1) {
            Column c = t.idColumns().get(0);
            return textOf(c, t.kind(c));
        }
        StringJoiner parts = new StringJoiner(", ", "CONCAT_WS(',', ", ")");
        for (Column c : t.idColumns()) {
            parts.add("REPLACE(REPLACE(" + textOf(c, t.kind(c)) + ", '%', '%25'), ',', '%2C')");
        }
        return parts.toString();
    }

    /** A column's text form as {@code ValueCodec} writes it. */
    private String textOf(Column c, ValueKind kind) {
        String col = "OLD." + quote(c.name());
        return switch (kind) {
            case BOOLEAN -> "IF(" + col + ", 'true', 'false')";
            case BITS -> "CAST(" + col + " + 0 AS CHAR)";
            case DATETIME -> "REPLACE(CAST(" + col + " AS CHAR), ' ', 'T')";
            case TIMESTAMP -> "CONCAT(REPLACE(CAST(CONVERT_TZ(" + col + ", @@session.time_zone, '+00:00') AS CHAR),"
                    + " ' ', 'T'), 'Z')";
            case BINARY -> "REPLACE(TO_BASE64(" + col + "), CHAR(10), '')";
            default -> "CAST(" + col + " AS CHAR)";
        };
    }

    private static String literal(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    @Override
    public List<String> versionTableSql(Table t, String insertTrigger, String updateTrigger, String deleteTrigger) {
        String v = quote(t.versionTable());
        String tbl = quote(t.name());
        StringJoiner ids = new StringJoiner(", ");
        StringJoiner newIds = new StringJoiner(", ");
        StringJoiner oldMatch = new StringJoiner(" AND ");
        for (Column col : t.idColumns()) {
            String q = quote(col.name());
            ids.add(q);
            newIds.add("NEW." + q);
            oldMatch.add(q + " = OLD." + q);
        }
        String upsert = upsert(v, ids + ", esa_modified_at", newIds + ", " + NOW, ids.toString(),
                "esa_modified_at = " + inserted("esa_modified_at"));
        return List.of(
                // The default only satisfies strict mode during CREATE … SELECT; every real row gets a stamp.
                "CREATE TABLE IF NOT EXISTS " + v
                        + " (esa_modified_at DATETIME(6) NOT NULL DEFAULT '1970-01-01 00:00:01',"
                        + " PRIMARY KEY (" + ids + "), KEY esa_ver_by_time (esa_modified_at, " + ids + "))"
                        + " ENGINE=InnoDB SELECT " + ids + " FROM " + tbl + " WHERE FALSE",
                trigger(insertTrigger, "INSERT", tbl, upsert),
                trigger(updateTrigger, "UPDATE", tbl, upsert),
                trigger(deleteTrigger, "DELETE", tbl, "DELETE FROM " + v + " WHERE " + oldMatch),
                // After the triggers exist, so that no row inserted meanwhile lacks a version.
                insertIfAbsent(v, ids + ", esa_modified_at", "SELECT " + ids + ", " + NOW + " FROM " + tbl));
    }

    // --- watermark ---

    @Override
    public String openTransactionsProbeSql() {
        return "SELECT COUNT(*) FROM information_schema.INNODB_TRX";
    }

    @Override
    public String insertWatermarkSql() {
        return "INSERT INTO esa_watermark (read_at, low) VALUES (" + NOW + ", " + NOW + ")";
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
    public String setWatermarkLowSql() {
        return "UPDATE esa_watermark SET low = read_at - INTERVAL ? SECOND WHERE seq = ?";
    }

    @Override
    public String registerWriterSql() {
        // A shared lock on a row nobody writes after start: the transaction is listed in INNODB_TRX from here
        // on, before it takes its time, and waits for no one.
        return "SELECT COUNT(*) FROM esa_schema_version LOCK IN SHARE MODE";
    }

    @Override
    public String recordLaggedWatermarkSql() {
        return "INSERT INTO esa_watermark (read_at, low)"
                + " SELECT n.now, n.now - INTERVAL ? SECOND FROM (SELECT " + NOW + " AS now) n";
    }

    // --- catalog: information_schema tells what JDBC metadata does not (ON UPDATE, generated, exact types) ---

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
                + " NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, IS_GENERATED"
                + " FROM information_schema.COLUMNS c JOIN information_schema.TABLES t"
                + " ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE'"
                + " WHERE c.TABLE_SCHEMA = DATABASE() ORDER BY c.TABLE_NAME, ORDINAL_POSITION";
    }

    @Override
    public String indexesSql() {
        return "SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS"
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
                + " k.REFERENCED_COLUMN_NAME, r.DELETE_RULE"
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
}
