package org.esabridge.jdbc.changes;

import org.esabridge.jdbc.DeleteStrategy;
import org.esabridge.jdbc.catalog.Table;

/**
 * Which triggers the adapter installs on a user's table, per capture mode: the one place that decides.
 *
 * <p>Polling mode learns deletions from the {@code AFTER DELETE} tombstone trigger ({@link TombstoneTriggers}).
 * In binlog mode the binary log has every delete and the reader turns it into a {@code D} entry of the change
 * index, so the trigger would only cost each of the user's DELETEs a write and the account a TRIGGER grant:
 * it is not installed (one left by an earlier polling run keeps firing, harmlessly). A table the log cannot
 * capture (an id type it cannot spell exactly, {@code capture.RowIdDecoder}) is polled in binlog mode too, and
 * gets the trigger. Version tables
 * ({@link VersionTables}) stay in both modes: they give a record without a modification column its
 * {@code modified-at}.
 */
public final class TriggerPlan {
    private TriggerPlan() {
    }

    /**
     * Whether the table gets the tombstone trigger.
     *
     * @param logged whether the table's changes are in the change index (binlog mode, and a table the log captures)
     */
    public static boolean tombstoneTrigger(Table t, boolean logged) {
        return !logged && t.deleteStrategy().kind() == DeleteStrategy.Kind.TOMBSTONE;
    }
}
