package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.capture.LogCapture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A partitioned table as an application has it on PostgreSQL: one structure, the partitioned table, whose rows live in
 * its partitions. The partitions are not structures of their own (each row was served twice, under two names), and
 * the row triggers PostgreSQL clones onto them are not taken for ours moved away (every start warned and moved them
 * "back"). A row deleted through a partition is a deletion of the partitioned table's record. In log mode the
 * partitioned table is read from the log like any other (it was polled, named with a remedy that could never work:
 * the publication sends its partitions' changes under their own names, which the reader now takes for the partitioned
 * table's), and a TRUNCATE of one partition, which no trigger of the partitioned table sees, is in the log too.
 */
@Tag("database")
class PgPartitionedTableTest {
    private static final String DB = "esa_pg_partitioned_test";

    @ParameterizedTest
    @ValueSource(strings = {"polling", "log"})
    void aPartitionedTableIsOneStructureWhosePartitionsAreNone(String capture) throws Exception {
        EngineFixture pg = capture.equals("log") ? EngineFixture.POSTGRES_LOG : EngineFixture.POSTGRES_POLLING;
        pg.fresh(DB);
        pg.exec(DB, "CREATE TABLE measurement (id INT, at DATE, v INT, " + pg.modifiedColumn()
                        + ", PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
                "CREATE TABLE measurement_2024 PARTITION OF measurement FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
                "CREATE TABLE measurement_rest PARTITION OF measurement DEFAULT",
                "INSERT INTO measurement (id, at, v) VALUES (1, '2024-03-01', 1), (2, '2026-01-01', 2), (3, '2026-02-01', 3)");
        pg.exec(DB, pg.stampedOnUpdate("measurement").toArray(String[]::new));
        for (int start = 1; start <= 2; start++) {
            try (JdbcAdapter adapter = pg.adapter(DB)) {
                assertEquals(List.of("measurement"), adapter.getStructureList().stream().map(ExternalStructure::name)
                        .toList(), "start " + start);
                assertEquals(List.of(), triggersOfOursOnPartitions(), "start " + start + ": only PostgreSQL's clones");
                if (capture.equals("log")) {
                    String line = adapter.captureSummary().get(0);
                    assertTrue(line.startsWith("change capture: log - 1 structure(s)") && !line.contains("polled"),
                            line);
                    assertEquals(Map.of(), ((LogCapture) adapter.captureStatus()).uncapturable());
                }
                Instant before = adapter.getCurrentTime();
                pg.exec(DB, "DELETE FROM measurement_rest WHERE id = " + (start + 1));
                adapter.getCurrentTime();
                RecordingResultHandler deleted = new RecordingResultHandler();
                adapter.getDeleted("measurement", before, deleted);
                assertEquals(List.of((start + 1) + "," + (start == 1 ? "2026-01-01" : "2026-02-01")), deleted.ids());
                RecordingResultHandler modified = new RecordingResultHandler();
                adapter.getModified("measurement", Instant.EPOCH, modified);
                assertEquals(3 - start, modified.records().size());
            }
        }
        if (capture.equals("log")) {
            try (JdbcAdapter adapter = pg.adapter(DB)) {
                Instant before = adapter.getCurrentTime();
                pg.exec(DB, "TRUNCATE measurement_2024");
                adapter.getCurrentTime();
                EsaException refused = assertThrows(EsaException.class,
                        () -> adapter.getDeleted("measurement", before, new RecordingResultHandler()));
                assertEquals(ErrorCode.NOT_SUPPORTED, refused.code(), "the rows a partition's TRUNCATE took are"
                        + " deletions the host finds by comparing ids");
            }
        }
    }

    /** Triggers named like ours on a partition that PostgreSQL did not clone from the partitioned table's. */
    private static List<String> triggersOfOursOnPartitions() throws Exception {
        List<String> found = new ArrayList<>();
        try (Connection c = EngineFixture.POSTGRES_POLLING.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT c.relname || '.' || t.tgname FROM pg_trigger t"
                     + " JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relispartition AND t.tgname LIKE 'esa\\_%'"
                     + " AND t.tgparentid = 0 ORDER BY 1")) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        return found;
    }
}
