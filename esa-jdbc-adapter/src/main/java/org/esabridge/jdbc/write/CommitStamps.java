package org.esabridge.jdbc.write;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.esabridge.api.EsaException;

/**
 * The change index's stamps, as a writer of a table stamped by it needs them ({@link IndexStampedWriter}):
 * implemented by the binlog reader's fence.
 */
public interface CommitStamps {
    /** Waits until the index holds every change committed before the call; the fence's stamp. */
    Instant fence() throws EsaException;

    /** Waits until the index holds every change committed before the call, when its stamp is not needed. */
    default void reachPresent() throws EsaException {
        fence();
    }

    /** Sets a marker in the connection's open transaction; its id for {@link #stampOf}. */
    long mark(Connection c) throws SQLException;

    /** Waits until the marker's transaction is in the index; the stamp its changes got there. */
    Instant stampOf(long marker) throws EsaException;
}
