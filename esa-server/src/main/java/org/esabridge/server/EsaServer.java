package org.esabridge.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
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
import org.esabridge.api.xml.XmlLimits;
import org.esabridge.server.config.ServerConfig;
import org.esabridge.server.security.SelfSignedCertificate;
import org.esabridge.server.security.TlsIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Jetty server, composed in plain code: an HTTPS connector (TLS 1.2/1.3), an optional plain
 * HTTP connector on 127.0.0.1, and {@link EsaServlet} at {@value #ESA_PATH}. {@link #create} builds it
 * unstarted; {@link #stop} lets calls in flight finish (up to {@link #STOP_TIMEOUT_MS}), answers new ones
 * 503, then closes the adapter.
 */
public final class EsaServer {
    private static final Logger LOG = LoggerFactory.getLogger(EsaServer.class);

    public static final String ESA_PATH = "/esa";
    static final long STOP_TIMEOUT_MS = 10_000;

    private final Server server;
    private final ServerConnector https;
    private final ServerConnector http;
    private final SslContextFactory.Server ssl;
    private final TlsIdentity tls;
    private final ExternalSystemAdapter adapter;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private EsaServer(Server server, ServerConnector https, ServerConnector http, SslContextFactory.Server ssl,
                      TlsIdentity tls, ExternalSystemAdapter adapter) {
        this.server = server;
        this.https = https;
        this.http = http;
        this.ssl = ssl;
        this.tls = tls;
        this.adapter = adapter;
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

    /** Builds the server, unstarted. The server owns the adapter from here on and closes it on {@link #stop}. */
    public static EsaServer create(ServerConfig config, ExternalSystemAdapter adapter, TlsIdentity tls) {
        Objects.requireNonNull(adapter, "adapter == null");
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("esa");
        Server server = new Server(threads);
        server.setStopTimeout(STOP_TIMEOUT_MS);
        server.setStopAtShutdown(false);
        server.setErrorHandler(new FaultDocumentErrorHandler());

        HttpConfiguration httpConfig = new HttpConfiguration();
        httpConfig.setSendServerVersion(false);
        httpConfig.setSendXPoweredBy(false);

        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePath(tls.keystore().toString());
        ssl.setKeyStorePassword(tls.password());
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        // Jetty already excludes MD5/SHA-1 MACs, static RSA key exchange, NULL and anonymous suites; CBC
        // modes, RC4 and (3)DES go too, leaving forward-secret AEAD suites only.
        ssl.addExcludeCipherSuites("^.*_CBC_.*$", "^.*_RC4_.*$", "^.*_3?DES_.*$", "^.*_EXPORT_.*$");
        HttpConfiguration httpsConfig = new HttpConfiguration(httpConfig);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // One certificate only: a Host that the certificate does not name is the client's TLS check to make,
        // not a reason to refuse a host reaching us by IP address or another DNS name.
        secure.setSniHostCheck(false);
        httpsConfig.addCustomizer(secure);
        ServerConnector https = new ServerConnector(server,
                new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(httpsConfig));
        https.setName("https");
        https.setPort(config.port());
        server.addConnector(https);

        ServerConnector http = null;
        if (config.httpPort().isPresent()) {
            http = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
            http.setName("http");
            // Plain HTTP is for development on this machine only; never reachable from the network.
            http.setHost("127.0.0.1");
            http.setPort(config.httpPort().getAsInt());
            server.addConnector(http);
        }

        EsaServlet servlet = new EsaServlet(new EsaCallReader(XmlLimits.defaults()),
                new CallDispatcher(adapter, config.externalSystemId()), config.maxBodyBytes());
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder("esa", servlet), ESA_PATH);
        context.setErrorHandler(new FaultDocumentErrorHandler());
        server.setHandler(new GracefulHandler(context));
        return new EsaServer(server, https, http, ssl, tls, adapter);
    }

    public void start() throws Exception {
        server.start();
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
            adapter.close();
        }
        LOG.info("esa-bridge stopped");
    }

    public void join() throws InterruptedException {
        server.join();
    }

    /** The ESA endpoint over HTTPS; the port is the bound one once started. */
    public URI httpsUri() {
        return URI.create("https://localhost:" + https.getLocalPort() + ESA_PATH);
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
