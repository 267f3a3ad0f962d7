package org.esabridge.server;

import static org.esabridge.server.EsaServletHttpsTest.call;
import static org.esabridge.server.Responses.assertFault;
import static org.esabridge.server.Responses.assertResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.server.config.ServerSettings;
import org.esabridge.server.security.PasswordHash;
import org.esabridge.server.security.Tokens;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 25 §6: clients of one principal that ask for large answers and never read them cannot starve the other
 * callers. With {@code pool-size=3} and {@code max-calls-per-principal=2}, the token's first two stalled calls hold
 * two pool connections, its third is answered 503 with Retry-After at once (before: it waited for the pool, as did
 * every other caller), and a Basic user is served meanwhile.
 */
@Tag("database")
class PrincipalSharesHttpsTest {
    private static final String SCHEMA = "esa_principal_shares";
    private static final int ROWS = 2000;
    private static final int READ_TIMEOUT_MS = 20_000;

    @Test
    void oneCallerOverItsShareIsRefusedAtOnceWhileOthersAreServed() throws Exception {
        JdbcAdapter adapter = EndToEndDatabase.demoAdapter(SCHEMA, "pool-size", "3", "inline-threshold", "5000");
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
        String basic = "Basic " + Base64.getEncoder().encodeToString("bob:b0b-secret".getBytes(StandardCharsets.UTF_8));
        List<SSLSocket> stalled = new ArrayList<>();
        try (TestServer server = TestServer.start(adapter, Map.of(
                ServerSettings.AUTH_TOKEN_SHA256.name(), Tokens.sha256Hex(TestServer.TOKEN),
                ServerSettings.AUTH_USER.name(), "bob",
                ServerSettings.AUTH_PASSWORD_HASH.name(),
                PasswordHash.create("b0b-secret".toCharArray(), PasswordHash.MIN_ITERATIONS).toString(),
                ServerSettings.MAX_CALLS_PER_PRINCIPAL.name(), "2",
                "response-write-timeout-seconds", "120"))) {
            try {
                for (int i = 1; i <= 2; i++) {
                    SSLSocket socket = SlowReaderHttpsTest.openTrusting(server);
                    stalled.add(socket);
                    assertEquals("HTTP/1.1 200", requestLargeAnswer(socket, "a" + i),
                            "the answer started; from here on the client reads nothing more");
                }
                SSLSocket third = SlowReaderHttpsTest.openTrusting(server);
                stalled.add(third);
                long start = System.nanoTime();
                String head = requestLargeAnswer(third, "a3") + readHead(third.getInputStream());
                assertTrue(head.startsWith("HTTP/1.1 503"), head);
                assertTrue(head.contains("Retry-After: 1"), head);
                // Queued, it would wait for the stalled answers' 120 s write time-out.
                assertTrue(System.nanoTime() - start < 60_000_000_000L, "refused at once, not queued");

                HttpResponse<String> other = server.sendAsIs(HttpRequest.newBuilder(server.esa())
                        .header("Content-Type", "application/xml; charset=UTF-8").header("Authorization", basic)
                        .POST(HttpRequest.BodyPublishers.ofString(call("b1", "<getModified><structure>products"
                                + "</structure><after>2000-01-01T00:00:00Z</after></getModified>"))));
                assertResult(other, "b1");

                HttpResponse<String> busy = server.sendAsIs(HttpRequest.newBuilder(server.esa())
                        .header("Content-Type", "application/xml; charset=UTF-8")
                        .header("Authorization", TestServer.BEARER)
                        .POST(HttpRequest.BodyPublishers.ofString(call("a4", "<getCurrentTime/>"))));
                assertFault(busy, 503, "INTERNAL");
                assertTrue(busy.body().contains("max-calls-per-principal"), busy.body());
            } finally {
                for (SSLSocket socket : stalled) {
                    socket.close();
                }
            }
        }
    }

    /** Sends a getModified of every customer as the token's client; the first 12 bytes of the answer. */
    private static String requestLargeAnswer(SSLSocket socket, String callId) throws IOException {
        socket.setSoTimeout(READ_TIMEOUT_MS);
        byte[] body = call(callId, "<getModified><structure>customers</structure><after>2000-01-01T00:00:00Z"
                + "</after></getModified>").getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + EsaServer.ESA_PATH + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                + TestServer.BEARER + "\r\nContent-Type: application/xml; charset=UTF-8\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return new String(socket.getInputStream().readNBytes("HTTP/1.1 200".length()), StandardCharsets.US_ASCII);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
