package org.esabridge.api.helper;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import org.esabridge.api.xml.XmlLimits;

/**
 * How {@link HttpHelperApi} reaches the sync host: immutable, validated when built, every refusal naming
 * the offending setting. {@link #toString()} shows no secret.
 *
 * @param url              the Helper API endpoint, {@code https} (or {@code http} for tests and local
 *                         proxies), without user info
 * @param externalSystemId the host's id of this ESA, sent as the first child of every call
 * @param credentials      how requests authenticate
 * @param trustStore       the PKCS12 trust store for the host's certificate, or null for the JDK's
 * @param connectTimeout   time allowed to open a connection
 * @param requestTimeout   time allowed per attempt, from sending the call until the whole answer is read
 * @param maxAttempts      requests per call at most, the first included; 1 means no retry
 * @param backoffBase      the wait before the second attempt; it doubles for each further one
 * @param backoffMax       the longest wait between attempts, also the cap on a host's {@code Retry-After}
 * @param maxResponseBytes the largest answer body read; a larger one is refused
 * @param responseLimits   the codec's limits for the answer document (elements bound the ids per answer)
 */
public record HelperApiConfig(
        URI url,
        String externalSystemId,
        Credentials credentials,
        TrustStore trustStore,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxAttempts,
        Duration backoffBase,
        Duration backoffMax,
        int maxResponseBytes,
        XmlLimits responseLimits) {

    public HelperApiConfig {
        require("url", url);
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("url must be an https (or http) URL");
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("url has no host");
        }
        if (url.getRawUserInfo() != null) {
            // credentials in the URL would end up in logs and messages; they have their own setting
            throw new IllegalArgumentException("url must not hold user info; use the credentials setting");
        }
        require("externalSystemId", externalSystemId);
        if (externalSystemId.isBlank()) {
            throw new IllegalArgumentException("externalSystemId must not be blank");
        }
        require("credentials", credentials);
        positive("connectTimeout", connectTimeout);
        positive("requestTimeout", requestTimeout);
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new IllegalArgumentException("maxAttempts must be between 1 and 20, was " + maxAttempts);
        }
        require("backoffBase", backoffBase);
        require("backoffMax", backoffMax);
        if (backoffBase.isNegative() || backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("backoffBase must be >= 0 and backoffMax >= backoffBase");
        }
        if (maxResponseBytes <= 0) {
            throw new IllegalArgumentException("maxResponseBytes must be positive, was " + maxResponseBytes);
        }
        require("responseLimits", responseLimits);
    }

    /** A builder with the defaults listed on its setters. */
    public static Builder builder(URI url, String externalSystemId) {
        return new Builder(url, externalSystemId);
    }

    @Override
    public String toString() {
        return "HelperApiConfig[url=" + url + ", externalSystemId=" + externalSystemId + ", credentials="
                + credentials + ", trustStore=" + trustStore + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", maxAttempts=" + maxAttempts + ", backoffBase="
                + backoffBase + ", backoffMax=" + backoffMax + ", maxResponseBytes=" + maxResponseBytes
                + ", responseLimits=" + responseLimits + "]";
    }

    private static void require(String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
    }

    private static void positive(String name, Duration value) {
        require(name, value);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    /** How requests authenticate: sent with every request, never waiting for a challenge. */
    public sealed interface Credentials {
        /** The {@code Authorization} header value, or null for none. */
        String authorization();

        /** No {@code Authorization} header. */
        record None() implements Credentials {
            @Override
            public String authorization() {
                return null;
            }
        }

        /** HTTP Basic (RFC 7617), UTF-8. */
        record Basic(String user, String password) implements Credentials {
            public Basic {
                require("credentials user", user);
                require("credentials password", password);
                if (user.indexOf(':') >= 0) {
                    throw new IllegalArgumentException("credentials user must not contain ':'");
                }
            }

            @Override
            public String authorization() {
                return "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public String toString() {
                return "Basic[user=" + user + ", password=***]";
            }
        }

        /** A bearer token (RFC 6750). */
        record Bearer(String token) implements Credentials {
            public Bearer {
                require("credentials token", token);
                if (token.isBlank() || token.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                    throw new IllegalArgumentException("credentials token must be visible ASCII without spaces");
                }
            }

            @Override
            public String authorization() {
                return "Bearer " + token;
            }

            @Override
            public String toString() {
                return "Bearer[token=***]";
            }
        }
    }

    /** A PKCS12 file holding the certificates to trust for the host, and its password. */
    public record TrustStore(Path path, String password) {
        public TrustStore {
            require("trustStore path", path);
            require("trustStore password", password);
        }

        @Override
        public String toString() {
            return "TrustStore[path=" + path + ", password=***]";
        }
    }

    /** Builds a {@link HelperApiConfig}; validation happens in {@link #build()}. */
    public static final class Builder {
        private final URI url;
        private final String externalSystemId;
        private Credentials credentials = new Credentials.None();
        private TrustStore trustStore;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxAttempts = 3;
        private Duration backoffBase = Duration.ofMillis(250);
        private Duration backoffMax = Duration.ofSeconds(10);
        private int maxResponseBytes = 32 * 1024 * 1024;
        private XmlLimits responseLimits = XmlLimits.defaults();

        private Builder(URI url, String externalSystemId) {
            this.url = url;
            this.externalSystemId = externalSystemId;
        }

        /** HTTP Basic credentials; default none. */
        public Builder basicAuth(String user, String password) {
            this.credentials = new Credentials.Basic(user, password);
            return this;
        }

        /** A bearer token; default none. */
        public Builder bearerToken(String token) {
            this.credentials = new Credentials.Bearer(token);
            return this;
        }

        /** Default: the JDK's trusted certificates. */
        public Builder trustStore(Path pkcs12, String password) {
            this.trustStore = new TrustStore(pkcs12, password);
            return this;
        }

        /** Default 5 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** Default 30 s per attempt; {@code detectDeleted} on a large table may need more. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** Default 3. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Default 250 ms doubling, at most 10 s. */
        public Builder backoff(Duration base, Duration max) {
            this.backoffBase = base;
            this.backoffMax = max;
            return this;
        }

        /** Default 32 MiB. */
        public Builder maxResponseBytes(int maxResponseBytes) {
            this.maxResponseBytes = maxResponseBytes;
            return this;
        }

        /** Default {@link XmlLimits#defaults()}: at most 100 000 elements, so about as many ids. */
        public Builder responseLimits(XmlLimits responseLimits) {
            this.responseLimits = responseLimits;
            return this;
        }

        public HelperApiConfig build() {
            return new HelperApiConfig(url, externalSystemId, credentials, trustStore, connectTimeout,
                    requestTimeout, maxAttempts, backoffBase, backoffMax, maxResponseBytes, responseLimits);
        }
    }
}
