package org.esabridge.jdbc.mariadb.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 25, item 3: what anyone who can run SQL on the server does elsewhere must not poison the change index. A
 * TRUNCATE is ours by the event's schema and the table it names, never by what its text mentions; a table is one
 * of the adapter's own by its exact schema and name, never by a look-alike in another case or schema.
 */
@Tag("database")
class ForeignStatementsTest {
    private static final String TABLE = "CREATE TABLE item (id INT PRIMARY KEY, v VARCHAR(20), modified TIMESTAMP(6)"
            + " NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))";

    @Test
    void aTruncateInAnotherSchemaWhoseTextNamesOursIsNoGap() throws Exception {
        TestDatabase.freshSchema("fs_trunc");
        TestDatabase.freshSchema("fs_trunc_elsewhere");
        TestDatabase.exec("fs_trunc", TABLE, "INSERT INTO item (id, v) VALUES (1, 'a'), (2, 'b')");
        TestDatabase.exec("fs_trunc_elsewhere", "CREATE TABLE t (id INT PRIMARY KEY)",
                "CREATE TABLE fs_trunc (id INT PRIMARY KEY)");
        try (JdbcAdapter adapter = TestDatabase.adapter("fs_trunc")) {
            Instant before = adapter.getCurrentTime();
            TestDatabase.exec("fs_trunc", "DELETE FROM item WHERE id = 2");
            // Run in another schema: a comment, or a table, that happens to carry our schema's name.
            TestDatabase.exec("fs_trunc_elsewhere", "TRUNCATE TABLE t /* fs_trunc */", "TRUNCATE TABLE fs_trunc",
                    "-- fs_trunc\nTRUNCATE t", "TRUNCATE TABLE `fs_trunc_elsewhere`.`t`");
            // Run in our schema, naming another schema's table.
            TestDatabase.exec("fs_trunc", "TRUNCATE TABLE fs_trunc_elsewhere.t");
            adapter.getCurrentTime();

            assertEquals(0, adapter.captureStatus().gaps(), "no gap recorded for the schema");
            RecordingResultHandler deleted = new RecordingResultHandler();
            assertTrue(adapter.getDeleted("item", before, deleted));
            assertEquals(List.of("2"), deleted.ids());
        }
    }

    @Test
    void aCommentedTruncateOfOurTableMovesThatTablesHorizonOnly() throws Exception {
        TestDatabase.freshSchema("fs_trunc_own");
        TestDatabase.exec("fs_trunc_own", TABLE, TABLE.replace("TABLE item", "TABLE other"),
                "INSERT INTO item (id, v) VALUES (1, 'a')", "INSERT INTO other (id, v) VALUES (1, 'a'), (2, 'b')");
        try (JdbcAdapter adapter = TestDatabase.adapter("fs_trunc_own")) {
            Instant before = adapter.getCurrentTime();
            TestDatabase.exec("fs_trunc_own", "/* nightly */ TRUNCATE /* why */ TABLE item -- done",
                    "DELETE FROM other WHERE id = 2");
            adapter.getCurrentTime();
            EsaException refused = assertThrows(EsaException.class,
                    () -> adapter.getDeleted("item", before, new RecordingResultHandler()));
            assertEquals(ErrorCode.NOT_SUPPORTED, refused.code(), "the truncated rows are not listed: compare ids");
            RecordingResultHandler others = new RecordingResultHandler();
            assertTrue(adapter.getDeleted("other", before, others));
            assertEquals(List.of("2"), others.ids());
            assertEquals(0, adapter.captureStatus().gaps());
        }
    }

    @Test
    void tablesNamedLikeTheAdaptersOwnInAnotherCaseAreTheApplicationsNotOurs() throws Exception {
        TestDatabase.freshSchema("fs_lookalike");
        TestDatabase.exec("fs_lookalike", TABLE,
                "CREATE TABLE ESA_FENCE (id VARCHAR(10) PRIMARY KEY)",
                "CREATE TABLE ESA_TOMBSTONE (seq INT PRIMARY KEY, table_name VARCHAR(64), row_id VARCHAR(64))",
                "CREATE TABLE Esa_Touched (seq INT PRIMARY KEY, table_name VARCHAR(64), row_id VARCHAR(64))");
        try (JdbcAdapter adapter = TestDatabase.adapter("fs_lookalike")) {
            Instant before = adapter.getCurrentTime();
            TestDatabase.exec("fs_lookalike", "INSERT INTO item (id, v) VALUES (1, 'a')",
                    "INSERT INTO ESA_FENCE VALUES ('x')",
                    "INSERT INTO ESA_TOMBSTONE VALUES (1, 'item', '999')",
                    "INSERT INTO Esa_Touched VALUES (1, 'item', '998')");
            adapter.getCurrentTime();

            assertEquals(0, adapter.captureStatus().gaps(), "a look-alike fence is no fence (nor a decoding failure)");
            assertEquals(Map.of("1", 'M'), BinlogCaptureTest.kinds(ChangeIndexRows.of("fs_lookalike", "item")),
                    "nothing injected through look-alike marker tables");
            RecordingResultHandler deleted = new RecordingResultHandler();
            assertTrue(adapter.getDeleted("item", before, deleted));
            assertEquals(List.of(), deleted.ids());
        }
    }
}
