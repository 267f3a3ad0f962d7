package org.esabridge.jdbc;

import static org.esabridge.jdbc.LateCommitReads.DELETED;
import static org.esabridge.jdbc.LateCommitReads.MODIFIED;
import static org.esabridge.jdbc.LateCommitReads.PAGED;
import static org.esabridge.jdbc.LateCommitReads.waitPast;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.esabridge.jdbc.LateCommitReads.Change;
import org.esabridge.jdbc.LateCommitReads.Outcome;
import org.esabridge.jdbc.LateCommitReads.Read;
import org.esabridge.jdbc.capture.CaptureMode;
import org.esabridge.jdbc.changes.Watermark;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The late commit (design.md promise 1), on every engine and capture mode ({@link EngineFixture}): a transaction
 * stamps a row earlier than the host's time, the host syncs, the transaction commits, the host syncs again with
 * after = the time it got before the first sync. Where the adapter polls, a naive read (the watermark off) never
 * delivers the row; esa-bridge does, for changed rows and for tombstones, inline and through a cursor, and for one slow statement:
 * polling by the watermark, log capture because the change index stamps a change with its commit. On MariaDB the
 * stamp is the statement's time; on PostgreSQL {@code now()} is the transaction's start, so a stamp can be older than
 * the write itself by as long as the transaction has been open. Deterministic: the test holds the transactions open
 * itself. The engines' own watermark cases: {@link MariaDbLateCommitTest}, {@link PostgresLateCommitTest}.
 */
@Tag("database")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass(name = "{0}")
@MethodSource("org.esabridge.jdbc.EngineFixture#all")
class LateCommitTest {
    /** Longer than the watermark's margin, so that only the open transaction can explain a delivery. */
    private static final long MARGIN_MILLIS = 1100;
    @Parameter
    EngineFixture engine;
    private String db;
    private JdbcAdapter guarded;
    private JdbcAdapter naive;

