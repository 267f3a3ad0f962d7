package org.esabridge.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A writer of the replica soak tests: on one connection until told to stop, mostly single auto-commit
 * statements, sometimes a transaction of a few, some of them held open seconds (stamped now, committed later),
 * some rolled back. Each test brings its own mix of statements ({@link #change}).
 */
abstract class SoakWriter implements Callable<Integer> {
    final Random r;
    final AtomicInteger held = new AtomicInteger();
    final AtomicInteger rolledBack = new AtomicInteger();
    /** Statements and transactions that lost a deadlock, lock wait or certification: nothing of them applied. */
    final AtomicInteger lost = new AtomicInteger();
    private final AtomicBoolean stop;
    private final int autoCommitOf20;
    private final int rollbackOneIn;

    /**
     * @param autoCommitOf20 how many of 20 rounds are one auto-commit statement (the others a transaction)
     * @param rollbackOneIn  one transaction in this many is rolled back
     */
    SoakWriter(int seed, AtomicBoolean stop, int autoCommitOf20, int rollbackOneIn) {
        this.r = new Random(seed);
        this.stop = stop;
        this.autoCommitOf20 = autoCommitOf20;
        this.rollbackOneIn = rollbackOneIn;
    }

    abstract Connection connect() throws SQLException;

    /** One statement of the test's mix. */
    abstract void change(Statement s) throws SQLException;

    /** Whether this writer holds some transactions open for seconds. */
    boolean holds() {
        return true;
    }

    @Override
    public Integer call() throws Exception {
        int statements = 0;
        try (Connection c = connect(); Statement s = c.createStatement()) {
            while (!stop.get()) {
                int kind = r.nextInt(20);
                if (kind < autoCommitOf20) {
                    statements += apply(s);
                } else {
                    c.setAutoCommit(false);
                    try {
                        for (int i = 1 + r.nextInt(4); i > 0; i--) {
                            statements += apply(s);
                        }
                        if (kind >= 18 && holds()) {
                            held.incrementAndGet();
                            Thread.sleep(1000 + r.nextInt(2000)); // stamped now, committed seconds later
                        }
                        if (r.nextInt(rollbackOneIn) == 0) {
                            rolledBack.incrementAndGet();
                            c.rollback();
                        } else {
                            c.commit();
                        }
                    } catch (SQLException e) {
                        lost.incrementAndGet(); // a deadlock, lock wait or certification victim: nothing applied
                        c.rollback();
                    } finally {
                        c.setAutoCommit(true);
                    }
                }
                Thread.sleep(r.nextInt(10));
            }
        }
        return statements;
    }

    private int apply(Statement s) throws SQLException {
        try {
            change(s);
            return 1;
        } catch (SQLException e) {
            if (s.getConnection().getAutoCommit()) {
                lost.incrementAndGet();
                return 0; // an auto-commit statement that lost; nothing changed
            }
            throw e;
        }
    }

    /** Tells the writers to stop, waits for each, shuts their pool down: the statements they made, all told. */
    static int stopAll(AtomicBoolean stop, List<Future<Integer>> writers, ExecutorService pool) throws Exception {
        stop.set(true);
        int statements = 0;
        for (Future<Integer> f : writers) {
            statements += f.get();
        }
        pool.shutdown();
        return statements;
    }
}
