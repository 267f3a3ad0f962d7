package org.esabridge.jdbc.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Group commit of fence markers, without a database: the moment a marker's statement is sent is the test's to
 * choose. A burst arriving before the first call's statement is sent (its call waits for a connection) shares that
 * one marker; calls arriving once it is sent never share it (it may precede a commit they must see), and share the
 * next one.
 */
class SharedMarkersTest {
    private static final int BURST = 50;

    @Test
    void aBurstArrivingBeforeTheFirstStatementIsSentSharesOneMarker() throws Exception {
        SharedMarkers markers = new SharedMarkers();
        AtomicInteger inserts = new AtomicInteger();
        CountDownLatch connection = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<CompletableFuture<Long>> answers = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            answers.add(call(markers, threads, sending -> {
                connection.await(); // the pool has no connection free yet
                sending.run();
                return inserts.incrementAndGet();
            }));
        }
        await(() -> parked(threads) == BURST, "every call of the burst waiting");
        connection.countDown();
        assertEquals(Set.of(1L), ids(answers));
        assertEquals(1, inserts.get(), "markers inserted for a burst of " + BURST);
    }

    @Test
    void callsArrivingOnceTheStatementIsSentShareTheNextMarkerNotThatOne() throws Exception {
        SharedMarkers markers = new SharedMarkers();
        AtomicInteger inserts = new AtomicInteger();
        CountDownLatch sent = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        CompletableFuture<Long> first = call(markers, threads, sending -> {
            sending.run();
            sent.countDown();
            answer.await(); // the server has the statement and has not answered yet
            return inserts.incrementAndGet();
        });
        sent.await();
        List<CompletableFuture<Long>> later = new ArrayList<>();
        for (int i = 1; i < BURST; i++) {
            later.add(call(markers, threads, sending -> {
                sending.run();
                return inserts.incrementAndGet();
            }));
        }
        await(() -> parked(threads) == BURST, "every call of the burst waiting");
        answer.countDown();
        assertEquals(1L, first.get());
        assertEquals(Set.of(2L), ids(later), "the later calls share the marker sent after they came");
        assertEquals(2, inserts.get());
    }

    private interface Insert {
        long insert(Runnable sending) throws Exception;
    }

    private static CompletableFuture<Long> call(SharedMarkers markers, List<Thread> threads, Insert insert) {
        CompletableFuture<Long> answer = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                answer.complete(markers.marker(sending -> {
                    try {
                        return insert.insert(sending);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            } catch (Throwable e) {
                answer.completeExceptionally(e);
            }
        }, "marker-call-" + threads.size());
        threads.add(t);
        t.start();
        return answer;
    }

    private static Set<Long> ids(List<CompletableFuture<Long>> answers) throws Exception {
        Set<Long> ids = new TreeSet<>();
        for (CompletableFuture<Long> a : answers) {
            ids.add(a.get());
        }
        return ids;
    }

    /** Calls parked in an untimed wait: for their round's marker, or (the one setting it) for the test's latch. */
    private static int parked(List<Thread> threads) {
        int n = 0;
        for (Thread t : threads) {
            if (t.getState() == Thread.State.WAITING) {
                n++;
            }
        }
        return n;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(5); // a poll with a deadline; the condition is the threads' state itself
        }
    }
}
