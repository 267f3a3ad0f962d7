package org.esabridge.jdbc.dialect;

import java.sql.SQLException;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaRecordException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns driver errors into protocol faults whose messages hold no SQL, no driver text and no credentials:
 * the driver's message goes to the log only.
 */
public final class Faults {
    private static final Logger LOG = LoggerFactory.getLogger(Faults.class);

    private Faults() {
    }

    /** A fault for a failed call that concerns no single record. */
    public static EsaException of(Dialect dialect, SQLException e, String what) {
        ErrorCode code = dialect.classify(e);
        log(code, e, what);
        return new EsaException(code, message(dialect, code, e, what), e);
    }

    /** A fault for a failed write of one record. */
    public static EsaRecordException ofRecord(Dialect dialect, SQLException e, String what, String structure, String id) {
        ErrorCode code = dialect.classify(e);
        log(code, e, what);
        return new EsaRecordException(code, message(dialect, code, e, what), structure, id, null);
    }

    private static void log(ErrorCode code, SQLException e, String what) {
        if (code == ErrorCode.INTERNAL || code == ErrorCode.DATABASE_UNAVAILABLE) {
            LOG.warn("{} failed ({}): {} [{} {}]", what, code, e.getMessage(), e.getSQLState(), e.getErrorCode());
        } else {
            LOG.debug("{} refused ({}): {}", what, code, e.getMessage());
        }
    }

    private static String message(Dialect dialect, ErrorCode code, SQLException e, String what) {
        if (code == ErrorCode.DATABASE_UNAVAILABLE && dialect.isWriteConflict(e)) {
            // Said outright so that a host (or its operator) knows a retry cannot apply the write twice.
            return what + ": it kept conflicting with concurrent writes (on this or another database node) and was"
                    + " not applied; try again";
        }
        return switch (code) {
            case DATABASE_UNAVAILABLE -> what + ": the database is unavailable";
            case DUPLICATE_RECORD -> what + ": a record with the same key already exists";
            case CONSTRAINT_VIOLATION -> what + ": the database refused the values (a required value is missing"
                    + " or a reference or check does not hold)";
            case INVALID_VALUE -> what + ": a value does not fit its field (type, range or length)";
            case TOO_LARGE -> what + ": a row is larger than the database connection accepts (maxAllowedPacket)";
            default -> what + ": the database reported an error";
        };
    }
}
