package org.esabridge.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.esabridge.jdbc.capture.CaptureMode;
import org.esabridge.jdbc.postgres.TestPostgres;

/**
 * One database engine in one capture mode, for the scenario suites that must hold on every engine (the replica soak,
 * the sideways changes, the late commits): where a test's database comes from, and the few statements the engines
 * spell differently. The suites are {@code @ParameterizedClass}es over {@link #all()}; what they assert is the same
 * on each.
 */
abstract class EngineFixture {
    static final EngineFixture MARIADB_BINLOG = new MariaDb("binlog", CaptureMode.BINLOG);
    static final EngineFixture MARIADB_POLLING = new MariaDb("polling", CaptureMode.POLLING);
    static final EngineFixture POSTGRES_POLLING = new Postgres("polling", CaptureMode.POLLING);
    static final EngineFixture POSTGRES_LOG = new Postgres("log", CaptureMode.BINLOG);

    /** The {@code change-capture} value that forces the mode: never {@code auto}, which could silently poll. */
    final String capture;
    final CaptureMode mode;

    private EngineFixture(String capture, CaptureMode mode) {
        this.capture = capture;
        this.mode = mode;
    }

    static Stream<EngineFixture> all() {
        return Stream.of(MARIADB_BINLOG, MARIADB_POLLING, POSTGRES_POLLING, POSTGRES_LOG);
    }

    abstract boolean postgres();

    /** A database name for this fixture's run of a suite: fixtures never share tables, tombstones or an index. */
    String database(String suite) {
        return "esa_" + suite + "_" + (postgres() ? "pg_" : "") + capture + "_test";
    }

    abstract void fresh(String db);

    abstract void exec(String db, String... sql);

    /** A plain connection in UTC, to arrange and check data behind the adapter's back. */
    abstract Connection connect(String db) throws SQLException;

    /** Settings pointing at the database, in this fixture's capture mode, plus {@code extra} (key, value, …). */
    abstract Map<String, String> settings(String db, String... extra);

    JdbcAdapter adapter(String db, String... extra) {
        return JdbcAdapter.start(JdbcAdapterConfig.fromSettings(settings(db, extra), null));
    }

    /** The modification column, kept on every update by the application (its default, its own trigger). */
    abstract String modifiedColumn();

    /**
     * What keeps {@link #modifiedColumn()} on updates that do not set it, run after the tables exist: nothing on
     * MariaDB ({@code ON UPDATE}), the application's own trigger on PostgreSQL.
     */
    abstract List<String> stampedOnUpdate(String... tables);

    /** A modification column of wall-clock times without zone (MariaDB DATETIME, PostgreSQL timestamp). */
    abstract String localModifiedColumn();

    /** A timestamp stored as an instant (MariaDB TIMESTAMP, PostgreSQL timestamptz). */
    abstract String instantTimestamp(int precision);

    /** Makes the session write local times in {@code zone} ({@code +05:00}). */
    abstract String setZone(String zone);

    /** Writes a row over a live or deleted id: REPLACE INTO on MariaDB, INSERT … ON CONFLICT on PostgreSQL. */
    abstract String upsert(String table, String columns, String values, String key, String updated);

    /** Renames {@code a} to {@code aNew} and {@code b} to {@code a}, as one statement or transaction. */
    abstract List<String> renameSwap(String a, String aNew, String b);

    /** A condition that holds after {@code seconds} of waiting in the statement: a slow statement. */
    abstract String slowCondition(double seconds);

    /** Counts the other sessions running a statement that contains {@code text}. */
    abstract String runningStatements(String text);

    /** The database's clock as the session sees it: in a transaction, the time its next stamp would carry or later. */
    abstract java.time.Instant now(java.sql.Statement s) throws SQLException;

    /** Whether a transaction's stamps are its start ({@code now()} on PostgreSQL) rather than each statement's. */
    abstract boolean stampsAtTransactionStart();

    @Override
    public String toString() {
        return (postgres() ? "postgresql-" : "mariadb-") + capture;
    }

    private static final class MariaDb extends EngineFixture {
        MariaDb(String capture, CaptureMode mode) {
            super(capture, mode);
        }

        @Override
        boolean postgres() {
            return false;
        }

        @Override
        void fresh(String db) {
            TestDatabase.freshSchema(db);
        }

        @Override
        void exec(String db, String... sql) {
            TestDatabase.exec(db, sql);
        }

        @Override
        Connection connect(String db) throws SQLException {
            return TestDatabase.connect(db);
        }

