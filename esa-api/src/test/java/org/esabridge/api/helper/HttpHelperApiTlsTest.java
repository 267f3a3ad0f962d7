package org.esabridge.api.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS to a host whose certificate only the configured PKCS12 trust store vouches for. */
class HttpHelperApiTlsTest {
    private static final HeldCertificate HOST_CERTIFICATE = new HeldCertificate.Builder()
            .commonName("sync host").addSubjectAlternativeName("localhost")
            .addSubjectAlternativeName("127.0.0.1").build();

    @StartStop
    private final MockWebServer host = new MockWebServer();

    @TempDir
    Path dir;

    @BeforeEach
    void useHttps() {
        host.useHttps(new HandshakeCertificates.Builder().heldCertificate(HOST_CERTIFICATE).build().sslSocketFactory());
    }

    private Path trustStore(String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("sync-host", HOST_CERTIFICATE.certificate());
        Path file = dir.resolve("helper-trust.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        return file;
    }

    @Test
    void theHostIsTrustedThroughTheConfiguredTrustStore() throws Exception {
        host.setDispatcher(Exchanges.answeringHost("<value>true</value>"));
        HelperApi api = new HttpHelperApi(Clients.config(host).trustStore(trustStore("s3cret"), "s3cret")
                .bearerToken("token").build());
        assertTrue(api.isKnownId("contacts", "1"));
        assertEquals("https", host.takeRequest(5, TimeUnit.SECONDS).getUrl().scheme());
    }

    @Test
    void anUntrustedCertificateFailsAtOnceWithoutRetry() {
        HelperApi api = new HttpHelperApi(Clients.config(host).maxAttempts(3).build());
        HelperApiUnavailableException e = assertThrows(HelperApiUnavailableException.class,
                () -> api.isKnownId("contacts", "1"));
        assertEquals(1, e.attempts());
        assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
    }

    @Test
    void anUnreadableTrustStoreIsRefusedNamingTheSetting() throws Exception {
        Path store = trustStore("right");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HttpHelperApi(Clients.config(host).trustStore(store, "wrong").build()));
        assertTrue(e.getMessage().startsWith("trustStore "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HttpHelperApi(Clients.config(host)
                .trustStore(dir.resolve("missing.p12"), "x").build()));
    }
}
