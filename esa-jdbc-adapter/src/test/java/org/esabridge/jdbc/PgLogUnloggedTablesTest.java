package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.capture.LogCapture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Unlogged tables in log mode on PostgreSQL: their changes never reach the write-ahead log, so no publication can
 * carry them and they are polled by their triggers. The start line names them once, with the remedy that works
 * ({@code ALTER TABLE … SET LOGGED}; it said "OWNER TO … or ADD TABLE", which never can, and carried PostgreSQL's
 * multi-line error into the line); the log warns once for all of them, not once per table; a table set logged joins the
 * log capture at the next catalog reload; one without a modification column is not served, for that reason.
 */
@Tag("database")
class PgLogUnloggedTablesTest {
    private static final String DB = "esa_pg_unlogged_test";
    private static final String REASON = "unlogged, so not in the write-ahead log (to read it from the log: ALTER TABLE"
            + " <table> SET LOGGED; it joins the log capture at the next catalog reload (startSync))";
    private static final String PARTED = "unlogged partitions [parted_old], not in the write-ahead log (to read it from"
            + " the log: ALTER TABLE <partition> SET LOGGED on each; it joins the log capture at the next catalog reload"
            + " (startSync))";

    @Test
    void unloggedTablesArePolledNamedOnceWithTheRemedyThatWorksAndJoinOnceLogged() throws Exception {
        EngineFixture pg = EngineFixture.POSTGRES_LOG;
        pg.fresh(DB);
        List<String> tables = new ArrayList<>();
        tables.add("CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, " + pg.modifiedColumn() + ")");
        for (String t : List.of("scratch1", "scratch2")) {
            tables.add("CREATE UNLOGGED TABLE " + t + " (id INT PRIMARY KEY, v INT NOT NULL, " + pg.modifiedColumn()
                    + ")");
            tables.add("INSERT INTO " + t + " (id, v) VALUES (1, 0), (2, 0)");
        }
        tables.add("CREATE UNLOGGED TABLE plain (id INT PRIMARY KEY, v TEXT)");
        // A partitioned table would be published, and its unlogged partition's changes left out of the log silently.
        tables.add("CREATE TABLE parted (id INT, at DATE, v INT NOT NULL, " + pg.modifiedColumn() + ", PRIMARY KEY (id,"
                + " at)) PARTITION BY RANGE (at)");
        tables.add("CREATE UNLOGGED TABLE parted_old PARTITION OF parted FOR VALUES FROM ('2000-01-01') TO ('2020-01-01')");
        tables.add("CREATE TABLE parted_new PARTITION OF parted DEFAULT");
        pg.exec(DB, tables.toArray(String[]::new));
        pg.exec(DB, pg.stampedOnUpdate("item", "scratch1", "scratch2", "parted").toArray(String[]::new));

        String warnings;
        JdbcAdapter started;
        PrintStream err = System.err;
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
        try {
            started = pg.adapter(DB, "inline-threshold", "1000");
        } finally {
            System.setErr(err);
            warnings = logged.toString(StandardCharsets.UTF_8);
            err.print(warnings);
        }
        try (JdbcAdapter adapter = started) {
            List<String> polledWarnings = warnings.lines().filter(l -> l.contains("triggers (polling)")).toList();
            assertEquals(1, polledWarnings.size(), "one warning for the unlogged tables: " + polledWarnings);
            assertTrue(polledWarnings.get(0).contains("3 table(s) (plain, scratch1, scratch2) (" + REASON + ")"),
                    polledWarnings.get(0));

            List<String> summary = adapter.captureSummary();
            String line = summary.get(0);
            assertTrue(line.contains("polled by their modification column instead: parted (" + PARTED + "); 2 table(s)"
                    + " (scratch1, scratch2) (" + REASON + ")"), line);
            assertFalse(line.contains("OWNER TO") || line.contains("ADD TABLE") || line.contains("\n"), line);
            assertEquals("not served: 1 table(s) with no modification column, and unlogged (not in the write-ahead log)"
                    + " (plain) - ALTER TABLE <table> SET LOGGED (served from the next catalog reload on, once it joined"
                    + " the log capture); or add a modification column, or set"
                    + " structure.<table>.change-tracking=version-table", summary.get(summary.size() - 1));

            // Polled, by its triggers: a deletion is reported.
            Instant before = adapter.getCurrentTime();
            pg.exec(DB, "DELETE FROM scratch1 WHERE id = 1");
            RecordingResultHandler deleted = new RecordingResultHandler();
            assertTrue(adapter.getDeleted("scratch1", before, deleted));
            assertEquals(List.of("1"), deleted.ids());

            pg.exec(DB, "ALTER TABLE scratch1 SET LOGGED");
            PgLogTablesChangedWhileRunningTest.awaitReadFromLog(adapter, "scratch1");
            LogCapture capture = (LogCapture) adapter.captureStatus();
            assertEquals(Map.of("scratch2", REASON.replace("<table>", "\"scratch2\""), "plain",
                    REASON.replace("<table>", "\"plain\""), "parted", PARTED), capture.uncapturable());
            Instant t = adapter.getCurrentTime();
            pg.exec(DB, "DELETE FROM scratch1 WHERE id = 2");
            deleted = new RecordingResultHandler();
            assertTrue(adapter.getDeleted("scratch1", t, deleted));
            assertEquals(List.of("2"), deleted.ids(), "from the change index now");
            assertTrue(adapter.getStructureList().stream().map(ExternalStructure::name).toList()
                    .containsAll(List.of("item", "scratch1", "scratch2")));
        }
    }
}
