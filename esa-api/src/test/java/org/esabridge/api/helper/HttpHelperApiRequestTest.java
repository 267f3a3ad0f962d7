package org.esabridge.api.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.junit.jupiter.api.Test;

/** What goes over the wire besides the document: method, headers, credentials, protocol, call ids. */
class HttpHelperApiRequestTest {
    @StartStop
    private final MockWebServer host = new MockWebServer();

    @Test
    void basicCredentialsAreSentWithTheFirstRequest() throws Exception {
        host.setDispatcher(Exchanges.answeringHost(""));
        new HttpHelperApi(Clients.config(host).basicAuth("esa", "pä:ss").build())
                .trackRecordDeletion(Instant.EPOCH, "contacts", "1");
        RecordedRequest request = host.takeRequest(5, TimeUnit.SECONDS);
        String expected = "Basic " + Base64.getEncoder().encodeToString("esa:pä:ss".getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, request.getHeaders().get("Authorization"));
        assertEquals(1, host.getRequestCount(), "no challenge round-trip");
    }

    @Test
    void aBearerTokenIsSent() throws Exception {
        host.setDispatcher(Exchanges.answeringHost("<value>false</value>"));
        assertFalse(new HttpHelperApi(Clients.config(host).bearerToken("t0k.en-1").build()).isKnownId("c", "1"));
        assertEquals("Bearer t0k.en-1", host.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"));
    }

    @Test
    void requestsArePlainHttp11PostsOfXmlWithoutUpgradeOrCredentials() throws Exception {
        host.setDispatcher(Exchanges.answeringHost(""));
        new HttpHelperApi(Clients.config(host).build()).trackRecordDeletion(Instant.EPOCH, "contacts", "1");
        RecordedRequest request = host.takeRequest(5, TimeUnit.SECONDS);
        assertEquals("POST", request.getMethod());
        assertEquals("/helper", request.getUrl().encodedPath());
        assertEquals("HTTP/1.1", request.getVersion());
        assertNull(request.getHeaders().get("Upgrade"), "no h2c upgrade");
        assertNull(request.getHeaders().get("Authorization"));
        assertEquals("application/xml; charset=UTF-8", request.getHeaders().get("Content-Type"));
    }

    @Test
    void callIdsAreUniquePerClientAlsoUnderConcurrency() throws Exception {
        host.setDispatcher(Exchanges.answeringHost("<value>true</value>"));
        HelperApi api = new HttpHelperApi(Clients.config(host).build());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = Integer.toString(i);
                calls.add(pool.submit(() -> api.isKnownId("contacts", id)));
            }
            for (Future<Boolean> call : calls) {
                call.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            ids.add(Exchanges.callId(Exchanges.body(host.takeRequest(5, TimeUnit.SECONDS))));
        }
        assertEquals(40, ids.size());
        for (int i = 1; i <= 40; i++) {
            assertEquals(true, ids.contains(Integer.toString(i)), "call id " + i);
        }
    }

    @Test
    void aValueXmlCannotCarryIsRefusedBeforeAnythingIsSent() {
        HelperApi api = new HttpHelperApi(Clients.config(host).build());
        EsaException e = assertThrows(EsaException.class, () -> api.isKnownId("contacts", "bad\u0001id"));
        assertEquals(ErrorCode.INVALID_VALUE, e.code());
        assertEquals(0, host.getRequestCount());
    }
}
