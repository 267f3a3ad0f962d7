package org.esabridge.server.config;

import java.nio.file.Path;

/**
 * Who may call: the configured credentials, as validated at start-up. Plain passwords and tokens never
 * appear here, only their hashes.
 *
 * @param user                     the Basic user name, or null
 * @param passwordHash             {@code pbkdf2-sha256$…} of the Basic password, or null
 * @param tokenSha256              hex SHA-256 of the bearer token, or null
 * @param clientAuth               whether TLS client certificates are asked for
 * @param trustStore               the PKCS12 trust store for client certificates, or null
 * @param trustStorePassword       its password, or null
 * @param insecureNoAuth           serve without authentication (only on a loopback host)
 * @param metricsPublic            serve /metrics without authentication
 * @param maxFailedLoginsPerMinute failed logins per remote address and minute before 429
 * @param maxConcurrentPasswordChecks PBKDF2 checks of Basic passwords running at once; more are answered 503
 */
public record AuthSettings(String user, String passwordHash, String tokenSha256, ClientAuth clientAuth,
                           Path trustStore, String trustStorePassword, boolean insecureNoAuth,
                           boolean metricsPublic, int maxFailedLoginsPerMinute,
                           int maxConcurrentPasswordChecks) {

    /** TLS client certificates. */
    public enum ClientAuth {
        NONE, WANT, NEED
    }

    /** Whether any credential is configured (Basic, a token or client certificates). */
    public boolean anyConfigured() {
        return passwordHash != null || tokenSha256 != null || clientAuth != ClientAuth.NONE;
    }
}
