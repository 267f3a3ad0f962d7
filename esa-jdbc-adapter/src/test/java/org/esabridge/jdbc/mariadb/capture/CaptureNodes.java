package org.esabridge.jdbc.mariadb.capture;

import org.esabridge.jdbc.capture.CaptureStatus;

/** For tests outside this package: a node's capture stopped as if the node died, and what a follower sees. */
public final class CaptureNodes {
    private CaptureNodes() {
    }

    /** Stops the node's reader without giving its lease up, as a node killed with SIGKILL does. */
    public static void halt(CaptureStatus node) {
        ((BinlogCapture) node).halt();
    }

    /** Whether the node, not leading, saw the leader's replication connection alive: it will notice its end. */
    public static boolean seesLeaderAlive(CaptureStatus node) {
        return ((BinlogCapture) node).seesLeaderAlive();
    }
}
