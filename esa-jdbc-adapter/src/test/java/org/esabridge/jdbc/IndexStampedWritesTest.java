package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.Session;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Host writes to a table stamped by the change index, more at once than the pool has connections: each holds its
 * row's connection while its check fences the reader on a second one, and none waits for the pool's time-out.
 */
@Tag("database")
class IndexStampedWritesTest {
    private static final String DB = "esa_index_stamped_writes";
    private static final int WRITERS = 6;
    private static final int ROUNDS = 5;

    @Test
    void withTheStateInItsOwnSchemaTheStampsComeFromThere() throws Exception {
        TestDatabase.freshSchema("isw_app");
        TestDatabase.freshSchema("isw_state");
        TestDatabase.exec("isw_app", "CREATE TABLE plain (id INT PRIMARY KEY, v INT)", "INSERT INTO plain VALUES (1, 0)");
        try (JdbcAdapter adapter = TestDatabase.adapter("isw_app", "state-schema", "isw_state",
                "structure.plain.writable", "true")) {
            Session host = new Session("host");
            Instant seen = adapter.read("plain", "1").modifiedAt();
            Instant written = adapter.update(host, "plain", seen, new ExternalRecord("1", null,
                    List.of(new FieldValue("v", "1"))));
            assertEquals(written, adapter.read("plain", "1").modifiedAt());
            TestDatabase.exec("isw_app", "UPDATE plain SET v = 2 WHERE id = 1");
            org.esabridge.api.EsaRecordException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    org.esabridge.api.EsaRecordException.class, () -> adapter.update(host, "plain", written,
                            new ExternalRecord("1", null, List.of(new FieldValue("v", "3")))));
            assertEquals(org.esabridge.api.ErrorCode.RECORD_MODIFIED, refused.code());
            org.esabridge.api.xml.RecordingResultHandler changed = new org.esabridge.api.xml.RecordingResultHandler();
            org.junit.jupiter.api.Assertions.assertTrue(adapter.getModified("plain", written, changed));
            assertEquals(List.of(refused.modifiedAt()), changed.records().stream().map(ExternalRecord::modifiedAt).toList());
        }
    }

    @Test
    void moreConcurrentWritesThanConnectionsAllGoThroughAndEachAnswerIsTheNextLastSeen() throws Exception {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE busy (id INT PRIMARY KEY, v INT)",
                "INSERT INTO busy VALUES (0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0)");
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try (JdbcAdapter adapter = TestDatabase.adapter(DB, "structure.busy.writable", "true", "pool-size", "2")) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Instant>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                String id = Integer.toString(w);
                writers.add(pool.submit(() -> {
                    Session session = new Session("writer-" + id);
                    Instant seen = adapter.read("busy", id).modifiedAt();
                    go.await();
                    for (int round = 1; round <= ROUNDS; round++) {
                        seen = adapter.update(session, "busy", seen, new ExternalRecord(id, null,
                                List.of(new FieldValue("v", Integer.toString(round)))));
                    }
                    return seen;
                }));
            }
            go.countDown();
            for (int w = 0; w < WRITERS; w++) {
                Instant last = writers.get(w).get(60, TimeUnit.SECONDS);
                ExternalRecord now = adapter.read("busy", Integer.toString(w));
                assertEquals(Integer.toString(ROUNDS), now.fields().get(0).text());
                assertEquals(last, now.modifiedAt(), "writer " + w);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
