package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * N writers update the same rows at once, each with the last-seen of the version it read: in every round
 * exactly one wins per row, the others get RECORD_MODIFIED, and the final rows hold the winners' values.
 */
@Tag("database")
class ConcurrentUpdatesTest {
    private static final String DB = "esa_concurrency_test";
    private static final int THREADS = 6;
    private static final int ROUNDS = 15;
    private static final int ROWS = 3;
    private static JdbcAdapter adapter;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE counter (id INT PRIMARY KEY, owner VARCHAR(20), round INT,"
                + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))");
        for (int r = 0; r < ROWS; r++) {
            TestDatabase.exec(DB, "INSERT INTO counter (id, owner, round) VALUES (" + r + ", 'none', -1)");
        }
        adapter = TestDatabase.adapter(DB, "structure.counter.writable", "true", "pool-size", String.valueOf(THREADS + 2));
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    @Test
    void exactlyOneWriterWinsEachRoundAndNoUpdateIsLost() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                for (int row = 0; row < ROWS; row++) {
                    String id = String.valueOf(row);
                    ExternalRecord seen = adapter.read("counter", id);
                    // Half the writers send the last-seen as a host that keeps milliseconds only would.
                    CyclicBarrier barrier = new CyclicBarrier(THREADS);
                    List<Future<String>> results = new ArrayList<>();
                    int currentRound = round;
                    for (int w = 0; w < THREADS; w++) {
                        String owner = "w" + w;
                        Instant lastSeen = w % 2 == 0 ? seen.modifiedAt()
                                : seen.modifiedAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
                        Callable<String> write = () -> {
                            barrier.await(10, TimeUnit.SECONDS);
                            try {
                                adapter.update(new Session(owner), "counter", lastSeen, new ExternalRecord(id, null,
                                        List.of(new FieldValue("owner", owner),
                                                new FieldValue("round", String.valueOf(currentRound)))));
                                return owner;
                            } catch (EsaException e) {
                                assertEquals(ErrorCode.RECORD_MODIFIED, e.code(), e.getMessage());
                                return null;
                            }
                        };
                        results.add(pool.submit(write));
                    }
                    List<String> winners = new ArrayList<>();
                    for (Future<String> f : results) {
                        String w = f.get(30, TimeUnit.SECONDS);
                        if (w != null) {
                            winners.add(w);
                        }
                    }
                    assertEquals(1, winners.size(), "round " + round + " row " + row + " winners " + winners);
                    ExternalRecord after = adapter.read("counter", id);
                    assertEquals(winners.get(0), after.field("owner").text());
                    assertEquals(String.valueOf(round), after.field("round").text());
                    assertTrue(after.modifiedAt().isAfter(seen.modifiedAt()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
