package org.esabridge.jdbc.capture;

/**
 * The binlog capture as seen from this node, for the server's metrics and readiness: all values are this node's
 * (a follower reads nothing and lags by nothing; the leader's lag is the one that matters).
 */
public interface CaptureStatus {
    /** Whether this node holds the capture lease and reads the binary log. */
    boolean leader();

    /** Seconds the oldest committed transaction read but not yet in the index has waited (0 when caught up). */
    double lagSeconds();

    /** Row changes read but not yet in the index. */
    long lagEvents();

    /** Binary log events read since start. */
    long eventsRead();

    /** Index entries written since start. */
    long entriesWritten();

    /** Gaps recorded since start (purged or unreadable log: older windows answer a full read, see docs/capture-modes.md). */
    long gaps();

    /** Bytes of log the server keeps for this reader beyond what it confirmed (a replication slot's); 0 where unknown. */
    default long lagBytes() {
        return 0;
    }

    /** Whether capture is healthy within {@code maxLagSeconds}: a leader not further behind, or a follower. */
    boolean healthy(int maxLagSeconds);
}
