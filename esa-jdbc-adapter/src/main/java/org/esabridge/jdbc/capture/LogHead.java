package org.esabridge.jdbc.capture;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * An engine's log as the position fence reads it ({@link PositionFence}): where the log ends now, on which server,
 * and whether a reader that has written the log through one position has passed another. Only an engine whose log
 * position can be read without writing, and compared, has one.
 */
public interface LogHead {
    /**
     * Where the log of {@code c}'s server ends now, with that server's identity and clock: every transaction whose
     * commit was acknowledged before this call is in the log up to that position.
     */
    Head now(Connection c) throws SQLException;

    /**
     * Whether every transaction of the log up to {@code head} is at or before {@code written}, what
     * {@link #advance} made of the ends written so far.
     */
    boolean covers(BinlogPosition written, BinlogPosition head);

    /** What the reader has written once it has also written through {@code end}; by default simply that end. */
    default BinlogPosition advance(BinlogPosition written, BinlogPosition end) {
        return end;
    }

    /**
     * The log's end on one server.
     *
     * @param position where the log ends
     * @param server   the server's identity, as the reader's connection learns it too
     * @param clock    the database's clock then, as the change index's stamps read it: getCurrentTime's answer is
     *                 never earlier (a time taken from that clock before the call, such as a table's deletion
     *                 horizon, is not after the answer); null where any stamp will do (a read's fence)
     */
    record Head(BinlogPosition position, String server, java.time.Instant clock) {
    }
}
