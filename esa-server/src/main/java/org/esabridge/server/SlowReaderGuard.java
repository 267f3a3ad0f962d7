package org.esabridge.server;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Bounds the time one answer may wait for its client to take it: the answer's output stream, timed, and a
 * watchdog on Jetty's scheduler that closes the connection when the bound passes.
 *
 * <p>Why: a result streams from an open JDBC result set, so a client that reads its answer a few bytes at a
 * time holds a pool connection and a call permit for as long as it likes — and the connection's idle
 * time-out never fires while a few bytes move. Jetty 12's own minimum response rate
 * ({@code HttpConfiguration#setMinResponseDataRate}) is not enforced by the servlet layer, and its
 * {@code MinimumDataRateHandler} only checks when the next write starts, never while a write is blocked.
 *
 * <p>The measure: the time spent blocked in writes to the client (not the time the database takes to
 * produce rows) may be at most {@code response-write-timeout-seconds} plus one second per
 * {@code min-response-bytes-per-second} bytes handed to the stream so far. When it passes, the connection is
 * closed: the blocked write fails, the adapter's result set and connection close as the exception
 * unwinds, the permit is released, and the call ends with outcome {@value #OUTCOME}.
 */
final class SlowReaderGuard extends OutputStream {
    /** The call-log outcome and metrics label of a call whose client did not take its answer in time. */
    static final String OUTCOME = "SLOW_READER";
    /** Shortest wait between two checks, so a watchdog near its bound does not spin. */
    private static final long MIN_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** The bound, from the server settings. */
    record Policy(long writeTimeoutNanos, long minBytesPerSecond) {
        Policy {
            if (writeTimeoutNanos <= 0 || minBytesPerSecond <= 0) {
                throw new IllegalArgumentException("write time-out and minimum rate must be positive");
            }
        }

        static Policy of(int writeTimeoutSeconds, int minBytesPerSecond) {
            return new Policy(TimeUnit.SECONDS.toNanos(writeTimeoutSeconds), minBytesPerSecond);
        }

        /** Time allowed blocked in writes once {@code bytes} were handed to the stream. */
        long allowedNanos(long bytes) {
            long forBytes = bytes >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE / 2
                    : bytes * 1_000_000_000L / minBytesPerSecond;
            return writeTimeoutNanos + forBytes;
        }
    }

    private final OutputStream out;
    private final Policy policy;
    private final Scheduler scheduler;
    private final Runnable abort;
    // Written by the call's thread, read by the scheduler's.
    private volatile long bytes;
    private volatile long blockedNanos;
    private volatile long writeStartedNanos;
    private volatile boolean writing;
    private volatile boolean tripped;
    private volatile boolean closed;
    private Scheduler.Task check;

    /**
     * @param out   the response's output stream
     * @param abort closes the client's connection; called at most once, on the scheduler's thread
     */
    SlowReaderGuard(OutputStream out, Policy policy, Scheduler scheduler, Runnable abort) {
        this.out = Objects.requireNonNull(out, "out == null");
        this.policy = Objects.requireNonNull(policy, "policy == null");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler == null");
        this.abort = Objects.requireNonNull(abort, "abort == null");
        schedule(policy.writeTimeoutNanos);
    }

    /** Closes the client's connection: the blocked write fails and the call unwinds. */
    static Runnable closing(org.eclipse.jetty.io.EndPoint endPoint) {
        return () -> endPoint.close(new TimeoutException("the client took its answer too slowly"));
    }

    /** Whether the bound passed and the connection was closed. */
    boolean tripped() {
        return tripped;
    }

    @Override
    public void write(int b) throws IOException {
        bytes += 1;
        long start = begin();
        try {
            out.write(b);
        } finally {
            end(start);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        bytes += len;
        long start = begin();
        try {
            out.write(b, off, len);
        } finally {
            end(start);
        }
    }

    @Override
    public void flush() throws IOException {
        long start = begin();
        try {
            out.flush();
        } finally {
            end(start);
        }
    }

    /** Stops the watchdog; the response stream itself stays open for Jetty to complete. */
    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (check != null) {
                check.cancel();
            }
        }
    }

    private long begin() {
        long now = System.nanoTime();
        writeStartedNanos = now;
        writing = true;
        return now;
    }

    private void end(long start) {
        // Leave the write before adding its time: a check in between counts too little, never twice.
        writing = false;
        blockedNanos += System.nanoTime() - start;
    }

    private synchronized void schedule(long delayNanos) {
        if (!closed) {
            check = scheduler.schedule(this::check, Math.max(delayNanos, MIN_CHECK_NANOS), TimeUnit.NANOSECONDS);
        }
    }

    private void check() {
        if (closed) {
            return;
        }
        long waited = blockedNanos + (writing ? System.nanoTime() - writeStartedNanos : 0);
        long left = policy.allowedNanos(bytes) - waited;
        if (left > 0) {
            // Waiting grows at most as fast as the clock, so nothing can trip before then.
            schedule(left);
            return;
        }
        tripped = true;
        abort.run();
    }
}
