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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.server.config.ServerConfig;
import org.esabridge.server.config.ServerSettings;
import org.esabridge.server.security.Tokens;

/**
 * A real {@link EsaServer} on free ports with a fresh data directory (so a fresh self-signed certificate),
 * and an HTTP/1.1 client that trusts exactly that certificate. Unless the settings say otherwise, the server
 * accepts the bearer token {@link #TOKEN} and {@link #post}/{@link #send} present it, as a sync host would.
 */
final class TestServer implements AutoCloseable {
    static final String TOKEN = "test-token-0123456789abcdefghijklmnopqrstuvwxyz";
    static final String BEARER = "Bearer " + TOKEN;
    private static final List<String> AUTH_KEYS = List.of(ServerSettings.AUTH_USER.name(),
            ServerSettings.AUTH_TOKEN_SHA256.name(), ServerSettings.CLIENT_AUTH.name(),
            ServerSettings.INSECURE_NO_AUTH.name());

    private final Path dataDir;
    private final EsaServer server;
    private final HttpClient client;
    private final String authorization;

    private TestServer(Path dataDir, EsaServer server, HttpClient client, String authorization) {
        this.dataDir = dataDir;
        this.server = server;
        this.client = client;
        this.authorization = authorization;
    }

    /** @param settings server settings beyond the test defaults (ports 0, a temporary data directory, {@link #TOKEN}) */
    static TestServer start(ExternalSystemAdapter adapter, Map<String, String> settings) throws Exception {
        boolean ownAuth = settings.keySet().stream().anyMatch(AUTH_KEYS::contains);
        Map<String, String> values = new HashMap<>(settings);
        if (!ownAuth) {
            values.put(ServerSettings.AUTH_TOKEN_SHA256.name(), Tokens.sha256Hex(TOKEN));
        }
        return startWith(adapter, values, ownAuth ? null : BEARER);
    }

    /**
     * Without authentication, on 127.0.0.1 only: for clients that send no credentials (the testkit's
     * EsaClient, the bench).
     */
    static TestServer startLoopbackWithoutAuth(ExternalSystemAdapter adapter, Map<String, String> settings)
            throws Exception {
        Map<String, String> values = new HashMap<>(settings);
        values.put(ServerSettings.HOST.name(), "127.0.0.1");
        values.put(ServerSettings.INSECURE_NO_AUTH.name(), "true");
        return startWith(adapter, values, null);
    }

    private static TestServer startWith(ExternalSystemAdapter adapter, Map<String, String> settings,
                                        String authorization) throws Exception {
        Path dataDir = Files.createTempDirectory("esa-server-test");
        Map<String, String> values = new HashMap<>();
        values.put(ServerSettings.PORT.name(), "0");
        values.put(ServerSettings.DATA_DIR.name(), dataDir.toString());
        values.putAll(settings);
        ServerConfig config = ServerConfig.from(values, key -> false);
        EsaServer server = EsaServer.create(config, adapter, EsaServer.tlsIdentity(config));
        server.start();
        return new TestServer(dataDir, server, trustingClient(server), authorization);
    }

    static HttpClient trustingClient(EsaServer server) throws Exception {
        return trustingClient(server, Duration.ofSeconds(5));
    }

    /** @param connectTimeout long for a test that opens hundreds of TLS connections at once on a busy machine */
    static HttpClient trustingClient(EsaServer server, Duration connectTimeout) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trustingContext(server))
                .connectTimeout(connectTimeout).build();
    }

    /** TLS that trusts the server's own certificate, and nothing else. */
    static SSLContext trustingContext(EsaServer server) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("esa", server.tls().certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return tls;
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

    /** Sends with the test credentials, when the server was started with them. */
    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        if (authorization != null) {
            request.setHeader("Authorization", authorization);
        }
        return sendAsIs(request);
    }

    /** Sends exactly what the builder holds: no credentials unless it has some. */
    HttpResponse<String> sendAsIs(HttpRequest.Builder request) throws IOException, InterruptedException {
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
