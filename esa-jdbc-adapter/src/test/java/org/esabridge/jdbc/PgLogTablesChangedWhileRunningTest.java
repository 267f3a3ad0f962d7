package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.capture.LogCapture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Tables created or recreated while PostgreSQL's log capture runs are served as the start would serve them: one whose
 * replica identity does not carry its id (its deletes would reach the log without it) or that is unlogged is polled by
 * its triggers, named once per reason with the start's remedy; once the remedy is applied it joins the log capture at
 * the next catalog reload. A reload checked a new name's replica identity, but joined a table recreated under a served
 * name without looking (with REPLICA IDENTITY NOTHING, PostgreSQL then refuses the application's deletes from it), and
 * never looked again at a table polled for its identity.
 */
@Tag("database")
class PgLogTablesChangedWhileRunningTest {
    private static final String DB = "esa_pg_tables_changed_test";
    private static final String NO_IDENTITY = "REPLICA IDENTITY NOTHING: its deletes would arrive without their id"
            + " (remedy: ALTER TABLE <table> REPLICA IDENTITY FULL, or USING INDEX on its id; it joins the log capture at the"
            + " next catalog reload (startSync))";
    private static final String UNLOGGED = "unlogged, so not in the write-ahead log (to read it from the log: ALTER TABLE"
            + " <table> SET LOGGED; it joins the log capture at the next catalog reload (startSync))";

    @Test
    void tablesCreatedOrRecreatedWhileRunningArePolledForTheStartsReasonsAndJoinOnceRemedied() throws Exception {
        EngineFixture pg = EngineFixture.POSTGRES_LOG;
        pg.fresh(DB);
        pg.exec(DB, "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, " + pg.modifiedColumn() + ")",
                "CREATE TABLE again (id INT PRIMARY KEY, v INT NOT NULL, " + pg.modifiedColumn() + ")");
        pg.exec(DB, pg.stampedOnUpdate("item", "again").toArray(String[]::new));
        try (JdbcAdapter adapter = pg.adapter(DB, "inline-threshold", "1000")) {
            LogCapture capture = (LogCapture) adapter.captureStatus();
            assertEquals(Map.of(), capture.uncapturable());

            pg.exec(DB, "DROP TABLE again",
                    "CREATE TABLE again (id INT PRIMARY KEY, v INT NOT NULL, " + pg.modifiedColumn() + ")",
                    "ALTER TABLE again REPLICA IDENTITY NOTHING",
                    "CREATE TABLE fresh (id INT PRIMARY KEY, v INT NOT NULL, " + pg.modifiedColumn() + ")",
                    "ALTER TABLE fresh REPLICA IDENTITY NOTHING",
                    "CREATE UNLOGGED TABLE scratch (id INT PRIMARY KEY, v INT NOT NULL, " + pg.modifiedColumn() + ")",
                    "INSERT INTO again (id, v) VALUES (1, 0), (2, 0)");
            pg.exec(DB, pg.stampedOnUpdate("again", "fresh", "scratch").toArray(String[]::new));

            String warnings = stderrOf(adapter::getStructureList); // the reload
            assertEquals(Map.of("again", NO_IDENTITY.replace("<table>", "\"again\""), "fresh",
                    NO_IDENTITY.replace("<table>", "\"fresh\""), "scratch", UNLOGGED.replace("<table>", "\"scratch\"")),
                    capture.uncapturable(), "as the start would have found them");
            List<String> polled = warnings.lines().filter(l -> l.contains("triggers (polling)")).toList();
            assertEquals(1, polled.size(), "one warning for the reload's tables: " + warnings);
            assertTrue(polled.get(0).contains("2 table(s) (again, fresh) (" + NO_IDENTITY + ")"), polled.get(0));
            assertTrue(polled.get(0).contains("scratch (" + UNLOGGED.replace("<table>", "\"scratch\"") + ")"),
                    polled.get(0));

            polledUntilRemediedThenIndexed(adapter, "again", "ALTER TABLE again REPLICA IDENTITY FULL");
        }
    }

    /**
     * A published table whose replica identity lost its id before a restart (an identity index without it: with none
     * at all PostgreSQL refuses the application's deletes) is polled from that start on; once remedied it joins at the
     * next reload, as the remedy says (a reload never looked at a published table again).
     */
    @Test
    void aPublishedTablePolledForItsIdentityJoinsOnceRemedied() throws Exception {
        EngineFixture pg = EngineFixture.POSTGRES_LOG;
        pg.fresh(DB);
        pg.exec(DB, "CREATE TABLE item (id INT PRIMARY KEY, code INT NOT NULL UNIQUE, " + pg.modifiedColumn() + ")",
                "INSERT INTO item (id, code) VALUES (1, 1), (2, 2)");
        pg.exec(DB, pg.stampedOnUpdate("item").toArray(String[]::new));
        pg.adapter(DB).close(); // item is published
        pg.exec(DB, "ALTER TABLE item REPLICA IDENTITY USING INDEX item_code_key");
        try (JdbcAdapter adapter = pg.adapter(DB, "inline-threshold", "1000")) {
            LogCapture capture = (LogCapture) adapter.captureStatus();
            assertEquals(Map.of("item", "a REPLICA IDENTITY index without its id columns [id]: its deletes would arrive"
                    + " without their id (remedy: ALTER TABLE \"item\" REPLICA IDENTITY FULL, or USING INDEX on its id;"
                    + " it joins the log capture at the next catalog reload (startSync))"), capture.uncapturable());
            polledUntilRemediedThenIndexed(adapter, "item", "ALTER TABLE item REPLICA IDENTITY DEFAULT");
        }
    }

    /**
     * The table is polled: its trigger reports the deletion of row 1. Once {@code remedy} runs it joins the log
     * capture at a catalog reload, and the deletion of row 2 comes from the change index.
     */
    private static void polledUntilRemediedThenIndexed(JdbcAdapter adapter, String table, String remedy)
            throws Exception {
        Instant before = adapter.getCurrentTime();
        EngineFixture.POSTGRES_LOG.exec(DB, "DELETE FROM " + table + " WHERE id = 1");
        assertEquals(List.of("1"), deleted(adapter, table, before), "polled: its trigger reports the deletion");
        EngineFixture.POSTGRES_LOG.exec(DB, remedy);
        awaitReadFromLog(adapter, table);
        Instant t = adapter.getCurrentTime();
        EngineFixture.POSTGRES_LOG.exec(DB, "DELETE FROM " + table + " WHERE id = 2");
        assertEquals(List.of("2"), deleted(adapter, table, t), "from the change index now");
    }

    /** Reloads the catalog until {@code table} is read from the log: it joins, then its join completes. */
    static void awaitReadFromLog(JdbcAdapter adapter, String table) throws Exception {
        LogCapture capture = (LogCapture) adapter.captureStatus();
        long deadline = System.nanoTime() + 60_000_000_000L;
        do {
            assertTrue(System.nanoTime() < deadline, table + " never came to be read from the log: "
                    + capture.uncapturable());
            adapter.getStructureList(); // reloads the catalog
        } while (capture.uncapturable().containsKey(table));
    }

    private static List<String> deleted(JdbcAdapter adapter, String table, Instant after) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getDeleted(table, after, sink));
        return sink.ids();
    }

    @FunctionalInterface
    interface Call {
        Object run() throws Exception;
    }

    /** What the call wrote to standard error (the log), echoed there too. */
    static String stderrOf(Call call) throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
        try {
            call.run();
        } finally {
            System.setErr(err);
            err.print(logged.toString(StandardCharsets.UTF_8));
        }
        return logged.toString(StandardCharsets.UTF_8);
    }
}
