package org.esabridge.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.esabridge.api.config.Setting;
import org.esabridge.api.config.SettingType;

/**
 * Every setting of the server, declared once. Keys the database adapter understands (for the JDBC adapter
 * {@code jdbc-url}, {@code demo}, {@code structures.include}, …) are declared by the adapter itself and
 * passed through unchanged; those it declares as options are command-line flags too.
 */
public final class ServerSettings {

    private static final SettingType<Integer> PORT_NUMBER =
            number("PORT", Integer::valueOf, port -> port >= 0 && port <= 65535, "not a port number (0-65535)");
    private static final SettingType<Path> PATH = new SettingType<>("PATH", Path::of);
    private static final SettingType<Long> BYTES =
            number("BYTES", Long::valueOf, bytes -> bytes > 0, "not a positive number of bytes");
    private static final SettingType<Integer> POSITIVE =
            number("N", Integer::valueOf, value -> value > 0, "not a positive whole number");

    public static final Setting<Integer> PORT = Setting.option("port", PORT_NUMBER, "8443",
            "HTTPS port.");
    public static final Setting<String> HOST = Setting.option("host", SettingType.TEXT, null,
            "Address the HTTPS connector listens on, e.g. 127.0.0.1. Default: every interface.");
    public static final Setting<Integer> HTTP_PORT = Setting.option("http-port", PORT_NUMBER, null,
            "Plain-HTTP port, bound to 127.0.0.1 only, for development. Off unless given.");
    public static final Setting<Path> DATA_DIR = Setting.option("data-dir", PATH, "./esa-data",
            "Directory for the embedded database, the generated certificate and token, and the audit log; "
                    + "survives restarts.");
    public static final Setting<Path> KEYSTORE = Setting.option("keystore", PATH, null,
            "PKCS12 keystore with the server's TLS key and certificate. Without it a self-signed "
                    + "certificate is generated once into <data-dir>/tls/.");
    public static final Setting<String> KEYSTORE_PASSWORD = Setting.option("keystore-password",
            SettingType.TEXT, null,
            "Password of the keystore (and of its key).").asSecret();
    public static final Setting<String> EXTERNAL_SYSTEM_ID = Setting.option("external-system-id",
            SettingType.TEXT, null,
            "When set, startSync and configure with any other external system id are refused (HTTP 403).");

    public static final Setting<String> AUTH_USER = Setting.option("auth-user", SettingType.TEXT, null,
            "User name for HTTP Basic authentication; needs auth-password-hash.");
    public static final Setting<String> AUTH_PASSWORD_HASH = Setting.option("auth-password-hash",
            SettingType.TEXT, null,
            "Salted hash of the Basic password, pbkdf2-sha256$iterations$salt$hash, as printed by 'java "
                    + "-jar esa-server.jar hash-password'. Never the password itself.").asSecret();
    public static final Setting<String> AUTH_TOKEN_SHA256 = Setting.option("auth-token-sha256",
            SettingType.TEXT, null,
            "Hex SHA-256 of a bearer token (Authorization: Bearer <token>), as printed by 'java -jar "
                    + "esa-server.jar new-token'.").asSecret();
    public static final Setting<String> CLIENT_AUTH = Setting.option("client-auth", SettingType.TEXT, "none",
            "TLS client certificates: none, want (a certificate signed by trust-store authenticates; else "
                    + "Basic or bearer) or need (the TLS handshake fails without one).");
    public static final Setting<Path> TRUST_STORE = Setting.option("trust-store", PATH, null,
            "PKCS12 trust store with the CA certificates client certificates must be signed by.");
    public static final Setting<String> TRUST_STORE_PASSWORD = Setting.option("trust-store-password",
            SettingType.TEXT, null,
            "Password of the trust store.").asSecret();
    public static final Setting<Boolean> INSECURE_NO_AUTH = Setting.option("insecure-no-auth",
            SettingType.BOOLEAN, "false",
            "Serve without authentication. Allowed only with a loopback host (127.0.0.1, ::1, localhost).");
    public static final Setting<Integer> MAX_FAILED_LOGINS_PER_MINUTE = Setting.option("max-failed-logins-per-minute",
            POSITIVE, "10",
            "Failed logins allowed per remote address and minute (burst of the same size); beyond them the "
                    + "address is answered 429 with Retry-After. Counted before the credentials are checked; an IPv6 "
                    + "address counts by its /64.");
    public static final Setting<Integer> MAX_CONCURRENT_PASSWORD_CHECKS = Setting.option("max-concurrent-password-checks",
            POSITIVE, "4",
            "Basic password checks (PBKDF2, about 0.3 s of a core each) running at the same time; one more "
                    + "is answered 503 with Retry-After at once, never queued. Credentials that passed before are "
                    + "not checked again.");
    public static final Setting<Boolean> METRICS_PUBLIC = Setting.option("metrics-public",
            SettingType.BOOLEAN, "false",
            "Serve /metrics without authentication. Default: /metrics needs the same credentials as /esa.");

