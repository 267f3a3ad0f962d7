package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.esabridge.api.Cursor;
import org.esabridge.api.EsaParameter;
import org.esabridge.api.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adapter calling the host back, against a real MariaDB with MockWebServer as the host: the change
 * notifier's startSync, the deletion reports sent before the next call is processed, and the settings the
 * host manages, applied at startSync.
 */
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
        Thread.sleep(1500); // the notifier's first poll takes the baseline
        host.requests.clear();
        TestDatabase.exec(DB, "INSERT INTO items (id, name) VALUES (1, 'a'), (2, 'b')");

        String start = awaitRequest("startSync", 10);
        assertTrue(start.contains("asynchronous=\"true\""), start);
        assertTrue(start.contains("<external-system-id>esa-bridge-1</external-system-id>"), start);

        TestDatabase.exec(DB, "DELETE FROM items WHERE id = 2");
        awaitRequest("startSync", 10, 2);
        Thread.sleep(1200); // a poll after the one that saw the tombstone: the report is batched, not sent
        assertEquals(List.of(), host.requests("trackRecordDeletion"));

        adapter.beforeCall(); // what the server does first for every incoming call

        List<String> reports = host.requests("trackRecordDeletion");
        assertEquals(1, reports.size(), reports.toString());
        assertTrue(reports.get(0).contains("<structure>items</structure><id>2</id>"), reports.get(0));
        adapter.beforeCall();
        assertEquals(1, host.requests("trackRecordDeletion").size(), "a report is sent once");
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
        host.delay("getParameter", 3000);
        try {
            long started = System.nanoTime();
            adapter.startSync(new Session("host"), "esa-bridge-1");
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis < 2900, "startSync waited " + millis + " ms for the host's settings");
            assertTrue(millis >= 1900, "startSync gave the host about 2 s: " + millis + " ms");
        } finally {
            host.delay("getParameter", 0);
            Thread.sleep(3500); // let the late refresh finish before other tests change the host's answers
        }
    }

    private static String awaitRequest(String call, int seconds) throws InterruptedException {
        return awaitRequest(call, seconds, 1);
    }

    private static String awaitRequest(String call, int seconds, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            List<String> seen = host.requests(call);
            if (seen.size() >= count) {
                return seen.get(count - 1);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + call + " #" + count + " within " + seconds + " s: " + host.requests);
    }
}
