package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Polling capture's deletion reports ({@code trackRecordDeletion}, from the tombstones) leave out an id the host would
 * trim into another row's: the deleted {@code 'n '} of a NO PAD key is not {@code n}, which the host knows and which
 * is reported in the same poll (HostCallbacksTest covers the change index's reports in binlog capture).
 */
@Tag("database")
class PollingDeletionReportsTest {
    private static final String DB = "esa_polling_deletion_reports";

    @Test
    void aDeletedIdTheHostWouldTrimIsNotReported() throws Exception {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE notes (id VARCHAR(20) COLLATE utf8mb4_nopad_bin PRIMARY KEY, modified"
                + " TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))");
        TestDatabase.exec(DB, "INSERT INTO notes (id) VALUES ('n'), ('n ')");
        try (HelperHost host = new HelperHost().answer("startSync", "<value>started</value>");
             JdbcAdapter adapter = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(TestDatabase.settings(DB,
                     JdbcAdapterConfig.CHANGE_CAPTURE, "polling", "helper-url", host.url(),
                     "external-system-id", "esa-bridge-1", "notify-interval-seconds", "1"), null))) {
            // The first poll only takes the baseline: touch a row until a later poll asks the host to sync.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int i = 0; host.requests("startSync").isEmpty() && System.nanoTime() < deadline; i++) {
                if (i % 10 == 0) {
                    TestDatabase.exec(DB, "UPDATE notes SET modified = CURRENT_TIMESTAMP(6) WHERE id = 'n'");
                }
                Thread.sleep(50);
            }
            assertFalse(host.requests("startSync").isEmpty(), "no poll within 30 s");
            TestDatabase.exec(DB, "DELETE FROM notes");
            // Both tombstones commit together, so the poll that reports n has seen 'n ' too.
            while (host.requests("trackRecordDeletion").isEmpty() && System.nanoTime() < deadline) {
                adapter.beforeCall(); // sends the reports a poll queued
                Thread.sleep(50);
            }
            adapter.beforeCall();
            List<String> reports = host.requests("trackRecordDeletion");
            assertEquals(1, reports.size(), "n only, never 'n ': " + reports);
            assertTrue(reports.get(0).contains("<structure>notes</structure><id>n</id>"), reports.get(0));
        }
    }
}