    public static final Setting<Boolean> READ_ONLY = Setting.option("read-only", SettingType.BOOLEAN, "false",
            "Refuse create, update and delete with READ_ONLY before they reach the database; structures "
                    + "are listed as not writable.");
    public static final Setting<Path> AUDIT_LOG = Setting.option("audit-log", PATH, null,
            "File that every write (create, update, delete) is appended to, one line each, without field "
                    + "values. Default: <data-dir>/audit.log.");

    public static final Setting<Long> MAX_BODY_BYTES = Setting.option("max-body-bytes", BYTES, "10485760",
            "Largest accepted request body in bytes; larger bodies are refused with HTTP 413.");
    public static final Setting<Integer> XML_MAX_DEPTH = Setting.option("xml-max-depth", POSITIVE, "32",
            "Deepest element nesting of a request document; deeper is refused with HTTP 400.");
    public static final Setting<Integer> XML_MAX_ELEMENTS = Setting.option("xml-max-elements", POSITIVE, "100000",
            "Elements per request document; more are refused with HTTP 400.");
    public static final Setting<Integer> XML_MAX_ATTRIBUTE_LENGTH = Setting.option("xml-max-attribute-length",
            POSITIVE, "1024",
            "Characters per attribute value; longer is refused with HTTP 400.");
    public static final Setting<Integer> XML_MAX_TEXT_LENGTH = Setting.option("xml-max-text-length",
            POSITIVE, "1048576",
            "Characters of text per element (one field value); longer is refused with HTTP 400.");
    public static final Setting<Integer> MAX_CONCURRENT_CALLS = Setting.option("max-concurrent-calls", POSITIVE, "32",
            "Calls served at the same time; one more is answered 503 with Retry-After at once, never "
                    + "queued. Keep it at least pool-size.");
    public static final Setting<Integer> MAX_CALLS_PER_PRINCIPAL = Setting.option("max-calls-per-principal", POSITIVE,
            "4",
            "Calls one caller (one user, token or client certificate) may have in progress at once; one more is "
                    + "answered 503 with Retry-After at once, never queued, while other callers are served. Keep it "
                    + "below pool-size: a caller that does not take its answers then never holds every database "
                    + "connection.");
    public static final Setting<Integer> IDLE_TIMEOUT_SECONDS = Setting.option("idle-timeout-seconds", POSITIVE, "30",
            "A connection on which nothing is received or sent for this long is closed, also mid-request.");
    public static final Setting<Integer> MIN_REQUEST_BYTES_PER_SECOND = Setting.option("min-request-bytes-per-second",
            POSITIVE, "1024",
            "A request body that arrives slower than this is abandoned (HTTP 408), so a trickling client "
                    + "cannot hold a thread.");
    public static final Setting<Integer> RESPONSE_WRITE_TIMEOUT_SECONDS = Setting.option("response-write-timeout-seconds",
            POSITIVE, "30",
            "Time an answer may wait for its client to take it, plus one second per "
                    + "min-response-bytes-per-second bytes sent; past it the connection is closed and the call's "
                    + "database connection and permit are released (outcome SLOW_READER).");
    public static final Setting<Integer> MIN_RESPONSE_BYTES_PER_SECOND = Setting.option("min-response-bytes-per-second",
            POSITIVE, "16384",
            "The slowest rate at which a client must take a large answer; see "
                    + "response-write-timeout-seconds.");

