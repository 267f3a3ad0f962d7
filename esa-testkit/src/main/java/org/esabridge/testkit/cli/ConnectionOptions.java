package org.esabridge.testkit.cli;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.esabridge.testkit.ClientTls;
import org.esabridge.testkit.DialOutHost;
import org.esabridge.testkit.EsaClient;
import org.esabridge.testkit.StdioTransport;
import picocli.CommandLine.Option;

/**
 * How the tools reach an ESA: its URL and whom to trust for TLS, its command line, or the endpoint it dials
 * out to. Shared by sync and check.
 */
public final class ConnectionOptions {
    @Option(names = "--url", paramLabel = "URL",
            description = "ESA endpoint, e.g. https://localhost:8443/esa")
    URI url;

    @Option(names = "--stdio", paramLabel = "COMMAND",
            description = "Run a command-line ESA instead of calling a URL: the command, split at spaces, e.g. "
                    + "'java -jar esa-server.jar stdio --config esa.properties'. Started again after each release.")
    String stdio;

    @Option(names = "--listen", paramLabel = "[HOST:]PORT",
            description = "Be the host's sync endpoint an ESA dials out to (esa-protocol.md §1.2): "
                    + "https://HOST:PORT" + DIAL_OUT_PATH + ", with the TLS identity of --keystore; the ESA must "
                    + "authenticate with --token or --user/--password when given.")
    String listen;

    @Option(names = "--keystore", paramLabel = "FILE", description = "PKCS12 key and certificate for --listen.")
    Path keystore;

    @Option(names = "--keystore-password", paramLabel = "TEXT", description = "Password of --keystore.")
    String keystorePassword;

    @Option(names = "--trust-store", paramLabel = "FILE",
            description = "PKCS12 trust store, or a PEM/DER certificate, to trust for HTTPS.")
    Path trustStore;

    @Option(names = "--trust-store-password", paramLabel = "TEXT", description = "Password of --trust-store.")
    String trustStorePassword;

    @Option(names = "--server-data-dir", paramLabel = "DIR",
            description = "Trust the self-signed certificate an esa-bridge server generated in DIR/tls/, and "
                    + "authenticate with the token it generated in DIR/auth/token unless credentials are given.")
    Path serverDataDir;

    @Option(names = "--insecure",
            description = "Trust any certificate and skip the host name check. For a first look only.")
    boolean insecure;

    @Option(names = "--token", paramLabel = "TEXT", description = "Bearer token to authenticate with.")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the bearer token.")
    Path tokenFile;

    @Option(names = "--user", paramLabel = "NAME", description = "HTTP Basic user (with --password).")
    String user;

    @Option(names = "--password", paramLabel = "TEXT", description = "HTTP Basic password.")
    String password;

    @Option(names = "--external-system-id", paramLabel = "ID", defaultValue = "esa-testkit",
            description = "Id sent with startSync. Default: ${DEFAULT-VALUE}.")
    String externalSystemId;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "Time limit of one call. Default: ${DEFAULT-VALUE}.")
    int timeoutSeconds;

    /** The path of the endpoint {@code --listen} offers. */
    static final String DIAL_OUT_PATH = "/esa-host";

    EsaClient client() throws Exception {
        if ((url != null ? 1 : 0) + (stdio != null ? 1 : 0) + (listen != null ? 1 : 0) != 1) {
            throw new IllegalArgumentException("give one of --url, --stdio and --listen");
        }
        if (stdio != null) {
            return EsaClient.over(new StdioTransport(List.of(stdio.trim().split("\\s+"))));
        }
        if (listen != null) {
            return EsaClient.over(dialOutHost());
        }
        return EsaClient.connect(url, tls(), Duration.ofSeconds(timeoutSeconds), authorization());
    }

    /** The credentials given, else the token an esa-bridge server generated under --server-data-dir, else none. */
    private String authorization() throws java.io.IOException {
        if (token != null) {
            return EsaClient.bearer(token);
        }
        if (tokenFile != null) {
            return EsaClient.bearer(java.nio.file.Files.readString(tokenFile));
        }
        if (user != null) {
            if (password == null) {
                throw new IllegalArgumentException("--user needs --password");
            }
            return EsaClient.basic(user, password);
        }
        if (serverDataDir != null) {
            Path generated = serverDataDir.resolve(GENERATED_TOKEN);
            if (java.nio.file.Files.exists(generated)) {
                return EsaClient.bearer(java.nio.file.Files.readString(generated));
            }
        }
        return null;
    }

    private DialOutHost dialOutHost() throws Exception {
        if (keystore == null || keystorePassword == null) {
            throw new IllegalArgumentException("--listen needs --keystore and --keystore-password");
        }
        int colon = listen.lastIndexOf(':');
        String host = colon < 0 ? "0.0.0.0" : listen.substring(0, colon);
        int port = Integer.parseInt(listen.substring(colon + 1));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(keystore)) {
            keys.load(in, keystorePassword.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, keystorePassword.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        DialOutHost endpoint = new DialOutHost(new InetSocketAddress(host, port), DIAL_OUT_PATH, tls, authorization(),
                Duration.ofSeconds(timeoutSeconds));
        System.err.println("waiting for an ESA to dial in to " + endpoint.url());
        return endpoint;
    }

    /** Where esa-bridge writes the bearer token it generates when no credential is configured. */
    static final String GENERATED_TOKEN = "auth/token";

    private SSLContext tls() throws Exception {
        int given = (trustStore != null ? 1 : 0) + (serverDataDir != null ? 1 : 0) + (insecure ? 1 : 0);
        if (given > 1) {
            throw new IllegalArgumentException("give only one of --trust-store, --server-data-dir, --insecure");
        }
        if (trustStore != null) {
            return ClientTls.trustStore(trustStore, trustStorePassword);
        }
        if (serverDataDir != null) {
            return ClientTls.selfSignedOf(serverDataDir);
        }
        if (insecure) {
            System.err.println("WARNING: --insecure: the server's certificate is not checked");
            return ClientTls.trustAnything();
        }
        return ClientTls.systemDefault();
    }
}
