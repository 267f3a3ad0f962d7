package org.esabridge.server;

import static org.esabridge.server.EsaServletHttpsTest.call;
import static org.esabridge.server.Responses.assertFault;
import static org.esabridge.server.Responses.assertResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.mariadb.embedded.EmbeddedMariaDb;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 6 §4 and §5 against a MariaDB of this test's own, on a fixed port: the database stops in the middle
 * of a sync and starts again on the same port. While it is down every call is answered DATABASE_UNAVAILABLE
 * (503) quickly and /ready says 503; once it is back the same server serves again and nothing written before
 * is lost. Then /metrics shows the series of the sync.
 */
@Tag("database")
class DatabaseFaultsTest {
    private static final String SCHEMA = "esa_faults";
    private static final Pattern MODIFIED_AT = Pattern.compile("<modified-at>([^<]+)</modified-at>");

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String getModified(String callId, String structure) {
        return call(callId, "<getModified><structure>" + structure + "</structure><after>2000-01-01T00:00:00Z</after>"
                + "</getModified>");
    }

    @Test
    void databaseStoppedMidSyncFaultsQuicklyAndServiceResumesWithNoDataLost() throws Exception {
        Path dataDir = Path.of("target", "esa-faults-db").toAbsolutePath();
        int port = freePort();
        EmbeddedMariaDb db = EmbeddedMariaDb.start(dataDir, port);
        TestServer server = null;
        try {
            // A fresh schema each run: the data directory outlives the test, the demo data is created once.
            try (Connection c = db.connect("");
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + SCHEMA);
            }
            db.createSchema(SCHEMA);
            JdbcAdapter adapter = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(Map.of(
                    JdbcAdapterConfig.JDBC_URL, db.url(SCHEMA), JdbcAdapterConfig.JDBC_USER, db.user(),
                    JdbcAdapterConfig.JDBC_PASSWORD, db.password(), JdbcAdapterConfig.DEMO, "true"), null));
            server = TestServer.start(adapter, Map.of("external-system-id", "host-1"));
            TestServer running = server;

            assertResult(server.post(call("1", "<startSync><external-system-id>host-1</external-system-id></startSync>")), "1");
            HttpResponse<String> created = server.post(call("2", "<create><structure>customers</structure><record>"
                    + "<field name=\"name\">Barbara Liskov</field><field name=\"email\">barbara@example.org</field>"
                    + "</record></create>"));
            assertResult(created, "2");
            assertEquals(4, count(server.post(getModified("3", "customers")).body()));

