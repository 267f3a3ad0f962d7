package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.esabridge.api.ExternalSystemAdapter;
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
        assertThrows(IOException.class, () -> server.send(HttpRequest.newBuilder(esa)
                .header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString(EsaServletHttpsTest.call("2", "<getAllowedRunModes/>")))));
    }

    @Test
    void stopLetsACallInFlightFinishBeforeClosingTheAdapter() throws Exception {
        FakeAdapter fake = new FakeAdapter();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        ExternalSystemAdapter slow = (ExternalSystemAdapter) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ExternalSystemAdapter.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getCurrentTime")) {
                        entered.countDown();
                        assertTrue(release.await(10, TimeUnit.SECONDS));
                        order.add("answered");
                    } else if (method.getName().equals("close")) {
                        order.add("closed");
                    }
                    try {
                        return method.invoke(fake, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
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
        Thread.sleep(500);
        assertFalse(stopping.isDone(), "stop waits for the call in flight");
        try {
            // a new call meanwhile is not served: refused at the connector, or 503 on a kept-alive connection
            HttpResponse<String> late = server.send(HttpRequest.newBuilder(esa).header("Content-Type", "application/xml")
                    .POST(HttpRequest.BodyPublishers.ofString(EsaServletHttpsTest.call("2", "<getAllowedRunModes/>"))));
            assertEquals(503, late.statusCode(), late.body());
            Responses.assertSyncDocument(late);
        } catch (IOException refused) {
            // the connector is closed
        }
        release.countDown();

        Responses.assertResult(inFlight.get(10, TimeUnit.SECONDS), "1");
        stopping.get(15, TimeUnit.SECONDS);
        assertEquals(List.of("answered", "closed"), order, "the adapter (and its pool) closes after the last call");
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
