package org.esabridge.server;

import static org.esabridge.server.Responses.assertFault;
import static org.esabridge.server.Responses.assertNoInternals;
import static org.esabridge.server.Responses.assertResult;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ESA endpoint over real HTTPS: the statuses and fault codes of esa-protocol.md §1, and no leaks. */
class EsaServletHttpsTest {

    private static final long MAX_BODY = 1024 * 1024;
    private static final long FIFTY_MB = 50L * 1024 * 1024;

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(new FakeAdapter(), Map.of(
                "external-system-id", "host-1", "max-body-bytes", Long.toString(MAX_BODY), "http-port", "0"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Whatever a test threw at it, the server still answers a valid call. */
    @AfterEach
    void serverStillAnswers() throws Exception {
        assertResult(server.post(call("99", "<getAllowedRunModes/>")), "99");
    }

    static String call(String callId, String call) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sync><esa-call call-id=\"" + callId + "\">" + call
                + "</esa-call></sync>";
    }

    @Test
    void validCallIsAnswered() throws Exception {
        HttpResponse<String> response = server.post(call("1", "<getStructureList/>"));
        assertResult(response, "1");
        assertTrue(response.body().contains("<name>contacts</name>"), response.body());
    }

    @Test
    void malformedBodyIs400MalformedRequest() throws Exception {
        assertFault(server.post("<sync><esa-call call-id=\"1\"><getStructureList></sync>"), 400, "MALFORMED_REQUEST");
        assertFault(server.post("not xml at all"), 400, "MALFORMED_REQUEST");
        assertFault(server.post(""), 400, "MALFORMED_REQUEST");
    }

    @Test
    void doctypeWithExternalEntityIs400AndFetchesNothing() throws Exception {
        try (MockWebServer attacker = new MockWebServer()) {
            attacker.start(0);
            String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE sync [<!ENTITY xxe SYSTEM \"" + attacker.url("/secret")
                    + "\">]>\n<sync><esa-call call-id=\"1\"><read><structure>&xxe;</structure><id>1</id></read>"
                    + "</esa-call></sync>";
            assertFault(server.post(xxe), 400, "MALFORMED_REQUEST");
            String dtd = "<?xml version=\"1.0\"?>\n<!DOCTYPE sync SYSTEM \"" + attacker.url("/evil.dtd")
                    + "\">\n<sync><esa-call call-id=\"1\"><getStructureList/></esa-call></sync>";
            assertFault(server.post(dtd), 400, "MALFORMED_REQUEST");
            assertEquals(0, attacker.getRequestCount(), "the server fetched the attacker's URL");
        }
    }

    @Test
    void entityBombIs400() throws Exception {
        StringBuilder bomb = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE sync [\n<!ENTITY a0 \"ha\">\n");
        for (int i = 1; i <= 10; i++) {
            bomb.append("<!ENTITY a").append(i).append(" \"")
                    .append(("&a" + (i - 1) + ";").repeat(10)).append("\">\n");
        }
        bomb.append("]>\n<sync><esa-call call-id=\"1\"><read><structure>&a10;</structure><id>1</id></read>"
                + "</esa-call></sync>");
        assertFault(server.post(bomb.toString()), 400, "MALFORMED_REQUEST");
    }

    @Test
    void fiftyMegabytesDeclaredByContentLengthAre413() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.esa())
                .header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> generatedBody(FIFTY_MB)), FIFTY_MB))
                .build();
        assertFault(server.send(HttpRequest.newBuilder(request, (n, v) -> true)), 413, "TOO_LARGE");
    }

    @Test
    void fiftyMegabytesStreamedWithoutLengthAre413() throws Exception {
        // ofInputStream sends chunked: the limit must hold while the body streams, not only by its header.
        HttpRequest request = HttpRequest.newBuilder(server.esa())
                .header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> generatedBody(FIFTY_MB)))
                .build();
        assertFault(server.send(HttpRequest.newBuilder(request, (n, v) -> true)), 413, "TOO_LARGE");
    }

    @Test
    void getIs405WithAllowPost() throws Exception {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.esa()).GET());
        assertFault(response, 405, "NOT_SUPPORTED");
        assertEquals("POST", response.headers().firstValue("Allow").orElse(null));
        assertFault(server.send(HttpRequest.newBuilder(server.esa())
                .method("PUT", HttpRequest.BodyPublishers.ofString(call("1", "<endSync/>")))), 405, "NOT_SUPPORTED");
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        for (String type : new String[] {"text/plain", "application/json", "application/xml; charset=ISO-8859-1"}) {
            HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.esa())
                    .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(call("1", "<endSync/>"))));
            assertFault(response, 415, "MALFORMED_REQUEST");
        }
        HttpResponse<String> noType = server.send(HttpRequest.newBuilder(server.esa())
                .POST(HttpRequest.BodyPublishers.ofString(call("1", "<endSync/>"))));
        assertFault(noType, 415, "MALFORMED_REQUEST");
    }

    @Test
    void xmlContentTypesInUtf8AreAccepted() throws Exception {
        for (String type : new String[] {"application/xml", "text/xml; charset=utf-8", "Application/XML;Charset=\"UTF-8\""}) {
            HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.esa())
                    .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(call("5", "<endSync/>"))));
            assertResult(response, "5");
        }
    }

    @Test
    void unknownCallIs200UnknownCallAddressedToTheCall() throws Exception {
        HttpResponse<String> response = server.post(call("42", "<launchRockets/>"));
        assertFault(response, 200, "UNKNOWN_CALL");
        assertTrue(response.body().contains("response-to=\"42\""), response.body());
    }

    @Test
    void unexpectedAdapterFailureIsInternalWithoutDetails() throws Exception {
        HttpResponse<String> response = server.post(call("7", "<getFieldList><structure>crashing</structure></getFieldList>"));
        assertFault(response, 200, "INTERNAL");
        assertTrue(response.body().contains("call 7"), "the message points to the log entry: " + response.body());
    }

    @Test
    void databaseUnavailableIs503() throws Exception {
        assertFault(server.post(call("8", "<getFieldList><structure>offline</structure></getFieldList>")),
                503, "DATABASE_UNAVAILABLE");
    }

    @Test
    void foreignExternalSystemIdIs403() throws Exception {
        assertFault(server.post(call("9", "<startSync><external-system-id>intruder</external-system-id></startSync>")),
                403, "UNAUTHORIZED");
        assertFault(server.post(call("9", "<configure><external-system-id>intruder</external-system-id></configure>")),
                403, "UNAUTHORIZED");
        assertResult(server.post(call("9", "<startSync><external-system-id>host-1</external-system-id></startSync>")), "9");
    }

    @Test
    void failureAfterPartOfTheResultWasSentAbortsTheResponse() {
        String body = call("10", "<getModified><structure>failing-midway</structure>"
                + "<after>2026-01-01T00:00:00Z</after></getModified>");
        // Never a complete-looking document: the client sees a broken response.
        assertThrows(IOException.class, () -> server.post(body));
    }

    @Test
    void unknownPathIsAFaultDocument() throws Exception {
        URI other = server.esa().resolve("/admin");
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(other).GET());
        assertFault(response, 404, "NOT_SUPPORTED");
    }

    @Test
    void plainHttpConnectorListensOnLoopbackOnly() throws Exception {
        InetSocketAddress bound = server.server().httpBoundAddress().orElseThrow();
        assertTrue(bound.getAddress().isLoopbackAddress(), "bound to " + bound);
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(server.server().httpUri().orElseThrow())
                        .header("Content-Type", "application/xml").header("Authorization", TestServer.BEARER)
                        .POST(HttpRequest.BodyPublishers.ofString(call("3", "<getAllowedRunModes/>"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertResult(response, "3");
    }

    @Test
    void onlyTls12And13AreEnabled() {
        String[] protocols = server.server().enabledTlsProtocols().clone();
        Arrays.sort(protocols);
        assertArrayEquals(new String[] {"TLSv1.2", "TLSv1.3"}, protocols);
    }

    @Test
    void theServerChoosesAes128GcmOverTheClientsFirstChoice() throws Exception {
        // The JDK's client offers AES-256-GCM first in both versions; the server's order decides.
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            try (SSLSocket socket = (SSLSocket) TestServer.trustingContext(server.server()).getSocketFactory().createSocket(
                    server.esa().getHost(), server.esa().getPort())) {
                socket.setEnabledProtocols(new String[] {protocol});
                String[] offered = socket.getEnabledCipherSuites();
                assertTrue(offered[0].contains("_AES_256_GCM_"), protocol + ": the client prefers " + offered[0]);
                socket.startHandshake();
                String chosen = socket.getSession().getCipherSuite();
                assertTrue(chosen.contains("_AES_128_GCM_"), protocol + ": " + chosen);
            }
        }
    }

    @Test
    void faultMessagesOfTheAdapterKeepTheirCode() throws Exception {
        HttpResponse<String> response = server.post(call("11", "<read><structure>contacts</structure><id>404</id></read>"));
        assertFault(response, 200, "RECORD_NOT_FOUND");
        assertNoInternals(response.body());
    }

    /** A well-formed start, then filler text, generated as it is read: the test never holds 50 MB. */
    private static InputStream generatedBody(long size) {
        byte[] head = "<sync><esa-call call-id=\"1\"><read><structure>".getBytes();
        return new InputStream() {
            private long position;

            @Override
            public int read() {
                if (position >= size) {
                    return -1;
                }
                return position < head.length ? head[(int) position++] : (position++ % 64 == 0 ? '\n' : 'x');
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (position >= size) {
                    return -1;
                }
                int n = (int) Math.min(length, size - position);
                for (int i = 0; i < n; i++) {
                    buffer[offset + i] = (byte) read();
                }
                return n;
            }
        };
    }
}
