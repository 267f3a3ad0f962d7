package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.ForwardingExternalSystemAdapter;
import org.esabridge.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

class EsaServerLifecycleTest {

    @Test
    void stopClosesTheAdapterOnceAndRefusesConnections() throws Exception {
        FakeAdapter adapter = new FakeAdapter();
        TestServer server = TestServer.start(adapter, Map.of());
        Responses.assertResult(server.post(EsaServletHttpsTest.call("1", "<getAllowedRunModes/>")), "1");
        assertFalse(adapter.closed());
        URI esa = server.esa();
        server.close();
        assertTrue(adapter.closed());
        server.server().stop();
        assertThrows(ConnectException.class, () -> server.send(HttpRequest.newBuilder(esa)
                .header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString(EsaServletHttpsTest.call("2", "<getAllowedRunModes/>")))));
    }

    @Test
    void stopLetsACallInFlightFinishBeforeClosingTheAdapter() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        ExternalSystemAdapter slow = new ForwardingExternalSystemAdapter(new FakeAdapter()) {
            @Override
            public Instant getCurrentTime() throws EsaException {
                entered.countDown();
                try {
                    assertTrue(release.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                order.add("answered");
                return super.getCurrentTime();
            }

            @Override
            public void close() {
                order.add("closed");
                super.close();
            }
        };
        TestServer server = TestServer.start(slow, Map.of());
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return server.post(EsaServletHttpsTest.call("1", "<getCurrentTime/>"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        URI esa = server.esa();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
            try {
                server.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        awaitConnectorClosed(server.server());
        assertFalse(stopping.isDone(), "stop waits for the call in flight");
        assertEquals(List.of(), order, "the adapter is neither answered nor closed while the call is held");
        // A new call meanwhile is not served: a new connection is refused (the connector is closed); one the client
        // kept open from before may still carry it and is answered 503, or is closed under it. Which of these
        // happens is the client's and the stop's timing; none of them serves the call.
        try {
            HttpResponse<String> late = server.send(HttpRequest.newBuilder(esa)
                    .header("Content-Type", "application/xml")
                    .POST(HttpRequest.BodyPublishers.ofString(EsaServletHttpsTest.call("2", "<getAllowedRunModes/>"))));
            assertEquals(503, late.statusCode(), late.body());
        } catch (java.io.IOException notServed) {
            // refused, or closed by the stop
        }
        release.countDown();

        Responses.assertResult(inFlight.get(10, TimeUnit.SECONDS), "1");
        stopping.get(15, TimeUnit.SECONDS);
        assertEquals(List.of("answered", "closed"), order, "the adapter (and its pool) closes after the last call");
    }

    /** Stop has begun once the connector no longer accepts: the first thing a graceful stop does. */
    private static void awaitConnectorClosed(EsaServer server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.acceptsConnections()) {
            assertTrue(System.nanoTime() < deadline, "stop did not close the connector within 10 s");
            Thread.sleep(5);
        }
    }

    @Test
    void restartReusesTheGeneratedCertificate() throws Exception {
        try (TestServer first = TestServer.start(new FakeAdapter(), Map.of())) {
            String fingerprint = first.server().tls().sha256Fingerprint();
            EsaServer second = EsaServer.create(
                    ServerConfig.from(Map.of("port", "0", "data-dir",
                            first.dataDir().toString()), key -> false),
                    new FakeAdapter(), EsaServer.tlsIdentity(ServerConfig.from(
                            Map.of("data-dir", first.dataDir().toString()), key -> false)));
            assertEquals(fingerprint, second.tls().sha256Fingerprint());
        }
    }
}
