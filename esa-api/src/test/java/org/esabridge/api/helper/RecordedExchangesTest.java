package org.esabridge.api.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.xml.SyncSchema;
import org.junit.jupiter.api.Test;

/**
 * Every recorded Helper API exchange under {@code schemas/exchanges/helper/} replayed against a host
 * played by MockWebServer: the request the client sends must be the recorded one, byte for byte apart from
 * the call id, and valid against sync.xsd; the recorded answer must come out as the Java result.
 */
class RecordedExchangesTest {
    private static final Instant AT = Instant.parse("2026-11-23T05:46:31.123456Z");

    @StartStop
    private final MockWebServer host = new MockWebServer();

    private interface Exchange {
        void run(HelperApi api) throws EsaException;
    }

    /** What the client is asked for in each recording, and what it must make of the answer. */
    private static final Map<String, Exchange> EXCHANGES = new TreeMap<>(Map.of(
            "isKnownID", api -> assertTrue(api.isKnownId("contacts", "1042")),
            "getParameter", api -> assertEquals(List.of("contacts", "orders"), api.getParameter("structures")),
            "detectDeleted", api -> assertEquals(List.of("1042", "1077"), api.detectDeleted(AT, "contacts")),
            "enumerateKnownIDs", api -> {
                List<String> ids = new ArrayList<>();
                api.enumerateKnownIds(AT, "contacts", ids::add);
                assertEquals(List.of("1", "2", "1042", "a/b c"), ids);
            },
            "startSync", api -> assertEquals("SCHEDULED", api.startSync(true)),
            "trackRecordDeletion", api -> api.trackRecordDeletion(AT, "contacts", "1042"),
            "host-fault", api -> {
                EsaException fault = assertThrows(EsaException.class, () -> api.isKnownId("invoices", "7"));
                assertEquals(EsaException.class, fault.getClass());
                assertEquals(ErrorCode.UNKNOWN_STRUCTURE, fault.code());
                assertEquals("structure invoices is not synced with esa-bridge-1", fault.getMessage());
            }));

    @Test
    void everyRecordingIsReplayedAndEveryHelperCallIsRecorded() {
        assertEquals(List.copyOf(EXCHANGES.keySet()), Exchanges.names());
        for (String call : List.of("isKnownID", "getParameter", "detectDeleted", "enumerateKnownIDs", "startSync",
                "trackRecordDeletion")) {
            assertTrue(EXCHANGES.containsKey(call), call);
        }
    }

    @Test
    void recordedDocumentsAreValidAgainstTheSchema() {
        for (String name : Exchanges.names()) {
            for (String file : List.of("request.xml", "response.xml")) {
                byte[] document = Exchanges.read(name, file).getBytes(StandardCharsets.UTF_8);
                assertEquals(List.of(), SyncSchema.errors(document), name + "/" + file);
            }
        }
    }

    @Test
    void theClientSendsTheRecordedRequestsAndReadsTheRecordedAnswers() throws Exception {
        for (Map.Entry<String, Exchange> exchange : EXCHANGES.entrySet()) {
            String name = exchange.getKey();
            String recorded = Exchanges.read(name, "response.xml");
            host.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return Exchanges.xml(200, Exchanges.answering(request, recorded));
                }
            });
            // A client per exchange, so every call id is the recordings' 1, but normalised all the same.
            exchange.getValue().run(new HttpHelperApi(Clients.config(host).build()));

            RecordedRequest request = host.takeRequest(5, TimeUnit.SECONDS);
            String body = Exchanges.body(request);
            assertEquals(Exchanges.normalised(Exchanges.read(name, "request.xml")), Exchanges.normalised(body), name);
            assertEquals(List.of(), SyncSchema.errors(body.getBytes(StandardCharsets.UTF_8)), name);
            assertEquals("POST", request.getMethod(), name);
            assertEquals("application/xml; charset=UTF-8", request.getHeaders().get("Content-Type"), name);
        }
        assertEquals(EXCHANGES.size(), host.getRequestCount(), "one request per call, the fault not retried");
    }
}