        @Override
        Map<String, String> settings(String db, String... extra) {
            Map<String, String> m = TestDatabase.settings(db, extra);
            m.put(JdbcAdapterConfig.CHANGE_CAPTURE, capture);
            return m;
        }

        @Override
        String modifiedColumn() {
            return "modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)";
        }

        @Override
        List<String> stampedOnUpdate(String... tables) {
            return List.of();
        }

        @Override
        String localModifiedColumn() {
            return "modified DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)";
        }

        @Override
        String instantTimestamp(int precision) {
            return "TIMESTAMP(" + precision + ")";
        }

        @Override
        String setZone(String zone) {
            return "SET time_zone = '" + zone + "'";
        }

        @Override
        String upsert(String table, String columns, String values, String key, String updated) {
            // The delete half fires the delete trigger for a row that lives on.
            return "REPLACE INTO " + table + " (" + columns + ") VALUES (" + values + ")";
        }

        @Override
        List<String> renameSwap(String a, String aNew, String b) {
            return List.of("RENAME TABLE " + a + " TO " + aNew + ", " + b + " TO " + a);
        }

        @Override
        String slowCondition(double seconds) {
            return "(SELECT SLEEP(" + seconds + ")) = 0";
        }

        @Override
        String runningStatements(String text) {
            return "SELECT count(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query' AND ID <> CONNECTION_ID()"
                    + " AND INFO LIKE '%" + text + "%'";
        }

        @Override
        java.time.Instant now(java.sql.Statement s) throws SQLException {
            try (java.sql.ResultSet rs = s.executeQuery("SELECT NOW(6)")) {
                rs.next();
                return rs.getObject(1, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC);
            }
        }

        @Override
        boolean stampsAtTransactionStart() {
            return false;
        }
    }

    private static final class Postgres extends EngineFixture {
        Postgres(String capture, CaptureMode mode) {
            super(capture, mode);
        }

        @Override
        boolean postgres() {
            return true;
        }

        @Override
        void fresh(String db) {
            TestPostgres.freshDatabase(db);
            // The application's trigger that keeps the modification column: now() unless the statement set it.
            TestPostgres.exec(db, "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF NEW.modified IS NOT DISTINCT FROM OLD.modified THEN NEW.modified := now(); END IF;"
                    + " RETURN NEW; END $$");
        }

        @Override
        void exec(String db, String... sql) {
            TestPostgres.exec(db, sql);
        }

        @Override
        Connection connect(String db) throws SQLException {
            return TestPostgres.connect(db);
        }

        @Override
        Map<String, String> settings(String db, String... extra) {
            Map<String, String> m = TestPostgres.settings(db, extra);
            m.put(JdbcAdapterConfig.CHANGE_CAPTURE, capture);
            return m;
        }

        @Override
        String modifiedColumn() {
            return "modified timestamptz NOT NULL DEFAULT now()";
        }

        @Override
        List<String> stampedOnUpdate(String... tables) {
            return Stream.of(tables).map(t -> "CREATE TRIGGER " + t + "_stamp BEFORE UPDATE ON " + t
                    + " FOR EACH ROW EXECUTE FUNCTION stamp()").toList();
        }

        @Override
        String localModifiedColumn() {
            return "modified timestamp(6) NOT NULL DEFAULT now()";
        }

        @Override
        String instantTimestamp(int precision) {
            return "timestamptz(" + precision + ")";
        }

        @Override
        String setZone(String zone) {
            return "SET TIME ZONE INTERVAL '" + zone + "' HOUR TO MINUTE";
        }

        @Override
        String upsert(String table, String columns, String values, String key, String updated) {
            return "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ") ON CONFLICT (" + key + ") DO "
                    + (updated.isEmpty() ? "NOTHING" : "UPDATE SET " + updated);
        }

        @Override
        List<String> renameSwap(String a, String aNew, String b) {
            return List.of("BEGIN; ALTER TABLE " + a + " RENAME TO " + aNew + "; ALTER TABLE " + b + " RENAME TO " + a
                    + "; COMMIT");
        }

        @Override
        String slowCondition(double seconds) {
            return "(SELECT true FROM pg_sleep(" + seconds + "))";
        }

        @Override
        String runningStatements(String text) {
            return "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()"
                    + " AND position('" + text + "' IN query) > 0";
        }

        @Override
        java.time.Instant now(java.sql.Statement s) throws SQLException {
            try (java.sql.ResultSet rs = s.executeQuery("SELECT now()")) {
                rs.next();
                return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
            }
        }

        @Override
        boolean stampsAtTransactionStart() {
            return true;
        }
    }
}
