package org.esabridge.jdbc.capture;

/**
 * One connection to the database's log, reading committed transactions into the change index from the position
 * stored there, until it is stopped or fails; {@link CaptureLeadership} decides what comes next. Nothing is kept
 * across readers: what was read and not written is read again by the next one.
 */
public interface LogReader {
    /** How a reader ended. */
    enum Outcome {
        RUNNING,
        CLOSED,
        /** The log from the stored position is gone (purged, or its slot lost): the engine records a gap. */
        GAP,
        FAILED,
        LOST_LEADERSHIP
    }

    /** Reads until stopped or failed; blocks. */
    Outcome run();

    /** Whether the reader has stopped or is stopping. */
    boolean ended();

    /** Ends at once, closing the connection to the log. */
    void abort();

    /** Milliseconds since the server last said anything (a change, a heartbeat, a keepalive). */
    long silentMillis();

    /** Why the reader ended, for the log. */
    String failure();

    /** The reader's writer thread: what was read and is not yet in the index is the capture's lag. */
    IndexWriter writer();
}
