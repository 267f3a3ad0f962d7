package org.esabridge.server;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.server.config.ServerConfig;
import org.esabridge.server.config.ServerSettings;
import org.esabridge.server.security.SelfSignedCertificate;
import org.esabridge.server.security.TlsIdentity;
import org.esabridge.testkit.DialOutHost;

/**
 * A real {@link DialOutEsa} polling the testkit's {@link DialOutHost} over real HTTPS on 127.0.0.1: the host
 * has a fresh self-signed certificate, which the ESA trusts through {@code helper-trust-store}, and accepts
 * only the bearer token the ESA sends as {@code helper-token}.
 */
final class TestDialOut implements AutoCloseable {
    static final String TOKEN = "dial-out-token-0123456789abcdefghijklmnopqrstuvwxyz";

    private final DialOutHost host;
    private final DialOutEsa esa;

    private TestDialOut(DialOutHost host, DialOutEsa esa) {
        this.host = host;
        this.esa = esa;
    }

    /** @param settings server settings beyond the test defaults (a temporary data directory, the connection) */
    static TestDialOut start(ExternalSystemAdapter adapter, Map<String, String> settings) throws Exception {
        Path dir = Files.createTempDirectory("esa-dial-out-test");
        TlsIdentity hostIdentity = SelfSignedCertificate.loadOrCreate(dir.resolve("host"));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(hostIdentity.load(), hostIdentity.password().toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        DialOutHost host = new DialOutHost(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "/esa-host", tls,
                "Bearer " + TOKEN, Duration.ofSeconds(60));

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("host", hostIdentity.certificate());
        Path trustStore = dir.resolve("host-trust.p12");
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trusted.store(out, "trust-pass".toCharArray());
        }
        Map<String, String> values = new HashMap<>();
        values.put(ServerSettings.DATA_DIR.name(), dir.resolve("esa").toString());
        values.put(ServerSettings.CONNECT.name(), host.url().toString());
        values.put(JdbcAdapterConfig.HELPER_TOKEN, TOKEN);
        values.put(JdbcAdapterConfig.HELPER_TRUST_STORE, trustStore.toString());
        values.put(JdbcAdapterConfig.HELPER_TRUST_STORE_PASSWORD, "trust-pass");
        values.putAll(settings);
        try {
            DialOutEsa esa = DialOutEsa.create(ServerConfig.from(values, JdbcAdapterConfig::isKnownKey), adapter);
            esa.start();
            return new TestDialOut(host, esa);
        } catch (Exception | Error e) {
            host.close();
            throw e;
        }
    }

    /** The host's side, for an {@code EsaClient}. */
    DialOutHost host() {
        return host;
    }

    @Override
    public void close() {
        try {
            esa.close();
        } finally {
            host.close();
        }
    }
}
