package org.esabridge.jdbc.mariadb.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * getCurrentTime calls that arrive together share one fence marker (group commit): a burst of calls costs the
 * marker already being inserted when it came and one more for all of it, counted in {@code esa_fence}'s rows.
 * The insert under way is held by a table lock, so that the burst arrives while it lasts, whatever the timing. The
 * calls go to the node that does not read the log (the reader's own node sets no marker:
 * {@code org.esabridge.jdbc.PositionFenceTest}).
 */
@Tag("database")
class SharedFenceTest {
    private static final String DB = "cap_shared_fence";
    private static final int BURST = 50;

    @Test
    void aBurstOfFiftyCallsWhileAMarkerIsBeingSetAddsOneMarker() throws Exception {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE item (id INT PRIMARY KEY)");
        try (JdbcAdapter a = TestDatabase.adapter(DB, "pool-size", "60"); JdbcAdapter b = TestDatabase.adapter(DB,
                "pool-size", "60"); Connection lock = TestDatabase.connect(DB); Statement s = lock.createStatement()) {
            waitFor(() -> a.captureStatus().leader() || b.captureStatus().leader(), "a node leads");
            JdbcAdapter adapter = a.captureStatus().leader() ? b : a;
            adapter.getCurrentTime();
            long before = scalar("SELECT COALESCE(MAX(id), 0) FROM esa_fence");
            s.execute("LOCK TABLES esa_fence WRITE");
            List<CompletableFuture<Instant>> answers = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            try {
                answers.add(call(adapter, threads));
                // The first call's insert waits for the lock; the others arrive while it does.
                waitFor(() -> blockedInserts() == 1, "the first call's marker insert waiting for the lock");
                for (int i = 1; i < BURST; i++) {
                    answers.add(call(adapter, threads));
                }
                // Each later call either waits to share the next marker or (without sharing) inserts its own.
                waitFor(() -> waiting(threads) + blockedInserts() >= BURST, "every call of the burst arrived");
            } finally {
                s.execute("UNLOCK TABLES");
            }
            Set<Instant> laterStamps = new HashSet<>();
            for (int i = 0; i < BURST; i++) {
                Instant stamp = answers.get(i).get();
                if (i > 0) {
                    laterStamps.add(stamp);
                }
            }
            assertEquals(2, scalar("SELECT COUNT(*) FROM esa_fence WHERE id > " + before),
                    "markers set for " + BURST + " calls");
            assertEquals(1, laterStamps.size(), "the calls that shared a marker got its one stamp: " + laterStamps);
            assertTrue(laterStamps.iterator().next().compareTo(answers.get(0).get()) >= 0);
        }
    }

    private static CompletableFuture<Instant> call(JdbcAdapter adapter, List<Thread> threads) {
        CompletableFuture<Instant> answer = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                answer.complete(adapter.getCurrentTime());
            } catch (Throwable e) {
                answer.completeExceptionally(e);
            }
        }, "fence-call-" + threads.size());
        threads.add(t);
        t.start();
        return answer;
    }

    /** Calls parked waiting for a marker to share (an untimed wait). */
    private static int waiting(List<Thread> threads) {
        int n = 0;
        for (Thread t : threads) {
            if (t.getState() == Thread.State.WAITING) {
                n++;
            }
        }
        return n;
    }

    private static long blockedInserts() {
        try {
            return scalar("SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'INSERT INTO%esa_fence%'");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(10); // a poll with a deadline; the condition is the state itself
        }
    }

    private static long scalar(String sql) throws Exception {
        try (Connection c = TestDatabase.connect(DB); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
