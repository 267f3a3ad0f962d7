package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;
import org.esabridge.jdbc.capture.LogCapture;
import org.esabridge.jdbc.postgres.TestPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL log-mode join that a restart interrupts between its two marks: the first mark is no horizon, since a
 * transaction open at the join may have its changes decoded as unpublished. A transaction that wrote the table before
 * it joined is held open, so the second mark cannot be written; the adapter stops and starts again; the table must
 * join again (polled), and once the held transaction commits the host misses nothing of it.
 */
@Tag("database")
class PgLogJoinInterruptedByRestartTest {
    private static final String DB = "esa_pg_log_join_restart_test";

    @Test
    void aJoinInterruptedByARestartJoinsAgainAndMissesNothingOfATransactionOpenAtTheJoin() throws Exception {
        TestPostgres.freshDatabase(DB);
        TestPostgres.exec(DB, "CREATE TABLE first (id INT PRIMARY KEY, modified timestamptz NOT NULL DEFAULT now())");
        AtomicReference<JdbcAdapter> node = new AtomicReference<>(adapter());
        try {
            EngineFixture pg = EngineFixture.POSTGRES_LOG;
            pg.exec(DB, "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " IF NEW.modified IS NOT DISTINCT FROM OLD.modified THEN NEW.modified := now(); END IF;"
                            + " RETURN NEW; END $$",
                    "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, " + pg.modifiedColumn() + ")",
                    "INSERT INTO item (id, v) SELECT g, 0 FROM generate_series(1, 50) g");
            pg.exec(DB, pg.stampedOnUpdate("item").toArray(String[]::new));
            ReplicaHost host = new ReplicaHost(node::get, "host", "item");
            try (Connection held = TestPostgres.connect(DB)) {
                held.setAutoCommit(false);
                try (Statement s = held.createStatement()) {
                    s.executeUpdate("UPDATE item SET v = 42 WHERE id = 1"); // written before item joins
                }
                host.sync(); // the reload serves item, which joins: its first mark
                awaitFirstMarkIndexed();
                assertTrue(capture(node.get()).uncapturable().containsKey("item"),
                        "the second mark waits for the held transaction");

                node.get().close();
                node.set(adapter());
                host.sync();
                assertTrue(capture(node.get()).uncapturable().containsKey("item"),
                        "a join the restart interrupted is no horizon: item joins again, polled meanwhile");
                held.commit();
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (capture(node.get()).uncapturable().containsKey("item")) {
                assertTrue(System.nanoTime() < deadline, "item never came to be read from the log");
                host.sync();
            }
            assertFalse(capture(node.get()).uncapturable().containsKey("item"));
            try (Connection c = TestPostgres.connect(DB); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE item SET v = 7 WHERE id = 2"); // one from the log, too
            }
            host.sync();
            ReplicaCheck.Counts counts;
            try (Connection c = TestPostgres.connect(DB)) {
                counts = ReplicaCheck.compare(host.replica, ReplicaCheck.table(c, "item", "v"));
            }
            assertEquals(new ReplicaCheck.Counts(0, 0, 0), counts, "the held transaction's change is not missed");
            assertEquals(1, count("SELECT count(*) FROM esa.esa_change WHERE table_name = 'item' AND kind = 'J'"),
                    "the completed join marks item");
        } finally {
            node.get().close();
        }
    }

    /**
     * A short lock wait (a quarter of the query timeout): the held transaction keeps item's triggers from being
     * installed, and each attempt waits that long.
     */
    private static JdbcAdapter adapter() {
        return TestPostgres.adapter(DB, JdbcAdapterConfig.QUERY_TIMEOUT_SECONDS, "8");
    }

    private static LogCapture capture(JdbcAdapter adapter) {
        return (LogCapture) adapter.captureStatus();
    }

    private static void awaitFirstMarkIndexed() throws SQLException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (count("SELECT count(*) FROM esa.esa_change WHERE table_name = 'item' AND kind IN ('B', 'J')") == 0) {
            assertTrue(System.nanoTime() < deadline, "item's first mark never came to the index");
            Thread.onSpinWait();
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = TestPostgres.connect(DB); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