    @BeforeParameterizedClassInvocation
    void start() {
        db = engine.database("late_commit");
        engine.fresh(db);
        List<String> ddl = new ArrayList<>(List.of(
                "CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(10), " + engine.modifiedColumn() + ")",
                "CREATE INDEX item_mod ON item (modified, id)"));
        ddl.addAll(engine.stampedOnUpdate("item"));
        engine.exec(db, ddl.toArray(String[]::new));
        guarded = engine.adapter(db);
        assertEquals(engine.mode, guarded.captureMode());
        if (engine.mode == CaptureMode.POLLING) {
            // The naive read is polling's without the watermark; beside a log reader it would read the index too.
            naive = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(engine.settings(db), null), Watermark.Mode.OFF);
        }
    }

    @AfterParameterizedClassInvocation
    void stop() {
        if (guarded != null) {
            guarded.close();
        }
        if (naive != null) {
            naive.close();
            naive = null; // the next fixture may have none
        }
    }

    /**
     * Runs the scenario for one adapter: the change is stamped more than the margin before the host's second time,
     * in a transaction held open across the first sync and committed before the second.
     */
    private Outcome scenario(JdbcAdapter a, Change change, Read read) throws Exception {
        try (Connection writer = engine.connect(db); Statement s = writer.createStatement()) {
            writer.setAutoCommit(false);
            Instant previous;
            if (engine.stampsAtTransactionStart()) {
                s.execute("SELECT 1"); // the transaction begins: its now() is fixed here
                previous = waitPast(a, engine.now(s).plusMillis(MARGIN_MILLIS));
            } else {
                previous = a.getCurrentTime();
            }
            change.apply(s); // stamped before previous (PostgreSQL) or just after it (MariaDB)
            Instant stamp = engine.now(s); // no earlier than the change's stamp
            Instant first = waitPast(a, (stamp.isAfter(previous) ? stamp : previous).plusMillis(MARGIN_MILLIS));
            List<String> firstSync = read.read(a, previous);
            writer.commit();
            return new Outcome(firstSync, read.read(a, first));
        }
    }

    @Test
    void aRowStampedBeforeASyncAndCommittedAfterItIsDeliveredNextTimeWhereANaiveReadMissesIt() throws Exception {
        engine.exec(db, "INSERT INTO item (id, v) VALUES (1, 'old'), (2, 'old')");
        if (naive != null) {
            Outcome naiveHost = scenario(naive, s -> s.execute("UPDATE item SET v = 'n1' WHERE id = 1"), MODIFIED);
            assertFalse(naiveHost.firstSync().contains("1=n1"), "invisible while the transaction is open");
            assertFalse(naiveHost.secondSync().contains("1=n1"), "the naive read misses the committed row for good");
        }

        Outcome host = scenario(guarded, s -> {
            s.execute("UPDATE item SET v = 'g2' WHERE id = 2");
            s.execute("INSERT INTO item (id, v) VALUES (3, 'g3')");
        }, MODIFIED);
        assertFalse(host.firstSync().contains("2=g2"));
        assertTrue(host.secondSync().containsAll(List.of("2=g2", "3=g3")), host.secondSync().toString());
    }

    @Test
    void aDeleteStampedBeforeASyncAndCommittedAfterItIsDeliveredNextTime() throws Exception {
        engine.exec(db, "INSERT INTO item (id, v) VALUES (10, 'x'), (11, 'x')");
        if (naive != null) {
            Outcome naiveHost = scenario(naive, s -> s.execute("DELETE FROM item WHERE id = 10"), DELETED);
            assertFalse(naiveHost.firstSync().contains("10"));
            assertFalse(naiveHost.secondSync().contains("10"), "the naive read misses the tombstone");
        }

        Outcome host = scenario(guarded, s -> s.execute("DELETE FROM item WHERE id = 11"), DELETED);
        assertFalse(host.firstSync().contains("11"));
        assertTrue(host.secondSync().contains("11"), host.secondSync().toString());
    }

    @Test
    void aCursorOpenedAfterTheLateCommitDeliversTheRow() throws Exception {
        engine.exec(db, "INSERT INTO item (id, v) VALUES (20, 'old')");
        if (naive != null) {
            Outcome naiveHost = scenario(naive, s -> s.execute("UPDATE item SET v = 'n20' WHERE id = 20"), PAGED);
            assertFalse(naiveHost.secondSync().contains("20=n20"), naiveHost.secondSync().toString());
        }
        Outcome host = scenario(guarded, s -> s.execute("UPDATE item SET v = 'g20' WHERE id = 20"), PAGED);
        assertTrue(host.secondSync().contains("20=g20"), host.secondSync().toString());
    }

    @Test
    void aSlowStatementRunningAtGetCurrentTimeIsDelivered() throws Exception {
        engine.exec(db, "INSERT INTO item (id, v) VALUES (30, 'old')");
        Instant previous = guarded.getCurrentTime();
        CompletableFuture<Void> slow = CompletableFuture.runAsync(() -> engine.exec(db,
                "UPDATE item SET v = 'slow' WHERE id = 30 AND " + engine.slowCondition(2.5)));
        awaitRunning("sleep(2.5)");
        Instant first = waitPast(guarded, previous.plusMillis(MARGIN_MILLIS));
        List<String> firstSync = MODIFIED.read(guarded, previous);
        slow.get(30, TimeUnit.SECONDS);
        assertFalse(firstSync.contains("30=slow"));
        List<String> second = MODIFIED.read(guarded, first);
        assertTrue(second.contains("30=slow"), second.toString());
    }

    /** Waits until a statement containing {@code text} runs in another session. */
    private void awaitRunning(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (Connection c = engine.connect(db); Statement s = c.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery(engine.runningStatements(text))) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.onSpinWait();
            }
        }
        throw new AssertionError("the statement did not start");
    }
}
