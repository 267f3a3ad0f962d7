package org.esabridge.jdbc.changes;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import org.esabridge.api.EsaException;

/**
 * Runs reads in one REPEATABLE READ transaction, so that a count and the rows streamed after it, or an index
 * entry and the row it names, come from the same snapshot.
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
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | IOException | EsaException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
            c.setTransactionIsolation(isolation);
        }
    }
}
