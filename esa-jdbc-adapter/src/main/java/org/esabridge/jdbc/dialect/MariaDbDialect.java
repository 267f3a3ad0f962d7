package org.esabridge.jdbc.dialect;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.esabridge.api.ErrorCode;

/** MariaDB (and MySQL) specifics. Error numbers: https://mariadb.com/kb/en/mariadb-error-codes/ */
public final class MariaDbDialect implements Dialect {
    public static final MariaDbDialect INSTANCE = new MariaDbDialect();

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
}
