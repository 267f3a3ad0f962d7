package org.esabridge.jdbc.write;

import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import org.esabridge.api.EsaException;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * Runs a write transaction again when the database chose it as a deadlock victim. The transaction was rolled
 * back as a whole, so running it again is safe; the bound keeps a pathological workload from spinning.
 */
final class Deadlocks {
    static final int ATTEMPTS = 4;

    interface Work<T> {
        T run() throws SQLException, EsaException;
    }

    private Deadlocks() {
    }

    static <T> T retry(Dialect dialect, Work<T> work) throws SQLException, EsaException {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run();
            } catch (SQLException e) {
                if (attempt >= ATTEMPTS || !dialect.isRetryable(e)) {
                    throw e;
                }
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(5, 20 * attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
