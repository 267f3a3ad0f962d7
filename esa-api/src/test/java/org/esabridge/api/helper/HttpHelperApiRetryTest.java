package org.esabridge.api.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaRecordException;
import org.junit.jupiter.api.Test;

/** Which failures are retried (transient ones only), how long the client waits, and when it gives up. */
class HttpHelperApiRetryTest {
    @StartStop
    private final MockWebServer host = new MockWebServer();

    private final Clients.RecordingSleeper sleeper = new Clients.RecordingSleeper();

    private HelperApi client(int maxAttempts) {
        return new HttpHelperApi(Clients.config(host).maxAttempts(maxAttempts).build(), sleeper);
    }

    private static MockResponse status(int code) {
        return Exchanges.xml(code, "");
    }

    @Test
    void unavailableHostIsRetriedWithDoublingWaitsUntilItAnswers() throws EsaException {
        host.enqueue(status(503));
        host.enqueue(status(502));
        host.enqueue(status(504));
        host.enqueue(Exchanges.xml(200, Exchanges.result("1", "<value>true</value>")));

        assertTrue(client(4).isKnownId("contacts", "1"));

        assertEquals(4, host.getRequestCount());
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400)), sleeper.waits);
    }

    @Test
    void retriesRepeatTheSameDocumentWithTheSameCallId() throws Exception {
        host.enqueue(status(503));
        host.enqueue(Exchanges.xml(200, Exchanges.result("1", "")));
        client(2).trackRecordDeletion(Instant.EPOCH, "contacts", "9");
        String first = Exchanges.body(host.takeRequest());
        String second = Exchanges.body(host.takeRequest());
        assertEquals(first, second);
        assertEquals("1", Exchanges.callId(second));
    }

    @Test
    void theClientGivesUpAfterMaxAttempts() {
        for (int i = 0; i < 5; i++) {
            host.enqueue(status(503));
        }
        HelperApiUnavailableException e = assertThrows(HelperApiUnavailableException.class,
                () -> client(3).getParameter("structures"));
        assertEquals(3, host.getRequestCount());
        assertEquals(3, e.attempts());
        assertEquals(503, e.lastStatus());
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertEquals("the sync host's Helper API did not answer getParameter after 3 attempts: HTTP 503",
                e.getMessage());
        assertEquals(2, sleeper.waits.size(), "no wait after the last attempt");
    }

    @Test
    void retryAfterIsHonouredUpToTheCap() throws EsaException {
        host.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "1").build());
        host.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "3600").build());
        host.enqueue(Exchanges.xml(200, Exchanges.result("1", "<value>RUNNING</value>")));

        assertEquals("RUNNING", client(3).startSync(false));

        // 1 s asked (more than the 100 ms backoff), then an hour asked, capped at backoffMax 2 s
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), sleeper.waits);
    }

    @Test
    void anAnswerThatDoesNotArriveInTimeIsRetriedThenGivenUp() {
        // headers at once, body late: the JDK's own request time-out would not cover this
        MockResponse late = new MockResponse.Builder().code(200)
                .body(Exchanges.result("1", "<value>true</value>")).bodyDelay(3, TimeUnit.SECONDS).build();
        host.enqueue(late);
        host.enqueue(late);
        HelperApi api = new HttpHelperApi(Clients.config(host).maxAttempts(2)
                .requestTimeout(Duration.ofMillis(500)).build(), sleeper);

        // Had the client waited for the body, the call would have succeeded: the fault itself shows it gave up.
        HelperApiUnavailableException e = assertThrows(HelperApiUnavailableException.class,
                () -> api.isKnownId("contacts", "1"));

        assertEquals(2, host.getRequestCount());
        assertEquals(0, e.lastStatus());
        assertTrue(e.getMessage().endsWith("after 2 attempts: no whole answer within 0.5 s"), e.getMessage());
    }

    @Test
    void aRefusedConnectionIsRetriedThenReportedAsUnavailable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        HelperApi api = new HttpHelperApi(HelperApiConfig.builder(URI.create("http://127.0.0.1:" + port + "/h"), "esa")
                .maxAttempts(3).backoff(Duration.ofMillis(1), Duration.ofMillis(10)).build(), sleeper);
        HelperApiUnavailableException e = assertThrows(HelperApiUnavailableException.class,
                () -> api.startSync(true));
        assertEquals(3, e.attempts());
        assertEquals(2, sleeper.waits.size());
        assertTrue(e.getMessage().endsWith("the connection was refused"), e.getMessage());
    }

    @Test
    void aHostFaultIsThrownTypedAndNotRetried() {
        host.enqueue(Exchanges.xml(200, Exchanges.result("1", "<exception type=\"EsaRecordException\" "
                + "code=\"RECORD_NOT_FOUND\"><message>no such record</message><structure>contacts</structure>"
                + "<id>9</id></exception>")));
        host.enqueue(Exchanges.xml(200, Exchanges.result("1", "")));

        EsaRecordException e = assertThrows(EsaRecordException.class,
                () -> client(3).trackRecordDeletion(Instant.EPOCH, "contacts", "9"));

        assertEquals(ErrorCode.RECORD_NOT_FOUND, e.code());
        assertEquals("9", e.id());
        assertEquals(1, host.getRequestCount());
        assertEquals(List.of(), sleeper.waits);
    }

    @Test
    void aMalformedAnswerIsRefusedAndNotRetried() {
        host.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/html")
                .body("<html><body>Gateway login</body></html>").build());
        host.enqueue(Exchanges.xml(200, Exchanges.result("1", "<value>true</value>")));

        HelperApiAnswerException e = assertThrows(HelperApiAnswerException.class,
                () -> client(3).isKnownId("contacts", "1"));

        assertEquals(ErrorCode.MALFORMED_REQUEST, e.code());
        assertEquals(200, e.status());
        assertTrue(e.getMessage().startsWith("the Helper API answer is unreadable"), e.getMessage());
        assertEquals(1, host.getRequestCount());
    }

    @Test
    void answersOfTheWrongShapeAreRefused() {
        host.enqueue(Exchanges.xml(200, Exchanges.result("1", "<value>maybe</value>")));
        host.enqueue(Exchanges.xml(200, Exchanges.result("99", "<value>true</value>")));
        host.enqueue(Exchanges.xml(200, Exchanges.result("3", "")));
        HelperApi api = client(3);

        assertEquals("isKnownID was answered without a boolean <value>",
                assertThrows(HelperApiAnswerException.class, () -> api.isKnownId("contacts", "1")).getMessage());
        assertEquals("the Helper API answered call 99 when call 2 (isKnownID) was sent",
                assertThrows(HelperApiAnswerException.class, () -> api.isKnownId("contacts", "1")).getMessage());
        assertEquals("startSync was answered without a run status <value>",
                assertThrows(HelperApiAnswerException.class, () -> api.startSync(true)).getMessage());
        assertEquals(3, host.getRequestCount());
    }

    @Test
    void otherStatusesAreNotRetriedAndAHostFaultBodyExplainsThem() {
        host.enqueue(Exchanges.xml(401, Exchanges.result("1", "<exception type=\"EsaException\" code=\"UNAUTHORIZED\">"
                + "<message>wrong token</message></exception>")));
        host.enqueue(status(500));
        host.enqueue(status(404));
        HelperApi api = client(3);

        EsaException unauthorized = assertThrows(EsaException.class, () -> api.getParameter("x"));
        assertEquals(EsaException.class, unauthorized.getClass());
        assertEquals(ErrorCode.UNAUTHORIZED, unauthorized.code());
        assertEquals("wrong token", unauthorized.getMessage());

        HelperApiAnswerException internal = assertThrows(HelperApiAnswerException.class, () -> api.getParameter("x"));
        assertEquals(500, internal.status());
        assertEquals("the Helper API answered getParameter with HTTP 500", internal.getMessage());
        assertEquals(404, assertThrows(HelperApiAnswerException.class, () -> api.getParameter("x")).status());

        assertEquals(3, host.getRequestCount());
        assertEquals(List.of(), sleeper.waits);
    }

    @Test
    void anAnswerOverTheByteLimitIsRefused() {
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            ids.append("<id>").append(i).append("</id>");
        }
        host.enqueue(Exchanges.xml(200, Exchanges.result("1", ids.toString())));
        HelperApi api = new HttpHelperApi(Clients.config(host).maxResponseBytes(4_096).build(), sleeper);

        HelperApiAnswerException e = assertThrows(HelperApiAnswerException.class,
                () -> api.enumerateKnownIds(Instant.EPOCH, "contacts", id -> {
                    throw new AssertionError("no id may be delivered from a refused answer");
                }));
        assertEquals(ErrorCode.TOO_LARGE, e.code());
        assertEquals(1, host.getRequestCount());
    }

    @Test
    void anAnswerOverTheCodecLimitsIsRefusedBeforeAnyIdIsDelivered() {
        host.enqueue(Exchanges.xml(200, Exchanges.result("1", "<id>1</id><id>2</id><id>3</id><id>4</id>")));
        HelperApi api = new HttpHelperApi(Clients.config(host)
                .responseLimits(new org.esabridge.api.xml.XmlLimits(8, 5, 64, 64)).build(), sleeper);

        HelperApiAnswerException e = assertThrows(HelperApiAnswerException.class,
                () -> api.enumerateKnownIds(Instant.EPOCH, "contacts", id -> {
                    throw new AssertionError("no id may be delivered from a refused answer");
                }));
        assertTrue(e.getMessage().contains("more than 5 elements"), e.getMessage());
    }

    @Test
    void aFailingSinkEndsTheEnumerationWithItsFailure() {
        host.enqueue(Exchanges.xml(200, Exchanges.result("1", "<id>1</id><id>2</id>")));
        EsaException stop = new EsaException(ErrorCode.DATABASE_UNAVAILABLE, "database gone");
        EsaException e = assertThrows(EsaException.class, () -> client(1).enumerateKnownIds(Instant.EPOCH, "c", id -> {
            throw stop;
        }));
        assertEquals(stop, e);
    }
}
