package org.esabridge.jdbc.capture;

/** How the adapter finds changes, as chosen at start (setting {@code change-capture}). */
public enum CaptureMode {
    /** From the binary log, in commit order, into {@code esa_change}. */
    BINLOG,
    /** From the modification columns, with the watermark against late commits. */
    POLLING
}
