package org.esabridge.jdbc.dialect;

import java.sql.SQLException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.esabridge.api.ErrorCode;

/**
 * The SQL exceptions of a failure's cause chain: pools and drivers wrap the server's error (HikariCP, a driver's
 * own wrapper), so a dialect's rules look at every {@link SQLException} in it, outermost first.
 */
public final class SqlErrorChain {
    private SqlErrorChain() {
    }

    /** Whether any SQL exception of the chain matches. */
    public static boolean any(SQLException e, Predicate<SQLException> matches) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && matches.test(s)) {
                return true;
            }
        }
        return false;
    }

    /** The first code other than {@link ErrorCode#INTERNAL} the rule gives an exception of the chain, else INTERNAL. */
    public static ErrorCode classify(SQLException e, Function<SQLException, ErrorCode> rule) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                ErrorCode code = rule.apply(s);
                if (code != ErrorCode.INTERNAL) {
                    return code;
                }
            }
        }
        return ErrorCode.INTERNAL;
    }
}
