package org.esabridge.jdbc.changes;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import org.esabridge.api.EsaException;
import org.esabridge.jdbc.dialect.UnsettledConnection;

/**
 * Runs reads in one REPEATABLE READ transaction, so that a count and the rows streamed after it, or an index
 * entry and the row it names, come from the same snapshot. A read cut short by an {@link Error} or an unexpected
 * {@link RuntimeException} discards its connection ({@link UnsettledConnection}).
 */
final class Snapshot {
    private Snapshot() {
    }

    interface Work<T> {
        T run() throws SQLException, IOException, EsaException;
    }

    static <T> T run(Connection c, Work<T> work) throws SQLException, IOException, EsaException {
        boolean autoCommit = c.getAutoCommit();
        int isolation = c.getTransactionIsolation();
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setAutoCommit(false);
        boolean settled = true;
        Throwable failure = null;
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | IOException | EsaException e) {
            failure = e;
            try {
                c.rollback();
            } catch (SQLException | RuntimeException rollback) {
                e.addSuppressed(rollback); // a connection the driver dropped: the failure is e, not this
            }
            throw e;
        } catch (RuntimeException | Error e) {
            // Possibly out of step with the server (UnsettledConnection): no rollback, no reset, no reuse.
            settled = false;
            throw UnsettledConnection.discarded(c, e, "the read");
        } finally {
            if (settled) {
                try {
                    c.setAutoCommit(autoCommit);
                    c.setTransactionIsolation(isolation);
                } catch (SQLException reset) {
                    if (failure == null) {
                        throw reset;
                    }
                    failure.addSuppressed(reset);
                }
            }
        }
    }
}
