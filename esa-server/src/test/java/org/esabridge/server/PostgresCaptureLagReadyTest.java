package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.postgres.TestPostgres;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 23 item 5 on PostgreSQL: the slot's lag shows in /metrics (bytes and seconds) and fails /ready past
 * {@code capture-max-lag-seconds}. The reader is stalled for real: its walsender is stopped (SIGSTOP), so nothing
 * reaches the reader (no transaction waits in it to count) while the WAL goes on; the slot's lag passes the bound in
 * /metrics, the capture is unhealthy and /ready answers 503, and once the walsender runs again (SIGCONT) /ready
 * turns 200 again.
 */
@Tag("database")
class PostgresCaptureLagReadyTest {
    private static final String DB = "e2e_pg_lag_ready";
    private static final Pattern SERIES = Pattern.compile("^(esa_capture_lag_(?:seconds|bytes)) (\\S+)$", Pattern.MULTILINE);

    @Test
    void aStalledSlotFailsReadyPastTheBoundAndShowsItsLagInMetrics() throws Exception {
        // Signals go to the tests' own server's processes only.
        Assumptions.assumeTrue(System.getenv("ESA_TEST_PG_URL") == null);
        TestPostgres.freshDatabase(DB);
        TestPostgres.exec(DB, "CREATE TABLE item (id INT PRIMARY KEY, v INT, modified timestamptz NOT NULL DEFAULT now())");
        try (JdbcAdapter adapter = TestPostgres.adapter(DB, "capture-max-lag-seconds", "2", "capture-heartbeat-seconds", "1",
                "structure.item.modified-column", "modified");
             TestServer server = TestServer.startLoopbackWithoutAuth(adapter, Map.of())) {
            await(server, EsaServer.READY_PATH, r -> r.statusCode() == 200, "ready at first");
            int walsender = walsender();
            signal("STOP", walsender);
            try {
                TestPostgres.exec(DB, "INSERT INTO item (id, v) SELECT g, g FROM generate_series(1, 1000) g");
                // Not ready (one word: /ready tells no more), and for the lag: /metrics shows it past the bound.
                long deadline = System.nanoTime() + 60_000_000_000L;
                Map<String, Double> lag = Map.of();
                while (lag.getOrDefault("esa_capture_lag_seconds", 0.0) <= 2) {
                    assertTrue(System.nanoTime() < deadline, "the lag never passed the bound: " + lag);
                    lag = lag(server.send(HttpRequest.newBuilder(server.server().httpsUri(EsaServer.METRICS_PATH)))
                            .body());
                }
                HttpResponse<String> notReady = await(server, EsaServer.READY_PATH, r -> r.statusCode() == 503,
                        "not ready");
                assertEquals("not ready\n", notReady.body());
                assertFalse(adapter.captureStatus().healthy(2), "what /ready asks of the capture");
                assertTrue(lag.get("esa_capture_lag_bytes") > 0, lag.toString());
                System.out.println("stalled slot: /ready " + notReady.statusCode() + ", /metrics " + lag);
            } finally {
                signal("CONT", walsender);
            }
            await(server, EsaServer.READY_PATH, r -> r.statusCode() == 200, "ready again once the walsender runs");
        }
    }

    private static int walsender() throws Exception {
        try (Connection c = TestPostgres.connect(DB); Statement s = c.createStatement()) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery("SELECT active_pid FROM pg_replication_slots WHERE database = '" + DB
                        + "' AND active_pid IS NOT NULL")) {
                    if (rs.next()) {
                        return rs.getInt(1);
                    }
                }
                Thread.onSpinWait();
            }
        }
        throw new AssertionError("no walsender reads the slot");
    }

    private static void signal(String signal, int pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Integer.toString(pid)).inheritIO().start();
        assertTrue(kill.waitFor() == 0, "kill -" + signal + " " + pid);
    }

    private static Map<String, Double> lag(String metrics) {
        Map<String, Double> lag = new java.util.TreeMap<>();
        Matcher m = SERIES.matcher(metrics);
        while (m.find()) {
            lag.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return lag;
    }

    /** Polls {@code path} until {@code done} holds, for up to 60 s. */
    private static HttpResponse<String> await(TestServer server, String path, Predicate<HttpResponse<String>> done,
                                              String what) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = server.sendAsIs(HttpRequest.newBuilder(server.server().httpsUri(path)));
            if (done.test(last)) {
                return last;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError(what + ": last " + (last == null ? null : last.statusCode() + " " + last.body()));
    }
}
