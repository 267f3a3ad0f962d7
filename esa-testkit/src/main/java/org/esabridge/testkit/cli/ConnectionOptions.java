package org.esabridge.testkit.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.esabridge.testkit.ClientTls;
import org.esabridge.testkit.EsaClient;
import picocli.CommandLine.Option;

/** How the tools reach an ESA: its URL and whom to trust for TLS. Shared by sync, check and bench. */
public final class ConnectionOptions {
    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "ESA endpoint, e.g. https://localhost:8443/esa")
    URI url;

    @Option(names = "--trust-store", paramLabel = "FILE",
            description = "PKCS12 trust store, or a PEM/DER certificate, to trust for HTTPS.")
    Path trustStore;

    @Option(names = "--trust-store-password", paramLabel = "TEXT", description = "Password of --trust-store.")
    String trustStorePassword;

    @Option(names = "--server-data-dir", paramLabel = "DIR",
            description = "Trust the self-signed certificate an esa-bridge server generated in DIR/tls/.")
    Path serverDataDir;

    @Option(names = "--insecure",
            description = "Trust any certificate and skip the host name check. For a first look only.")
    boolean insecure;

    @Option(names = "--external-system-id", paramLabel = "ID", defaultValue = "esa-testkit",
            description = "Id sent with startSync. Default: ${DEFAULT-VALUE}.")
    String externalSystemId;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "Time limit of one call. Default: ${DEFAULT-VALUE}.")
    int timeoutSeconds;

    EsaClient client() throws Exception {
        return EsaClient.connect(url, tls(), Duration.ofSeconds(timeoutSeconds));
    }

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
