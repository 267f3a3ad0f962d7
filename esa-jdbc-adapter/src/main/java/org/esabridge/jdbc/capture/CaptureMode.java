package org.esabridge.jdbc.capture;

/** How changes are captured: from the binary log into the change index, or by polling the modification column. */
public enum CaptureMode {
    /** Row events of the binary log, in commit order, into {@code esa_change}; {@code getCurrentTime} fences. */
    BINLOG,
    /** The modification column and the tombstone triggers, widened by the watermark. */
    POLLING
}
