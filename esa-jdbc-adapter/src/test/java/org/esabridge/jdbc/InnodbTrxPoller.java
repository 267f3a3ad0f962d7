package org.esabridge.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A session reading {@code information_schema.INNODB_TRX} every 50 ms, as a monitoring tool or a second node
 * would. InnoDB refreshes that table's cache only after 100 ms without a reader, so while this runs the cache
 * stays as it was when polling began.
 */
final class InnodbTrxPoller implements AutoCloseable {
    private final AtomicInteger polls = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Connection c;

    /** Starts polling and returns once three polls have run. */
    InnodbTrxPoller(String schema) throws SQLException, InterruptedException {
        c = TestDatabase.connect(schema);
        CountDownLatch warm = new CountDownLatch(3);
        timer.scheduleAtFixedRate(() -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.INNODB_TRX")) {
                rs.next();
                polls.incrementAndGet();
                warm.countDown();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
        if (!warm.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the INNODB_TRX poller did not run");
        }
    }

    int polls() {
        return polls.get();
    }

    @Override
    public void close() throws SQLException, InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(10, TimeUnit.SECONDS);
        c.close();
    }
}
