package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
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