            db.close();
            List<CompletableFuture<HttpResponse<String>>> down = new ArrayList<>();
            long started = System.nanoTime();
            for (String structure : List.of("customers", "products", "orders", "customers")) {
                down.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return running.post(getModified("4", structure));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (CompletableFuture<HttpResponse<String>> answer : down) {
                assertFault(answer.get(30, TimeUnit.SECONDS), 503, "DATABASE_UNAVAILABLE");
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            // The pool's 3 s connection time-out plus four TLS handshakes on a loaded machine; well short of the
            // 30 s a query would wait.
            assertTrue(millis < 20_000, "faults within the pool's connection time-out, took " + millis + " ms");
            assertFault(server.post(call("5", "<update><structure>customers</structure><last-seen>2999-01-01T00:00:00Z"
                    + "</last-seen><record><id>1</id><field name=\"notes\">x</field></record></update>")),
                    503, "DATABASE_UNAVAILABLE");
            assertEquals(503, server.sendAsIs(HttpRequest.newBuilder(server.server().httpsUri(EsaServer.READY_PATH)))
                    .statusCode());
            assertEquals(200, server.sendAsIs(HttpRequest.newBuilder(server.server().httpsUri(EsaServer.HEALTH_PATH)))
                    .statusCode());

            db = EmbeddedMariaDb.start(dataDir, port);
            HttpResponse<String> back = awaitServed(() -> running.post(getModified("6", "customers")));
            assertEquals(4, count(back.body()), "the record created before the outage is still there");
            assertTrue(back.body().contains("Barbara Liskov"), back.body());
            // /ready keeps its last answer for a second: it turns 200 at the first probe after the database is back.
            awaitServed(() -> running.sendAsIs(HttpRequest.newBuilder(running.server().httpsUri(EsaServer.READY_PATH))));

            // The rest of the sync: a stale update is a conflict, a fresh one lands and is audited.
            Matcher stamp = MODIFIED_AT.matcher(back.body());
            assertTrue(stamp.find());
            String lastSeen = stamp.group(1);
            assertFault(server.post(call("7", "<update><structure>customers</structure><last-seen>2000-01-01T00:00:00Z"
                    + "</last-seen><record><id>1</id><field name=\"notes\">stale</field></record></update>")),
                    200, "RECORD_MODIFIED");
            HttpResponse<String> updated = server.post(call("8", "<update><structure>customers</structure><last-seen>"
                    + lastSeen + "</last-seen><record><id>1</id><field name=\"notes\">secret note</field></record>"
                    + "</update>"));
            assertResult(updated, "8");
            Matcher value = Pattern.compile("<value>([^<]+)</value>").matcher(updated.body());
            assertTrue(value.find(), updated.body());
            HttpResponse<String> paged = server.post(call("9", "<getModifiedPaged><structure>customers</structure>"
                    + "<after>2000-01-01T00:00:00Z</after></getModifiedPaged>"));
            assertResult(paged, "9");
            assertResult(server.post(call("10", "<readDataPage><cursor-id>" + cursorId(paged.body())
                    + "</cursor-id><page-index>0</page-index></readDataPage>")), "10");
            assertResult(server.post(call("11", "<endSync/>")), "11");

            String audit = Files.readString(server.server().auditLog());
            assertTrue(audit.contains("call=update principal=token remote=127.0.0.1 call-id=8 structure=customers id=1"
                    + " outcome=ok last-seen=" + lastSeen + " modified-at=" + value.group(1)), audit);
            assertTrue(audit.contains("call-id=7 structure=customers id=1 outcome=RECORD_MODIFIED"), audit);
            assertTrue(audit.contains("call=create principal=token remote=127.0.0.1 call-id=2 structure=customers id=4"
                    + " outcome=ok last-seen=- modified-at="), audit);
            assertTrue(audit.contains("call-id=5 structure=customers id=1 outcome=DATABASE_UNAVAILABLE"), audit);
            assertTrue(!audit.contains("secret note") && !audit.contains("Barbara"), "no field values: " + audit);

            String metrics = server.send(HttpRequest.newBuilder(server.server().httpsUri(EsaServer.METRICS_PATH)))
                    .body();
            for (String series : List.of("esa_calls_total{call=\"getModified\",outcome=\"ok\"} 2.0",
                    "esa_calls_total{call=\"getModified\",outcome=\"DATABASE_UNAVAILABLE\"}",
                    "esa_call_duration_seconds_bucket{call=\"getModified\",le=",
                    "esa_rows_served_total{call=\"getModified\"} 8.0",
                    "esa_rows_served_total{call=\"readDataPage\"} 4.0",
                    "esa_conflicts_total 1.0", "esa_cursors_open 1.0", "esa_logins_failed_total 0.0",
                    "hikaricp_connections_active{pool=\"esa-jdbc\"}", "hikaricp_connections_timeout_total",
                    // The embedded MariaDB keeps a binary log, so this node reads it (issue 12); leadership may be
                    // in the middle of being taken back after the restart above, so only its presence is asserted.
                    "esa_capture_leader ", "esa_capture_gaps_total 0.0", "esa_capture_events_read_total",
                    "esa_capture_lag_seconds", "esa_capture_lag_events")) {
                assertTrue(metrics.contains(series), series + " missing from\n" + metrics);
            }
        } finally {
            if (server != null) {
                server.close();
            }
            db.close();
        }
    }

    private static int count(String body) {
        return body.split("<record>", -1).length - 1;
    }

    private static String cursorId(String body) {
        Matcher m = Pattern.compile("<cursor-id>([^<]+)</cursor-id>").matcher(body);
        assertTrue(m.find(), body);
        return m.group(1);
    }

    private interface Request {
        HttpResponse<String> send() throws Exception;
    }

    /** The first answer that is not 503 (DATABASE_UNAVAILABLE, not ready), within 30 s of the database's start. */
    private static HttpResponse<String> awaitServed(Request request) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        HttpResponse<String> response = request.send();
        while (response.statusCode() == 503 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            response = request.send();
        }
        assertEquals(200, response.statusCode(), response.body());
        return response;
    }
}
