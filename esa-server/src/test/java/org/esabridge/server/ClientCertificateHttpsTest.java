package org.esabridge.server;

import static org.esabridge.server.EsaServletHttpsTest.call;
import static org.esabridge.server.Responses.assertFault;
import static org.esabridge.server.Responses.assertResult;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.esabridge.server.security.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS client certificates over real HTTPS: with {@code client-auth=need} only a certificate signed by the
 * trust store's CA gets through the handshake; with {@code want} it authenticates on its own and a client
 * without one must bring Basic or bearer credentials.
 */
class ClientCertificateHttpsTest {
    private static final String PASSWORD = "trust-store-pw";
    private static final String BODY = call("1", "<getAllowedRunModes/>");

    private final HeldCertificate ca = new HeldCertificate.Builder().commonName("esa test CA")
            .certificateAuthority(0).build();
    private final HeldCertificate host = new HeldCertificate.Builder().commonName("sync-host").signedBy(ca).build();
    private final HeldCertificate stranger = new HeldCertificate.Builder().commonName("sync-host").build();

    private Path trustStore(Path dir) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", ca.certificate());
        Path file = dir.resolve("clients.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        }
        return file;
    }

    private static HttpClient clientWith(TestServer server, HeldCertificate certificate) throws Exception {
        HandshakeCertificates.Builder tls = new HandshakeCertificates.Builder()
                .addTrustedCertificate((X509Certificate) server.server().tls().certificate());
        if (certificate != null) {
            tls.heldCertificate(certificate);
        }
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls.build().sslContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> post(HttpClient client, TestServer server, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.esa()).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/xml; charset=UTF-8").POST(HttpRequest.BodyPublishers.ofString(BODY));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void needAdmitsOnlyCertificatesSignedByTheTrustedCa(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(new FakeAdapter(), Map.of("client-auth", "need",
                "trust-store", trustStore(dir).toString(), "trust-store-password", PASSWORD))) {
            assertResult(post(clientWith(server, host), server, null), "1");
            assertThrows(IOException.class, () -> post(clientWith(server, stranger), server, null));
            assertThrows(IOException.class, () -> post(clientWith(server, null), server, null));
            assertResult(post(clientWith(server, host), server, null), "1"); // refusals left the server serving
        }
    }

    @Test
    void wantLetsACertificateAuthenticateAndOtherwiseAsksForCredentials(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(new FakeAdapter(), Map.of("client-auth", "want",
                "trust-store", trustStore(dir).toString(), "trust-store-password", PASSWORD,
                "auth-token-sha256", Tokens.sha256Hex(TestServer.TOKEN)))) {
            assertResult(post(clientWith(server, host), server, null), "1");
            assertFault(post(clientWith(server, null), server, null), 401, "UNAUTHORIZED");
            assertResult(post(clientWith(server, null), server, TestServer.BEARER), "1");
        }
    }
}
