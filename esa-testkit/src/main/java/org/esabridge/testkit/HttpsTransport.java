package org.esabridge.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * One call per HTTPS POST over HTTP/1.1 with kept-alive connections (esa-protocol.md §1), the answer read as
 * it streams in. Thread-safe.
 */
public final class HttpsTransport implements EsaTransport {
    private final URI url;
    private final HttpClient http;
    private final Duration timeout;
    private final String authorization;

    /**
     * @param tls           the trust to use for {@code https} URLs (see {@link ClientTls})
     * @param authorization the {@code Authorization} header of every call, or null for none
     */
    public HttpsTransport(URI url, SSLContext tls, Duration timeout, String authorization) {
        this.url = Objects.requireNonNull(url, "url == null");
        this.timeout = Objects.requireNonNull(timeout, "timeout == null");
        this.authorization = authorization;
        // Pinned to HTTP/1.1: on plain HTTP the JDK client would otherwise ask for an h2c upgrade (design.md).
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    public URI url() {
        return url;
    }

    @Override
    public Answer exchange(byte[] document, String contentType) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(document));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<java.io.InputStream> response = http.send(request.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            return new Answer(response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public String describe() {
        return url.toString();
    }
}
