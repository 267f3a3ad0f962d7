package org.esabridge.jdbc;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Measures how long after a node's death another node leads, on a thread of its own that looks every 5 ms. A test
 * that looked between its host's syncs measured the takeover plus the sync it happened in (a getCurrentTime waits for
 * the new reader to catch up), which a loaded machine stretches past any bound.
 */
public final class TakeoverClock implements AutoCloseable {
    private final long since = System.nanoTime();
    private final Thread watcher;
    private volatile long millis = -1;

    /** Starts now (call it at the death) and watches {@code leads} until it holds or the clock is closed. */
    public TakeoverClock(BooleanSupplier leads) {
        watcher = new Thread(() -> {
            try {
                while (!leads.getAsBoolean()) {
                    Thread.sleep(5); // a look, not a wait for something: the status has no event to wait on
                }
                millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "takeover-clock");
        watcher.setDaemon(true);
        watcher.start();
    }

    /**
     * Milliseconds from the start to the first look that saw a leader; waits for it until {@code limitMillis} from
     * the start have passed (and a little more: the look that sees it comes after it), else -1.
     */
    public long awaitMillis(long limitMillis) throws InterruptedException {
        watcher.join(Math.max(1, limitMillis + 1000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since)));
        return millis;
    }

    @Override
    public void close() {
        watcher.interrupt();
    }
}
