package org.esabridge.jdbc;

import org.esabridge.jdbc.capture.CaptureMode;

/**
 * The sideways scenarios of {@link SidewaysChanges} in binlog capture ({@code change-capture=binlog}, which the
 * test database's binary log allows): deletions, key changes and re-inserts from the log's change index, cascades
 * from the cascade triggers' rows, which are log events themselves.
 */
class SidewaysChangesBinlogTest extends SidewaysChanges {
    SidewaysChangesBinlogTest() {
        super(CaptureMode.BINLOG);
    }
}
