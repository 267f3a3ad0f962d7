package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.esabridge.api.Cursor;
import org.esabridge.api.EsaParameter;
import org.esabridge.api.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The adapter calling the host back, against a real MariaDB with MockWebServer as the host: the change
 * notifier's startSync, the deletion reports sent before the next call is processed, and the settings the
 * host manages, applied at startSync.
 */
@Tag("database")
class HostCallbacksTest {
    private static final String DB = "esa_host_callbacks_test";
    private static HelperHost host;
    private static JdbcAdapter adapter;
    private static volatile String hostPageSize = "";

    @BeforeAll
    static void start() throws Exception {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), modified TIMESTAMP(6) NOT NULL"
                + " DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))");
        // 'n ' of a NO PAD key is not the row n: the host, which trims ids, must never be told it was deleted.
        TestDatabase.exec(DB, "CREATE TABLE notes (id VARCHAR(20) COLLATE utf8mb4_nopad_bin PRIMARY KEY, modified"
                + " TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))");
        TestDatabase.exec(DB, "INSERT INTO notes (id) VALUES ('n'), ('n ')");
        host = new HelperHost();
        host.answer("startSync", "<value>started</value>");
        host.answer("getParameter", body -> body.contains("<name>page-size</name>") && !hostPageSize.isEmpty()
                ? "<value>" + hostPageSize + "</value>" : "");
        adapter = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(TestDatabase.settings(DB,
                "helper-url", host.url(), "external-system-id", "esa-bridge-1", "notify-interval-seconds", "1",
                "page-size", "1000", "inline-threshold", "0"), null));
    }

    @AfterAll
    static void stop() throws Exception {
        adapter.close();
        host.close();
    }

    @Test
    void aChangeAsksTheHostToSyncAndADeletionIsReportedBeforeTheNextCallIsProcessed() throws Exception {
        // The notifier polls and sends startSync on one thread, so no poll runs while the host holds a startSync:
        // holding them tells the test which poll saw what, where sleeping past the polls only made it likely.
        List<CountDownLatch> holds = new ArrayList<>();
        try {
            holds.add(host.hold("startSync"));
            int before = host.requests("startSync").size();
            TestDatabase.exec(DB, "INSERT INTO items (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
            // The first poll only takes the baseline: touch the row until a poll after it sees a change.
            String start = awaitRequest("startSync", before + 1, HostCallbacksTest::touch);
            assertTrue(start.contains("asynchronous=\"true\""), start);
            assertTrue(start.contains("<external-system-id>esa-bridge-1</external-system-id>"), start);

            // REPLACE deletes and inserts 3: its tombstone stands behind a live row, which is never reported deleted.
            TestDatabase.exec(DB, "DELETE FROM items WHERE id = 2", "REPLACE INTO items (id, name) VALUES (3, 'c2')",
                    "DELETE FROM notes");
            holds.add(host.hold("startSync"));
            holds.get(0).countDown();
            awaitRequest("startSync", before + 2, () -> { }); // the poll that saw the tombstone
            holds.add(host.hold("startSync"));
            holds.get(1).countDown();
            touch();
            awaitRequest("startSync", before + 3, () -> { }); // a poll after it
            assertEquals(List.of(), host.requests("trackRecordDeletion"), "the report is batched, not sent by a poll");
        } finally {
            holds.forEach(CountDownLatch::countDown);
        }

        adapter.beforeCall(); // what the server does first for every incoming call

        List<String> reports = host.requests("trackRecordDeletion");
        assertEquals(2, reports.size(), "only 2 and n, not the re-inserted 3 nor 'n ': " + reports);
        assertTrue(reports.stream().anyMatch(r -> r.contains("<structure>items</structure><id>2</id>")), reports.toString());
        assertTrue(reports.stream().anyMatch(r -> r.contains("<structure>notes</structure><id>n</id>")), reports.toString());
        adapter.beforeCall();
        assertEquals(2, host.requests("trackRecordDeletion").size(), "a report is sent once");
    }

    @Test
    void thePageSizeTheHostStoresIsAppliedAtStartSyncAndRefusedOutOfRange() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO items (id, name) SELECT seq, 'x' FROM seq_100_to_449");
        List<String> names = adapter.getParametersMeta("en").stream().map(EsaParameter::name).toList();
        assertEquals(List.of("page-size", "inline-threshold"), names);
        assertEquals(List.of("1000"), adapter.getParametersMeta("en").get(0).defaultValues());

        Supplier<Integer> pageSizeOfANewCursor = () -> {
            try {
                Session s = new Session("host");
                Cursor c = adapter.getModifiedPaged(s, "items", Instant.EPOCH);
                adapter.closeCursor(s, c.cursorId());
                return c.pageSize();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        hostPageSize = "100";
        adapter.startSync(new Session("host"), "esa-bridge-1");
        assertEquals(100, pageSizeOfANewCursor.get());

        hostPageSize = "5"; // below the file's range 100..10000: refused, the current value stays
        adapter.startSync(new Session("host"), "esa-bridge-1");
        assertEquals(100, pageSizeOfANewCursor.get());

        hostPageSize = ""; // the host stores nothing: the configuration file's value again
        adapter.startSync(new Session("host"), "esa-bridge-1");
        assertEquals(1000, pageSizeOfANewCursor.get());
        assertTrue(host.requests("getParameter").stream().anyMatch(r -> r.contains("<name>inline-threshold</name>")));
    }

    @Test
    void aHostSlowToAnswerGetParameterDoesNotHoldUpStartSync() throws Exception {
        int asked = host.requests("getParameter").size();
        CountDownLatch answer = host.hold("getParameter");
        try {
            long started = System.nanoTime();
            // Waiting for the held answer would take until the test releases it, after this returns (or 30 s).
            assertTimeoutPreemptively(Duration.ofSeconds(15),
                    () -> adapter.startSync(new Session("host"), "esa-bridge-1"), "startSync waited for the settings");
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis >= 1900, "startSync gave the host about 2 s: " + millis + " ms");
            assertEquals(asked + 1, host.requests("getParameter").size(), "the host was asked and has not answered");
        } finally {
            answer.countDown();
        }
        // The late refresh goes on to ask for the second setting; a startSync meanwhile waits for it to end, so
        // it cannot apply the host's old answers over those the next test sets.
        awaitRequest("getParameter", asked + 2, () -> { });
        adapter.startSync(new Session("host"), "esa-bridge-1");
    }

    /** Moves the table's newest modification time: a change for the notifier's next poll. */
    private static void touch() throws Exception {
        TestDatabase.exec(DB, "UPDATE items SET modified = CURRENT_TIMESTAMP(6) WHERE id = 1");
    }

    private interface Step {
        void run() throws Exception;
    }

    /** The count-th request of a call, waited for up to 20 s, doing {@code nudge} every half second meanwhile. */
    private static String awaitRequest(String call, int count, Step nudge) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int i = 1; System.nanoTime() < deadline; i++) {
            List<String> seen = host.requests(call);
            if (seen.size() >= count) {
                return seen.get(count - 1);
            }
            if (i % 10 == 0) {
                nudge.run();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + call + " #" + count + " within 20 s: " + host.requests);
    }
}
