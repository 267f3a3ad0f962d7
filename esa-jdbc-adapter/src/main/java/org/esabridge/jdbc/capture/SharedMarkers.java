package org.esabridge.jdbc.capture;

import java.sql.SQLException;

/**
 * Fence markers shared by the calls that want one at the same moment (group commit): a call arriving while a
 * marker is being inserted waits for that insert to end and then shares the next one with every call that
 * arrived meanwhile, so a burst of getCurrentTime calls and binlog-mode reads costs two inserts, not one each.
 *
 * <p>Sharing keeps the fence's promise: every call of a round joined it before the round's insert began, so the
 * marker is committed after every transaction committed before any of those calls. A call never shares a marker
 * whose insert was already under way when it arrived (that one may precede a commit the call must see).
 */
final class SharedMarkers {
    /** Inserts one marker and answers its id. */
    interface Insert {
        long insert() throws SQLException;
    }

    /** The calls that share one marker. */
    private static final class Round {
        boolean done;
        long id;
        SQLException failure;
    }

    private final Object lock = new Object();
    /** The round that the next insert will serve (guarded by lock); null when no call waits for one. */
    private Round next;
    /** Whether an insert is under way (guarded by lock). */
    private boolean inserting;

    /**
     * The id of a marker inserted after this call began, shared with the calls of the same round; {@code insert}
     * sets it when this call is the one of its round that does (on this call's own connection).
     */
    long marker(Insert insert) throws SQLException, InterruptedException {
        Round mine;
        synchronized (lock) {
            if (next == null) {
                next = new Round();
            }
            mine = next;
            while (inserting && !mine.done) {
                lock.wait();
            }
            if (mine.done) {
                return answer(mine, true);
            }
            // No insert under way and this round's not done: it is still the next one, and this call sets it.
            inserting = true;
            next = null;
        }
        long id = 0;
        SQLException failure = null;
        try {
            id = insert.insert();
        } catch (SQLException e) {
            failure = e;
        } finally {
            synchronized (lock) {
                mine.done = true;
                mine.id = id;
                // A runtime failure leaves the round without a marker: its calls fail alike.
                mine.failure = failure != null || id != 0 ? failure : new SQLException("the fence marker was not set");
                inserting = false;
                lock.notifyAll();
            }
        }
        return answer(mine, false);
    }

    private static long answer(Round r, boolean shared) throws SQLException {
        if (r.failure == null) {
            return r.id;
        }
        if (!shared) {
            throw r.failure;
        }
        // Each call throws its own exception (the state and code kept for the fault's classification).
        throw new SQLException(r.failure.getMessage(), r.failure.getSQLState(), r.failure.getErrorCode(), r.failure);
    }
}
