package org.esabridge.jdbc.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read cut short by an error the driver does not expect (an {@link OutOfMemoryError} while it reads a row, or
 * any other {@link Error} or {@link RuntimeException} in the middle of a result) may leave the connection's
 * protocol out of step: the next statement on it reads the rest of the old answer as its own
 * ({@code invalid length-encoded value}). Such a connection must not be used again, not even for a rollback,
 * nor go back to the pool: it is aborted (its socket closed), and the pool, finding it closed, discards it.
 */
public final class UnsettledConnection {
    private static final Logger LOG = LoggerFactory.getLogger(UnsettledConnection.class);

    private UnsettledConnection() {
    }

    /** Aborts the connection; the failure that made it unsettled is what the caller reports. */
    public static void discard(Connection c) {
        try {
            c.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("aborting an unsettled connection failed: {}", e.toString());
        }
    }

    /**
     * Discards the connection after {@code failure} and gives what the caller throws: TOO_LARGE for memory (a
     * row did not fit into this server's heap), otherwise the failure itself is rethrown.
     */
    public static EsaException discarded(Connection c, Throwable failure, String what) {
        discard(c);
        if (failure instanceof OutOfMemoryError) {
            LOG.warn("{} ran out of memory; its connection was discarded", what);
            return new EsaException(ErrorCode.TOO_LARGE, what + " needed more memory than this server has"
                    + " (a row too large for its heap); nothing was changed");
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw (RuntimeException) failure;
    }
}
