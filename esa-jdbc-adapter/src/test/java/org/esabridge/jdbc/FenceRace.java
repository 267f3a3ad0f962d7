package org.esabridge.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.esabridge.api.Session;

/**
 * Writers racing their own fence, the same on every engine: each inserts {@code rounds} rows into {@code item (id, v)}
 * and asks getCurrentTime after each commit. The answer must cover the commit (its change-index stamp no later than
 * the answer) and a getModified after the previous answer must hold the row.
 */
public final class FenceRace {
    /** A writer's own connection to the database under test. */
    public interface Connect {
        Connection open() throws SQLException;
    }

    /** What a writer's session sets before it starts, by writer number. */
    public interface Prepare {
        void session(Statement s, int writer) throws SQLException;
    }

    /** The change-index stamp of the item row {@code id}, or null when it is not indexed. */
    public interface Stamp {
        Instant of(int id) throws Exception;
    }

    /** How many marker rows {@code esa_fence} holds. */
    public interface Markers {
        long count() throws Exception;
    }

    private FenceRace() {
    }

    /** Waits until a getCurrentTime sets no marker row: the reader runs on this node and its log's head is known. */
    public static void awaitPositionFence(JdbcAdapter adapter, Markers markers) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            long before = markers.count();
            adapter.getCurrentTime();
            if (markers.count() == before) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the leader's fence still sets marker rows after 60 s");
            }
            Thread.sleep(20); // a poll with a deadline: the reader connects on its own thread
        }
    }

    /** Runs {@code writers} writers of {@code rounds} rows each; what they found wrong (empty when none). */
    public static List<String> run(JdbcAdapter adapter, int writers, int rounds, Connect connect, Prepare prepare,
                                   Stamp stamp) throws InterruptedException {
        HostReads reads = new HostReads(adapter, new Session("host"));
        CountDownLatch go = new CountDownLatch(1);
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread t = new Thread(() -> {
                try (Connection c = connect.open(); Statement s = c.createStatement()) {
                    prepare.session(s, writer);
                    Instant before = adapter.getCurrentTime();
                    go.await();
                    for (int i = 0; i < rounds; i++) {
                        int id = writer * 1000 + i;
                        s.executeUpdate("INSERT INTO item (id, v) VALUES (" + id + ", " + i + ")");
                        Instant now = adapter.getCurrentTime();
                        Instant indexed = stamp.of(id);
                        if (indexed == null || indexed.isAfter(now)) {
                            wrong.add(id + ": committed before getCurrentTime " + now + ", in the index at " + indexed);
                        }
                        if (!reads.modified("item", before).contains(String.valueOf(id))) {
                            wrong.add(id + ": not in getModified after " + before);
                        }
                        before = now;
                    }
                } catch (Exception e) {
                    wrong.add("writer " + writer + ": " + e);
                }
            }, "fence-race-writer-" + w);
            threads.add(t);
            t.start();
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        return List.copyOf(wrong);
    }
}
