package org.esabridge.jdbc.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.TakeoverClock;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Log capture across restarts and nodes (issue 23): a restart resumes where the index stopped, changes made while
 * no node read are all found; with two nodes the slot holder killed mid-run costs the host nothing (no fault, no
 * missed row) and the other node takes the slot over without waiting out the lease; an uninstall leaves no slot.
 */
@Tag("database")
class PgLogFailoverTest {
    private static final String MOD = " modified timestamptz NOT NULL DEFAULT now()";

    private static JdbcAdapter node(String db, String... extra) {
        List<String> settings = new ArrayList<>(List.of("capture-heartbeat-seconds", "1",
                "structure.item.modified-column", "modified", "capture-lease-seconds", "30", "inline-threshold", "1000000"));
        settings.addAll(List.of(extra));
        return TestPostgres.adapter(db, settings.toArray(String[]::new));
    }

    private static Set<String> modified(JdbcAdapter a, Instant after) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(a.getModified("item", after, sink));
        return new TreeSet<>(sink.records().stream().map(ExternalRecord::id).toList());
    }

    private static Set<String> deleted(JdbcAdapter a, Instant after) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(a.getDeleted("item", after, sink));
        return new TreeSet<>(sink.ids());
    }

    private static void fresh(String db) {
        TestPostgres.freshDatabase(db);
        TestPostgres.exec(db, "CREATE TABLE item (id integer PRIMARY KEY, v integer," + MOD + ")");
    }

    @Test
    void aRestartResumesWhereTheIndexStoppedAndAnUninstallLeavesNoSlot() throws Exception {
        String db = "esa_pg_log_restart_test";
        fresh(db);
        Instant t;
        try (JdbcAdapter a = node(db)) {
            TestPostgres.exec(db, "INSERT INTO item (id, v) VALUES (1, 1), (2, 2)");
            t = a.getCurrentTime();
        }
        // No reader: the slot keeps what follows.
        TestPostgres.exec(db, "INSERT INTO item (id, v) VALUES (3, 3)", "UPDATE item SET v = 10 WHERE id = 1",
                "DELETE FROM item WHERE id = 2");
        try (JdbcAdapter b = node(db)) {
            assertEquals(Set.of("1", "3"), modified(b, t));
            assertEquals(Set.of("2"), deleted(b, t));
            Instant t2 = b.getCurrentTime();
            assertEquals(Set.of(), modified(b, t2));
        }
        JdbcAdapterConfig config = JdbcAdapterConfig.fromSettings(TestPostgres.settings(db), null);
        List<String> removed = JdbcAdapter.dropLogCapture(config);
        assertEquals(2, removed.size(), removed.toString());
        assertEquals(0, count(db, "SELECT count(*) FROM pg_replication_slots WHERE database = '" + db + "'"));
        assertEquals(0, count(db, "SELECT count(*) FROM pg_publication"));
    }

    @Test
    void theSlotHolderKilledMidRunCostsTheHostNothing() throws Exception {
        String db = "esa_pg_log_failover_test";
        fresh(db);
        try (JdbcAdapter first = node(db); JdbcAdapter second = node(db)) {
            JdbcAdapter leader = awaitLeader(first, second);
            JdbcAdapter survivor = leader == first ? second : first;
            Instant t0 = survivor.getCurrentTime();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger written = new AtomicInteger();
            Thread writer = new Thread(() -> {
                try (Connection c = TestPostgres.connect(db);
                     PreparedStatement ps = c.prepareStatement("INSERT INTO item (id, v) VALUES (?, 0)")) {
                    while (writing.get()) {
                        ps.setInt(1, written.incrementAndGet());
                        ps.executeUpdate();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            // The host keeps calling the survivor throughout; the leader dies in the middle.
            List<String> faults = new ArrayList<>();
            long killAt = System.nanoTime() + 1_000_000_000L;
            long endAt = killAt + 8_000_000_000L;
            TakeoverClock takeover = null;
            while (System.nanoTime() < endAt) {
                if (takeover == null && System.nanoTime() > killAt) {
                    takeover = new TakeoverClock(() -> survivor.captureStatus().leader());
                    ((PgLogCapture) leader.captureStatus()).halt();
                }
                try {
                    Instant t = survivor.getCurrentTime();
                    modified(survivor, t);
                } catch (EsaException e) {
                    faults.add(e.code() + ": " + e.getMessage());
                }
            }
            long takeoverMillis = takeover.awaitMillis(15_000);
            takeover.close();
            writing.set(false);
            writer.join();
            assertEquals(List.of(), faults);
            assertTrue(survivor.captureStatus().leader(), "the survivor did not take the slot over");
            // Far below the 30 s lease: found by the slot's missing walsender, not by the lease's expiry.
            assertTrue(takeoverMillis >= 0 && takeoverMillis < 15_000, "takeover took " + takeoverMillis + " ms");
            Set<String> expected = new TreeSet<>();
            for (int i = 1; i <= written.get() - 1; i++) {
                expected.add(Integer.toString(i));
            }
            Set<String> got = modified(survivor, t0);
            Set<String> missed = new TreeSet<>(expected);
            missed.removeAll(got);
            assertEquals(Set.of(), missed, "missed after the takeover (" + expected.size() + " written)");
            System.out.println("PgLogFailoverTest: " + expected.size() + " rows written, takeover in " + takeoverMillis
                    + " ms, 0 missed, 0 faults");
        }
    }

    private static JdbcAdapter awaitLeader(JdbcAdapter a, JdbcAdapter b) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (a.captureStatus().leader()) {
                return a;
            }
            if (b.captureStatus().leader()) {
                return b;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no node leads");
    }

    private static long count(String db, String sql) throws Exception {
        try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
