package org.esabridge.jdbc.capture;

import java.sql.SQLException;

/**
 * Fence markers shared by the calls that want one at the same moment (group commit): a call joins the round whose
 * marker's statement has not been sent yet — while the call setting it takes a connection, say — or, when that
 * statement is on its way, waits for it to end and then shares the next marker with every call that arrived
 * meanwhile. A burst that arrives while no marker is on its way costs one insert as far as it arrives before the
 * first call's statement is sent, two when it is spread over longer, not one each.
 *
 * <p>Sharing keeps the fence's promise: every call of a round joined it before the round's statement was sent, so
 * the marker is committed after every transaction committed before any of those calls. A call never shares a marker
 * whose statement was already sent when it arrived (that one may precede a commit the call must see): one burst
 * spread over longer than an insert cannot cost fewer than two, unless the first call waited for later ones, and a
 * lone call would then wait for nobody.
 */
final class SharedMarkers {
    /** Inserts one marker and answers its id. */
    interface Insert {
        /** @param sending to run just before the statement that sets the marker is sent: the round closes then */
        long insert(Runnable sending) throws SQLException;
    }

    /** The calls that share one marker. */
    private static final class Round {
        boolean done;
        long id;
        SQLException failure;
    }

    private final Object lock = new Object();
    /** The round that calls join now (guarded by lock): its statement is not sent yet; null when no call waits. */
    private Round next;
    /** Whether a call is setting a marker, from taking its round to the statement's end (guarded by lock). */
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
            // No insert under way and this round's not done: it is still the next one, and this call sets it. Calls
            // arriving until its statement is sent join it.
            inserting = true;
        }
        long id = 0;
        SQLException failure = null;
        try {
            id = insert.insert(() -> close(mine));
        } catch (SQLException e) {
            failure = e;
        } finally {
            synchronized (lock) {
                if (next == mine) {
                    next = null; // failed before its statement was sent
                }
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

    /** The round's statement is about to be sent: a call arriving from now on waits for the next round. */
    private void close(Round r) {
        synchronized (lock) {
            if (next == r) {
                next = null;
            }
        }
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
