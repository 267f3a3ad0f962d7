package org.esabridge.server.config;

import java.util.List;
import java.util.Optional;

/**
 * Every setting of the server, declared once. Keys the database adapter understands (for the JDBC adapter
 * {@code jdbc-url}, {@code demo}, {@code structures.include}, …) are declared by the adapter itself and
 * passed through unchanged; a few of them are offered as command-line flags too ({@link #ADAPTER_FLAGS}).
 */
public final class ServerSettings {

    public static final Setting PORT = new Setting("port", SettingType.PORT, "8443", false,
            "HTTPS port.");
    public static final Setting HOST = new Setting("host", SettingType.STRING, null, false,
            "Address the HTTPS connector listens on, e.g. 127.0.0.1. Default: every interface.");
    public static final Setting HTTP_PORT = new Setting("http-port", SettingType.PORT, null, false,
            "Plain-HTTP port, bound to 127.0.0.1 only, for development. Off unless given.");
    public static final Setting DATA_DIR = new Setting("data-dir", SettingType.PATH, "./esa-data", false,
            "Directory for the embedded database, the generated certificate and token, and the audit log; "
                    + "survives restarts.");
    public static final Setting KEYSTORE = new Setting("keystore", SettingType.PATH, null, false,
            "PKCS12 keystore with the server's TLS key and certificate. Without it a self-signed "
                    + "certificate is generated once into <data-dir>/tls/.");
    public static final Setting KEYSTORE_PASSWORD = new Setting("keystore-password", SettingType.STRING, null, true,
            "Password of the keystore (and of its key).");
    public static final Setting EXTERNAL_SYSTEM_ID = new Setting("external-system-id", SettingType.STRING, null,
            false, "When set, startSync and configure with any other external system id are refused (HTTP 403).");

    public static final Setting AUTH_USER = new Setting("auth-user", SettingType.STRING, null, false,
            "User name for HTTP Basic authentication; needs auth-password-hash.");
    public static final Setting AUTH_PASSWORD_HASH = new Setting("auth-password-hash", SettingType.STRING, null, true,
            "Salted hash of the Basic password, pbkdf2-sha256$iterations$salt$hash, as printed by "
                    + "'java -jar esa-server.jar hash-password'. Never the password itself.");
    public static final Setting AUTH_TOKEN_SHA256 = new Setting("auth-token-sha256", SettingType.STRING, null, true,
            "Hex SHA-256 of a bearer token (Authorization: Bearer <token>), as printed by "
                    + "'java -jar esa-server.jar new-token'.");
    public static final Setting CLIENT_AUTH = new Setting("client-auth", SettingType.STRING, "none", false,
            "TLS client certificates: none, want (a certificate signed by trust-store authenticates; else "
                    + "Basic or bearer) or need (the TLS handshake fails without one).");
    public static final Setting TRUST_STORE = new Setting("trust-store", SettingType.PATH, null, false,
            "PKCS12 trust store with the CA certificates client certificates must be signed by.");
    public static final Setting TRUST_STORE_PASSWORD = new Setting("trust-store-password", SettingType.STRING, null,
            true, "Password of the trust store.");
    public static final Setting INSECURE_NO_AUTH = new Setting("insecure-no-auth", SettingType.BOOLEAN, "false",
            false, "Serve without authentication. Allowed only with a loopback host (127.0.0.1, ::1, localhost).");
    public static final Setting MAX_FAILED_LOGINS_PER_MINUTE = new Setting("max-failed-logins-per-minute",
            SettingType.INTEGER, "10", false,
            "Failed logins allowed per remote address and minute (burst of the same size); beyond them the "
                    + "address is answered 429 with Retry-After. Counted before the credentials are checked; an "
                    + "IPv6 address counts by its /64.");
    public static final Setting MAX_CONCURRENT_PASSWORD_CHECKS = new Setting("max-concurrent-password-checks",
            SettingType.INTEGER, "4", false,
            "Basic password checks (PBKDF2, about 0.3 s of a core each) running at the same time; one more is "
                    + "answered 503 with Retry-After at once, never queued. Credentials that passed before are "
                    + "not checked again.");
    public static final Setting METRICS_PUBLIC = new Setting("metrics-public", SettingType.BOOLEAN, "false", false,
            "Serve /metrics without authentication. Default: /metrics needs the same credentials as /esa.");

    public static final Setting READ_ONLY = new Setting("read-only", SettingType.BOOLEAN, "false", false,
            "Refuse create, update and delete with READ_ONLY before they reach the database; structures are "
                    + "listed as not writable.");
    public static final Setting AUDIT_LOG = new Setting("audit-log", SettingType.PATH, null, false,
            "File that every write (create, update, delete) is appended to, one line each, without field "
                    + "values. Default: <data-dir>/audit.log.");

