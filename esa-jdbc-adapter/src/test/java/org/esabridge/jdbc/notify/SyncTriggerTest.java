package org.esabridge.jdbc.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The coalescing rule of push-triggered sync: one request in flight, every trigger meanwhile becomes one follow-up. */
class SyncTriggerTest {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aHundredTriggersWhileARequestIsInFlightSendAtMostTwoRequests() throws Exception {
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SyncTrigger trigger = new SyncTrigger(() -> {
            if (sent.incrementAndGet() == 1) {
                firstStarted.countDown();
                release.await(); // the host is slow to answer the first startSync
            }
        }, executor, Duration.ofMillis(10), Duration.ofMillis(100));

        Thread[] threads = new Thread[4];
        trigger.trigger();
        assertTrue(firstStarted.await(5, TimeUnit.SECONDS));
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 25; i++) {
                    trigger.trigger();
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        release.countDown();
        awaitIdle();

        assertEquals(2, sent.get(), "the first request and one follow-up for the 100 triggers that came meanwhile");
    }

    @Test
    void aTriggerAfterTheRequestEndedSendsANewOne() throws Exception {
        AtomicInteger sent = new AtomicInteger();
        SyncTrigger trigger = new SyncTrigger(sent::incrementAndGet, executor, Duration.ofMillis(10),
                Duration.ofMillis(100));
        trigger.trigger();
        awaitIdle();
        trigger.trigger();
        awaitIdle();
        assertEquals(2, sent.get());
    }

    @Test
    void aRefusingHostIsRetriedWithGrowingWaitsAndTheRetryCoversLaterTriggers() throws Exception {
        List<Long> attempts = new CopyOnWriteArrayList<>();
        SyncTrigger trigger = new SyncTrigger(() -> {
            attempts.add(System.nanoTime());
            if (attempts.size() <= 3) {
                throw new IllegalStateException("host busy");
            }
        }, executor, Duration.ofMillis(50), Duration.ofMillis(400));

        trigger.trigger();
        trigger.trigger(); // while the failing requests go on: no extra request for it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (attempts.size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        awaitIdle();

        assertEquals(4, attempts.size(), "three refusals, then one success covering both triggers");
        long firstWait = attempts.get(1) - attempts.get(0);
        long thirdWait = attempts.get(3) - attempts.get(2);
        assertTrue(firstWait >= TimeUnit.MILLISECONDS.toNanos(50), "waited " + firstWait);
        assertTrue(thirdWait >= TimeUnit.MILLISECONDS.toNanos(200), "doubled twice: " + thirdWait);
    }

    @Test
    void theBackoffDoublesUpToItsCap() {
        SyncTrigger trigger = new SyncTrigger(() -> { }, executor, Duration.ofSeconds(1), Duration.ofMinutes(5));
        assertEquals(1000, trigger.backoff(1));
        assertEquals(2000, trigger.backoff(2));
        assertEquals(8000, trigger.backoff(4));
        assertEquals(300_000, trigger.backoff(40));
    }

    /** Waits until every scheduled request, follow-ups included, has run. */
    private void awaitIdle() throws Exception {
        for (int i = 0; i < 50; i++) {
            executor.schedule(() -> { }, 20, TimeUnit.MILLISECONDS).get();
        }
    }
}
