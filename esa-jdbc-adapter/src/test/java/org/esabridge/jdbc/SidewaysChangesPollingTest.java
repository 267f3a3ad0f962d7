package org.esabridge.jdbc;

import org.esabridge.jdbc.capture.CaptureMode;

/**
 * The sideways scenarios of {@link SidewaysChanges} in polling capture ({@code change-capture=polling}): changes
 * from the modification column, deletions and key changes from the adapter's triggers.
 */
class SidewaysChangesPollingTest extends SidewaysChanges {
    SidewaysChangesPollingTest() {
        super(CaptureMode.POLLING);
    }
}
