package org.esabridge.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.server.config.ServerConfig;
import org.esabridge.server.config.ServerSettings;

/**
 * A real {@link EsaServer} on free ports with a fresh data directory (so a fresh self-signed certificate),
 * and an HTTP/1.1 client that trusts exactly that certificate.
 */
final class TestServer implements AutoCloseable {

    private final Path dataDir;
    private final EsaServer server;
    private final HttpClient client;

    private TestServer(Path dataDir, EsaServer server, HttpClient client) {
        this.dataDir = dataDir;
        this.server = server;
        this.client = client;
    }

    /** @param settings server settings beyond the test defaults (ports 0, a temporary data directory) */
    static TestServer start(ExternalSystemAdapter adapter, Map<String, String> settings) throws Exception {
        Path dataDir = Files.createTempDirectory("esa-server-test");
        Map<String, String> values = new HashMap<>();
        values.put(ServerSettings.PORT.name(), "0");
        values.put(ServerSettings.DATA_DIR.name(), dataDir.toString());
        values.putAll(settings);
        ServerConfig config = ServerConfig.from(values, key -> false);
        EsaServer server = EsaServer.create(config, adapter, EsaServer.tlsIdentity(config));
        server.start();
        return new TestServer(dataDir, server, trustingClient(server));
    }

    static HttpClient trustingClient(EsaServer server) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("esa", server.tls().certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    EsaServer server() {
        return server;
    }

    HttpClient client() {
        return client;
    }

    URI esa() {
        return server.httpsUri();
    }

    Path dataDir() {
        return dataDir;
    }

    /** POSTs an XML body the way a sync host does. */
    HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(esa()).header("Content-Type", "application/xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }
}
