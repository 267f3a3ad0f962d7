package org.esabridge.server;

import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.security.GeneralSecurityException;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.xml.EsaCallReader;
import org.esabridge.server.config.AuthSettings;
import org.esabridge.server.config.ServerConfig;
import org.esabridge.server.security.Authenticator;
import org.esabridge.server.security.LoginGate;
import org.esabridge.server.security.LoginThrottle;
import org.esabridge.server.security.SelfSignedCertificate;
import org.esabridge.server.security.TlsIdentity;
import org.esabridge.server.security.Tokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Jetty server, composed in plain code: an HTTPS connector (TLS 1.2/1.3, optionally asking for
 * client certificates), an optional plain HTTP connector on 127.0.0.1, {@link EsaServlet} at
 * {@value #ESA_PATH} behind {@link AuthFilter}, and the operator's {@code /health}, {@code /ready} and
 * {@code /metrics}. {@link #create} builds it unstarted; {@link #stop} lets calls in flight finish (up to
 * {@link #STOP_TIMEOUT_MS}), answers new ones 503, then closes the adapter and the audit log.
 *
 * <p>With no credential configured (and not {@code insecure-no-auth}), a bearer token is generated once
 * into {@code <data-dir>/auth/token}: a server is never open to whoever reaches its port.
 */
public final class EsaServer {
    private static final Logger LOG = LoggerFactory.getLogger(EsaServer.class);

    public static final String ESA_PATH = "/esa";
    public static final String HEALTH_PATH = "/health";
    public static final String READY_PATH = "/ready";
    public static final String METRICS_PATH = "/metrics";
    /** The operator's page, behind the same authentication as {@link #METRICS_PATH}. */
    public static final String STATUS_PATH = "/status";
    static final long STOP_TIMEOUT_MS = 10_000;

    private final Server server;
    private final ServerConnector https;
    private final ServerConnector http;
    private final SslContextFactory.Server ssl;
    private final TlsIdentity tls;
    private final ExternalSystemAdapter adapter;
    private final String host;
    private final Path generatedToken;
    private final AuditLog audit;
    private final EsaMetrics metrics;
    private final OpsServlets.Ready ready;
    private final StatusBoard board;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private EsaServer(Server server, ServerConnector https, ServerConnector http, SslContextFactory.Server ssl,
                      TlsIdentity tls, ExternalSystemAdapter adapter, String host, Path generatedToken, AuditLog audit,
                      EsaMetrics metrics, OpsServlets.Ready ready, StatusBoard board) {
        this.server = server;
        this.https = https;
        this.http = http;
        this.ssl = ssl;
        this.tls = tls;
        this.adapter = adapter;
        this.host = host;
        this.generatedToken = generatedToken;
        this.audit = audit;
        this.metrics = metrics;
        this.ready = ready;
        this.board = board;
    }

    /** The configured keystore, or the self-signed identity under the data directory (created once). */
    public static TlsIdentity tlsIdentity(ServerConfig config) throws IOException, GeneralSecurityException {
        if (config.keystore() != null) {
            TlsIdentity identity = new TlsIdentity(config.keystore(), config.keystorePassword(), false);
            identity.load();
            return identity;
        }
        return SelfSignedCertificate.loadOrCreate(config.dataDir());
    }

    /** Orders AES-128-GCM suites before the others, keeping the JDK's order otherwise (a stable sort). */
    private static final Comparator<String> AES_128_FIRST =
            Comparator.comparingInt(suite -> suite.contains("_AES_128_GCM_") ? 0 : 1);

    /**
     * Builds the server, unstarted. The server owns the adapter from here on and closes it on {@link #stop}.
     *
     * @throws IOException when the generated token or the audit log cannot be written
     */
    public static EsaServer create(ServerConfig config, ExternalSystemAdapter adapter, TlsIdentity tls)
            throws IOException {
        Objects.requireNonNull(adapter, "adapter == null");
        AuthSettings auth = config.auth();
        Path tokenFile = null;
        String generated = null;
        if (!auth.anyConfigured() && !auth.insecureNoAuth()) {
            generated = Tokens.loadOrCreateGenerated(config.dataDir());
            tokenFile = Tokens.generatedFile(config.dataDir());
        }
        Authenticator authenticator = new Authenticator(auth, generated);

        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("esa");
        Server server = new Server(threads);
        server.setStopTimeout(STOP_TIMEOUT_MS);
        server.setStopAtShutdown(false);
        server.setErrorHandler(new FaultDocumentErrorHandler());

        HttpConfiguration httpConfig = new HttpConfiguration();
        httpConfig.setSendServerVersion(false);
        httpConfig.setSendXPoweredBy(false);
        // Jetty caches header values per connection and, by default, matches them ignoring case: a token that
        // differs from an earlier one on the same connection only in case would be read as that earlier one.
        httpConfig.setHeaderCacheCaseSensitive(true);
        httpConfig.setIdleTimeout(config.limits().idleTimeoutSeconds() * 1000L);
        // A body trickling in slower than this is abandoned with 408: a slow client cannot pin a thread.
        httpConfig.setMinRequestDataRate(config.limits().minRequestBytesPerSecond());

        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePath(tls.keystore().toString());
        ssl.setKeyStorePassword(tls.password());
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        // Jetty already excludes MD5/SHA-1 MACs, static RSA key exchange, NULL and anonymous suites; CBC
        // modes, RC4 and (3)DES go too, leaving forward-secret AEAD suites only.
        ssl.addExcludeCipherSuites("^.*_CBC_.*$", "^.*_RC4_.*$", "^.*_3?DES_.*$", "^.*_EXPORT_.*$");
        // Of those, AES-128-GCM first (the server's order decides): the same AEAD construction at about three
        // quarters of AES-256's cost per byte, which bulk answers pay on every byte (docs/security.md, TLS).
        ssl.setCipherComparator(AES_128_FIRST);
        ssl.setUseCipherSuitesOrder(true);
        if (auth.clientAuth() != AuthSettings.ClientAuth.NONE) {
            ssl.setTrustStoreType("PKCS12");
            ssl.setTrustStorePath(auth.trustStore().toString());
            ssl.setTrustStorePassword(auth.trustStorePassword());
            if (auth.clientAuth() == AuthSettings.ClientAuth.NEED) {
                ssl.setNeedClientAuth(true);
            } else {
                ssl.setWantClientAuth(true);
            }
        }
        HttpConfiguration httpsConfig = new HttpConfiguration(httpConfig);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // One certificate only: a Host that the certificate does not name is the client's TLS check to make,
        // not a reason to refuse a host reaching us by IP address or another DNS name.
        secure.setSniHostCheck(false);
        httpsConfig.addCustomizer(secure);
        ServerConnector https = new ServerConnector(server,
                new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(httpsConfig));
        https.setName("https");
        https.setHost(config.host());
        https.setPort(config.port());
        https.setIdleTimeout(config.limits().idleTimeoutSeconds() * 1000L);
        server.addConnector(https);

        ServerConnector http = null;
        if (config.httpPort().isPresent()) {
            http = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
            http.setName("http");
            // Plain HTTP is for development on this machine only; never reachable from the network.
            http.setHost("127.0.0.1");
            http.setPort(config.httpPort().getAsInt());
            http.setIdleTimeout(config.limits().idleTimeoutSeconds() * 1000L);
            server.addConnector(http);
        }

        AuditLog audit = AuditLog.open(config.auditLog());
        CursorGauge cursors = new CursorGauge();
        EsaServlet[] servlet = new EsaServlet[1];
        EsaMetrics metrics = new EsaMetrics(cursors, () -> servlet[0] == null ? 0 : servlet[0].inFlight());
        metrics.bindPool(adapter);
        metrics.bindCapture(adapter);
        StatusBoard board = new StatusBoard(adapter, metrics.registry(), Clock.systemUTC());
        CallObserver observer = new CallObserver(metrics, board);
        servlet[0] = new EsaServlet(new EsaCallReader(config.limits().xml()),
                new CallDispatcher(adapter, config.externalSystemId(), config.readOnly(), audit, cursors), observer,
                config.maxBodyBytes(), config.limits().maxConcurrentCalls(),
                new PrincipalShares(config.limits().maxCallsPerPrincipal()),
                SlowReaderGuard.Policy.of(config.limits().responseWriteTimeoutSeconds(),
                        config.limits().minResponseBytesPerSecond()));
        OpsServlets.Ready ready = new OpsServlets.Ready(adapter);

        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder("esa", servlet[0]), ESA_PATH);
        context.addServlet(new ServletHolder("health", new OpsServlets.Health()), HEALTH_PATH);
        context.addServlet(new ServletHolder("ready", ready), READY_PATH);
        context.addServlet(new ServletHolder("metrics", new OpsServlets.Metrics(metrics)), METRICS_PATH);
        context.addServlet(new ServletHolder("status", new OpsServlets.Status(board)), STATUS_PATH);
        FilterHolder authFilter = new FilterHolder(new AuthFilter(authenticator,
                new LoginGate(authenticator, new LoginThrottle(auth.maxFailedLoginsPerMinute())), observer));
        context.addFilter(authFilter, ESA_PATH, EnumSet.of(DispatcherType.REQUEST));
        if (!auth.metricsPublic()) {
            context.addFilter(authFilter, METRICS_PATH, EnumSet.of(DispatcherType.REQUEST));
            context.addFilter(authFilter, STATUS_PATH, EnumSet.of(DispatcherType.REQUEST));
        }
        context.setErrorHandler(new FaultDocumentErrorHandler());
        server.setHandler(new GracefulHandler(context));
        return new EsaServer(server, https, http, ssl, tls, adapter, config.host(), tokenFile, audit, metrics, ready, board);
    }

    public void start() throws Exception {
        server.start();
        board.startSampling();
        LOG.info("esa-bridge listening on {}{}", httpsUri(),
                httpUri().map(uri -> " and " + uri + " (loopback only)").orElse(""));
    }

    /** Stops accepting calls, lets calls in flight finish, then closes the adapter. Idempotent. */
    public void stop() throws Exception {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        try {
            server.stop();
        } finally {
            board.close();
            ready.close();
            try {
                adapter.close();
            } finally {
                audit.close();
                metrics.close();
            }
        }
        LOG.info("esa-bridge stopped");
    }

    /** Whether the HTTPS connector still accepts connections: false once {@link #stop} has begun. For tests. */
    boolean acceptsConnections() {
        return https.isOpen();
    }

    public void join() throws InterruptedException {
        server.join();
    }

    /** The ESA endpoint over HTTPS; the port is the bound one once started. */
    public URI httpsUri() {
        return httpsUri(ESA_PATH);
    }

    /** Another path on the HTTPS connector: {@link #HEALTH_PATH}, {@link #READY_PATH}, {@link #METRICS_PATH}. */
    public URI httpsUri(String path) {
        String name = host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") ? "localhost"
                : host.contains(":") ? "[" + host + "]" : host;
        return URI.create("https://" + name + ":" + https.getLocalPort() + path);
    }

    /** The file of the bearer token generated because no credential is configured, if it was. */
    public Optional<Path> generatedTokenFile() {
        return Optional.ofNullable(generatedToken);
    }

    /** The file writes are audited to. */
    public Path auditLog() {
        return audit.file();
    }

    /** The ESA endpoint over plain HTTP, when that connector is on. */
    public Optional<URI> httpUri() {
        return Optional.ofNullable(http).map(c -> URI.create("http://127.0.0.1:" + c.getLocalPort() + ESA_PATH));
    }

    /** The address the plain-HTTP connector is bound to, when it is on and started. */
    public Optional<InetSocketAddress> httpBoundAddress() throws IOException {
        if (http == null || !(http.getTransport() instanceof ServerSocketChannel)) {
            return Optional.empty();
        }
        return Optional.of((InetSocketAddress) ((ServerSocketChannel) http.getTransport()).getLocalAddress());
    }

    /** The TLS protocols the HTTPS connector actually enables, once started. */
    public String[] enabledTlsProtocols() {
        return ssl.getSelectedProtocols();
    }

    public TlsIdentity tls() {
        return tls;
    }
}