    public static final Setting MAX_BODY_BYTES = new Setting("max-body-bytes", SettingType.BYTES, "10485760", false,
            "Largest accepted request body in bytes; larger bodies are refused with HTTP 413.");
    public static final Setting XML_MAX_DEPTH = new Setting("xml-max-depth", SettingType.INTEGER, "32", false,
            "Deepest element nesting of a request document; deeper is refused with HTTP 400.");
    public static final Setting XML_MAX_ELEMENTS = new Setting("xml-max-elements", SettingType.INTEGER, "100000", false,
            "Elements per request document; more are refused with HTTP 400.");
    public static final Setting XML_MAX_ATTRIBUTE_LENGTH = new Setting("xml-max-attribute-length", SettingType.INTEGER,
            "1024", false, "Characters per attribute value; longer is refused with HTTP 400.");
    public static final Setting XML_MAX_TEXT_LENGTH = new Setting("xml-max-text-length", SettingType.INTEGER,
            "1048576", false, "Characters of text per element (one field value); longer is refused with HTTP 400.");
    public static final Setting MAX_CONCURRENT_CALLS = new Setting("max-concurrent-calls", SettingType.INTEGER, "32",
            false, "Calls served at the same time; one more is answered 503 with Retry-After at once, never queued. "
                    + "Keep it at least pool-size.");
    public static final Setting IDLE_TIMEOUT_SECONDS = new Setting("idle-timeout-seconds", SettingType.INTEGER, "30",
            false, "A connection on which nothing is received or sent for this long is closed, also mid-request.");
    public static final Setting MIN_REQUEST_BYTES_PER_SECOND = new Setting("min-request-bytes-per-second",
            SettingType.INTEGER, "1024", false,
            "A request body that arrives slower than this is abandoned (HTTP 408), so a trickling client "
                    + "cannot hold a thread.");
    public static final Setting RESPONSE_WRITE_TIMEOUT_SECONDS = new Setting("response-write-timeout-seconds",
            SettingType.INTEGER, "30", false,
            "Time an answer may wait for its client to take it, plus one second per min-response-bytes-per-second "
                    + "bytes sent; past it the connection is closed and the call's database connection and permit "
                    + "are released (outcome SLOW_READER).");
    public static final Setting MIN_RESPONSE_BYTES_PER_SECOND = new Setting("min-response-bytes-per-second",
            SettingType.INTEGER, "16384", false,
            "The slowest rate at which a client must take a large answer; see response-write-timeout-seconds.");

    public static final Setting CONNECT = new Setting("connect", SettingType.STRING, null, false,
            "Dial out instead of listening: the host's sync endpoint (https), long-polled for calls as in "
                    + "esa-protocol.md §1.2; needs external-system-id. Credentials and trust are the Helper API's "
                    + "(helper-user/helper-password or helper-token, helper-trust-store); keystore, when given, is "
                    + "presented as the client certificate. Off unless given.");
    public static final Setting CONNECT_PARALLEL_CALLS = new Setting("connect-parallel-calls", SettingType.INTEGER,
            "4", false, "With connect: polls kept open at once, so calls the host hands out together are served "
                    + "together.");

    /** All server settings, in the order of {@code --help} and the README. */
    public static final List<Setting> ALL = List.of(
            PORT, HOST, HTTP_PORT, DATA_DIR, KEYSTORE, KEYSTORE_PASSWORD, EXTERNAL_SYSTEM_ID,
            AUTH_USER, AUTH_PASSWORD_HASH, AUTH_TOKEN_SHA256, CLIENT_AUTH, TRUST_STORE, TRUST_STORE_PASSWORD,
            INSECURE_NO_AUTH, MAX_FAILED_LOGINS_PER_MINUTE, MAX_CONCURRENT_PASSWORD_CHECKS, METRICS_PUBLIC,
            READ_ONLY, AUDIT_LOG,
            MAX_BODY_BYTES, XML_MAX_DEPTH, XML_MAX_ELEMENTS, XML_MAX_ATTRIBUTE_LENGTH, XML_MAX_TEXT_LENGTH,
            MAX_CONCURRENT_CALLS, IDLE_TIMEOUT_SECONDS, MIN_REQUEST_BYTES_PER_SECOND,
            RESPONSE_WRITE_TIMEOUT_SECONDS, MIN_RESPONSE_BYTES_PER_SECOND, CONNECT, CONNECT_PARALLEL_CALLS);

    /**
     * Adapter keys that are also command-line flags ({@code --jdbc-url} …); their documentation comes from
     * the adapter's own declarations.
     */
    public static final List<String> ADAPTER_FLAGS = List.of("jdbc-url", "jdbc-user", "jdbc-password", "demo");

    /** Adapter flags whose values are secrets. */
    public static final List<String> SECRET_ADAPTER_FLAGS = List.of("jdbc-password");

    /** Adapter flags that are booleans: present on the command line means true. */
    public static final List<String> BOOLEAN_ADAPTER_FLAGS = List.of("demo");

    /** The command-line option naming the configuration file; not a key inside that file. */
    public static final String CONFIG_FLAG = "--config";

    private ServerSettings() {
    }

    /** The server setting with this name, if there is one. */
    public static Optional<Setting> byName(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Whether the key is a secret, be it a server setting or an adapter flag. */
    public static boolean isSecret(String name) {
        return byName(name).map(Setting::secret).orElse(SECRET_ADAPTER_FLAGS.contains(name) || name.contains("password")
                || name.contains("token"));
    }
}
