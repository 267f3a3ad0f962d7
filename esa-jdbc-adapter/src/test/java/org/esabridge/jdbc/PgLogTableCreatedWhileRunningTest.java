package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.esabridge.jdbc.capture.CaptureMode;
import org.esabridge.jdbc.capture.LogCapture;
import org.esabridge.jdbc.postgres.TestPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 23 on PostgreSQL: a table created while log capture runs joins the publication at the next catalog reload,
 * is polled (its triggers) until the change index holds every change of it, then is read from the log. Writers change it throughout, some transactions held open across the switch, and a host syncs it
 * throughout: after a last sync its replica equals the table, 0 missed, 0 stale, 0 ghosts, no id twice in a cursor.
 */
@Tag("database")
class PgLogTableCreatedWhileRunningTest {
    private static final String DB = "esa_pg_log_join_test";
    private static final int INITIAL = 300;
    private static final int WRITERS = 3;

    @Test
    void aTableCreatedWhileRunningIsCapturedFromTheLogAndNoChangeIsMissedAcrossTheSwitch() throws Exception {
        TestPostgres.freshDatabase(DB);
        TestPostgres.exec(DB, "CREATE TABLE first (id INT PRIMARY KEY, modified timestamptz NOT NULL DEFAULT now())");
        try (JdbcAdapter adapter = TestPostgres.adapter(DB, "page-size", "100", "inline-threshold", "50")) {
            assertEquals(CaptureMode.BINLOG, adapter.captureMode());
            LogCapture capture = (LogCapture) adapter.captureStatus();
            EngineFixture pg = EngineFixture.POSTGRES_LOG;
            pg.exec(DB, "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " IF NEW.modified IS NOT DISTINCT FROM OLD.modified THEN NEW.modified := now(); END IF;"
                            + " RETURN NEW; END $$",
                    "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, " + pg.modifiedColumn() + ")",
                    "CREATE INDEX item_mod ON item (modified, id)",
                    "INSERT INTO item (id, v) SELECT g, 0 FROM generate_series(1, " + INITIAL + ") g");
            pg.exec(DB, pg.stampedOnUpdate("item").toArray(String[]::new));
            ReplicaHost host = new ReplicaHost(adapter, "host", "item");
            host.sync(); // the reload serves item, which joins the publication: polled meanwhile
            assertTrue(capture.uncapturable().containsKey("item"), capture.uncapturable().toString());
            assertTrue(triggers().contains("esa_del_item"), "polled meanwhile: " + triggers());

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger nextId = new AtomicInteger(INITIAL + 1);
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            List<Future<Integer>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                writers.add(pool.submit(ItemWriter.on(() -> TestPostgres.connect(DB), 500 + w, stop, nextId)));
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            int syncsBefore = 0;
            while (capture.uncapturable().containsKey("item")) {
                assertTrue(System.nanoTime() < deadline, "item never came to be read from the log");
                host.sync();
                syncsBefore++;
            }
            // Some more syncs from the log while the writers go on (their held transactions cross the switch).
            for (int i = 0; i < 10; i++) {
                host.sync();
            }
            int statements = SoakWriter.stopAll(stop, writers, pool);
            host.sync();
            ReplicaCheck.Counts counts;
            try (Connection c = TestPostgres.connect(DB)) {
                counts = ReplicaCheck.compare(host.replica, ReplicaCheck.table(c, "item", "v"));
            }
            System.out.printf("pg log join: %d write statements, %d syncs polled then %d from the log, %d cursors,"
                            + " %d duplicates in a cursor, %s%n", statements, syncsBefore, host.syncs - syncsBefore,
                    host.cursors, host.duplicatesInACursor, counts);
            assertEquals(new ReplicaCheck.Counts(0, 0, 0), counts);
            assertEquals(0, host.duplicatesInACursor, "no id twice inside one cursor");
            assertEquals(1, count("SELECT count(*) FROM pg_publication_tables WHERE tablename = 'item'"));
            assertEquals(1, count("SELECT count(*) FROM esa.esa_change WHERE table_name = 'item' AND kind = 'J'"),
                    "the index marks where item joined: an earlier 'after' reads the whole table");
        }
    }

    private static String triggers() throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (Connection c = TestPostgres.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'esa%' ORDER BY 1")) {
            while (rs.next()) {
                sb.append(rs.getString(1)).append(' ');
            }
        }
        return sb.toString();
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = TestPostgres.connect(DB); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
