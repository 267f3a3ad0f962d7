package org.esabridge.server;

import static org.esabridge.server.EsaServletHttpsTest.call;
import static org.esabridge.server.Responses.assertResult;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import javax.net.ssl.SSLSocket;
import org.esabridge.jdbc.JdbcAdapter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 §6 against the real MariaDB over HTTPS: a client that asks for a large answer and then stops
 * reading it loses its connection once {@code response-write-timeout-seconds} passes, and with it the
 * call's pool connection and permit. With {@code pool-size=1} a good client is served meanwhile while the
 * bad one still holds its socket open; {@code /metrics} counts the slow reader.
 */
@Tag("database")
class SlowReaderHttpsTest {
    private static final String SCHEMA = "esa_slow_readers";
    private static final int ROWS = 2000;
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(15);

    @Test
    void aClientThatStopsReadingLosesItsConnectionAndFreesThePool() throws Exception {
        JdbcAdapter adapter = EndToEndDatabase.demoAdapter(SCHEMA, "pool-size", "1", "inline-threshold", "5000");
        // About 16 MB of answer: far more than the socket buffers on both sides and Jetty's own.
        String notes = "n".repeat(8000);
        try (Connection c = EndToEndDatabase.connect(SCHEMA);
             PreparedStatement insert = c.prepareStatement("INSERT INTO customers (name, notes) VALUES (?, ?)")) {
            for (int i = 0; i < ROWS; i++) {
                insert.setString(1, "customer " + i);
                insert.setString(2, notes);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (TestServer server = TestServer.start(adapter, Map.of("response-write-timeout-seconds", "1",
                "min-response-bytes-per-second", "10000000"));
             SSLSocket stalled = openTrusting(server)) {
            String body = call("1", "<getModified><structure>customers</structure><after>2000-01-01T00:00:00Z"
                    + "</after></getModified>");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = stalled.getOutputStream();
            out.write(("POST " + EsaServer.ESA_PATH + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                    + TestServer.BEARER + "\r\nContent-Type: application/xml; charset=UTF-8\r\nContent-Length: "
                    + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = stalled.getInputStream();
            byte[] status = in.readNBytes("HTTP/1.1 200".length());
            assertTrue(new String(status, StandardCharsets.US_ASCII).equals("HTTP/1.1 200"),
                    "the answer started: " + new String(status, StandardCharsets.US_ASCII));
            // From here on the client reads nothing more, and keeps its socket open.

            String metrics = awaitMetrics(server, m -> m.contains("esa_slow_readers_total 1.0")
                    && m.contains("hikaricp_connections_active{pool=\"esa-jdbc\"} 0.0"));
            assertTrue(metrics.contains("esa_calls_total{call=\"getModified\",outcome=\"SLOW_READER\"} 1.0"), metrics);
            assertTrue(metrics.contains("esa_calls_in_flight 0.0"), metrics);

            // The only pool connection is free again: a good client is served while the bad socket is open.
            assertResult(server.post(call("2", "<getModified><structure>products</structure>"
                    + "<after>2000-01-01T00:00:00Z</after></getModified>")), "2");
            assertTrue(!stalled.isClosed(), "the slow client still holds its socket");
        }
    }

    /** {@code /metrics} once it satisfies the condition, polled until a deadline. */
    private static String awaitMetrics(TestServer server, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        String metrics;
        do {
            metrics = server.send(HttpRequest.newBuilder(server.server().httpsUri(EsaServer.METRICS_PATH))).body();
            if (condition.test(metrics)) {
                return metrics;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // a polling interval, not a synchronisation
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no slow reader counted, or the pool connection still held, within 15 s:\n"
                + metrics);
    }

    /** A TLS socket trusting the server's certificate, with a small receive buffer so it fills quickly. */
    static SSLSocket openTrusting(TestServer server) throws Exception {
        SSLSocket socket = (SSLSocket) TestServer.trustingContext(server.server()).getSocketFactory().createSocket();
        socket.setReceiveBufferSize(16 * 1024);
        socket.connect(new InetSocketAddress("localhost", server.esa().getPort()), 5_000);
        socket.startHandshake();
        return socket;
    }
}