    public static final Setting<Boolean> VERBOSE = Setting.option("verbose", SettingType.BOOLEAN, "false",
            "Print the log's INFO lines (the embedded MariaDB's and Jetty's start-up among them) on the "
                    + "terminal too. Default: the terminal shows the start lines, warnings, errors and the call log; "
                    + "the whole log goes to <data-dir>/esa-bridge.log.");

    public static final Setting<String> CONNECT = Setting.option("connect", SettingType.TEXT, null,
            "Dial out instead of listening: the host's sync endpoint (https), long-polled for calls as in "
                    + "esa-protocol.md §1.2; needs external-system-id. Credentials and trust are the Helper API's "
                    + "(helper-user/helper-password or helper-token, helper-trust-store); keystore, when given, is "
                    + "presented as the client certificate. Off unless given.");
    public static final Setting<Boolean> INSECURE_HTTP_CONNECT = Setting.option("insecure-http-connect",
            SettingType.BOOLEAN, "false",
            "Let connect name a plain http:// endpoint, whose calls, answers and Helper credentials travel "
                    + "unencrypted. Allowed only with a loopback host (127.0.0.1, ::1, localhost); without it an "
                    + "http:// connect is refused at start.");
    public static final Setting<Integer> CONNECT_PARALLEL_CALLS = Setting.option("connect-parallel-calls", POSITIVE,
            "4", "With connect: polls kept open at once, so calls the host hands out together are served "
                    + "together.");

    /** All server settings, in the order of {@code --help} and the README. */
    public static final List<Setting<?>> ALL = List.of(
            PORT, HOST, HTTP_PORT, DATA_DIR, KEYSTORE, KEYSTORE_PASSWORD, EXTERNAL_SYSTEM_ID,
            AUTH_USER, AUTH_PASSWORD_HASH, AUTH_TOKEN_SHA256, CLIENT_AUTH, TRUST_STORE, TRUST_STORE_PASSWORD,
            INSECURE_NO_AUTH, MAX_FAILED_LOGINS_PER_MINUTE, MAX_CONCURRENT_PASSWORD_CHECKS, METRICS_PUBLIC,
            READ_ONLY, AUDIT_LOG,
            MAX_BODY_BYTES, XML_MAX_DEPTH, XML_MAX_ELEMENTS, XML_MAX_ATTRIBUTE_LENGTH, XML_MAX_TEXT_LENGTH,
            MAX_CONCURRENT_CALLS, MAX_CALLS_PER_PRINCIPAL, IDLE_TIMEOUT_SECONDS, MIN_REQUEST_BYTES_PER_SECOND,
            RESPONSE_WRITE_TIMEOUT_SECONDS, MIN_RESPONSE_BYTES_PER_SECOND, VERBOSE, CONNECT, CONNECT_PARALLEL_CALLS,
            INSECURE_HTTP_CONNECT);

    /** The command-line option naming the configuration file; not a key inside that file. */
    public static final String CONFIG_FLAG = "--config";

    private ServerSettings() {
    }

    /** A whole number that {@code allowed} accepts; else the reason, followed by the text. */
    private static <T extends Number> SettingType<T> number(String label, Function<String, T> parse,
                                                            Predicate<T> allowed, String reason) {
        return new SettingType<>(label, text -> {
            try {
                T value = parse.apply(text);
                if (allowed.test(value)) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(reason + ": " + text);
        });
    }

    /** The server setting with this name, if there is one. */
    public static Optional<Setting<?>> byName(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
