package org.esabridge.server.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.esabridge.api.config.Setting;
import org.esabridge.api.xml.XmlLimits;
import org.esabridge.server.security.PasswordHash;

/**
 * The server's configuration, validated once at start-up. Every key is either a server setting
 * ({@link ServerSettings}) or one the database adapter knows; anything else fails fast with the key's name.
 *
 * @param port             HTTPS port (0 = any free port)
 * @param httpPort         plain-HTTP port on 127.0.0.1, empty when off
 * @param dataDir          persistent data directory
 * @param keystore         configured PKCS12 keystore, or null for the generated self-signed one
 * @param keystorePassword its password, or null
 * @param externalSystemId the only external system id accepted, or null for any
 * @param maxBodyBytes     largest accepted request body
 * @param adapterSettings  the keys meant for the adapter, unchanged
 * @param host             the address the HTTPS connector listens on, or null for every interface
 * @param auth             who may call
 * @param readOnly         whether writes are refused before they reach the adapter
 * @param auditLog         the file writes are audited to
 * @param limits           request bounds
 * @param verbose          whether the log's INFO lines reach the terminal too
 * @param connect          the host's sync endpoint to dial out to instead of listening, or null
 * @param connectParallelCalls polls kept open at once when dialling out
 */
public record ServerConfig(int port, OptionalInt httpPort, Path dataDir, Path keystore, String keystorePassword,
                           String externalSystemId, long maxBodyBytes, Map<String, String> adapterSettings,
                           String host, AuthSettings auth, boolean readOnly, Path auditLog, Limits limits,
                           boolean verbose, URI connect, int connectParallelCalls) {

    public ServerConfig {
        Objects.requireNonNull(httpPort, "httpPort == null");
        Objects.requireNonNull(dataDir, "dataDir == null");
        Objects.requireNonNull(auth, "auth == null");
        Objects.requireNonNull(auditLog, "auditLog == null");
        Objects.requireNonNull(limits, "limits == null");
        adapterSettings = Map.copyOf(adapterSettings);
        if (keystore != null && keystorePassword == null) {
            throw new IllegalArgumentException("keystore-password: required when keystore is given");
        }
        if (connect != null && externalSystemId == null) {
            throw new IllegalArgumentException(ServerSettings.EXTERNAL_SYSTEM_ID.name()
                    + ": required with connect (the host tells its ESAs apart by it)");
        }
    }

    /**
     * Builds the configuration from setting values (command line over configuration file already merged).
     *
     * @param values           key → text, keys without dashes
     * @param adapterKnowsKey  whether the adapter accepts a key that is not a server setting
     * @throws IllegalArgumentException naming the first unknown key or invalid value
     */
    public static ServerConfig from(Map<String, String> values, Predicate<String> adapterKnowsKey) {
        Map<String, String> adapter = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
            if (ServerSettings.byName(e.getKey()).isPresent()) {
                if (e.getKey().equals(ServerSettings.EXTERNAL_SYSTEM_ID.name())) {
                    adapter.put(e.getKey(), e.getValue()); // the adapter's Helper API calls send it too
                }
                continue;
            }
            if (!adapterKnowsKey.test(e.getKey())) {
                throw new IllegalArgumentException(e.getKey() + ": unknown setting");
            }
            adapter.put(e.getKey(), e.getValue());
        }
        Integer httpPort = value(values, ServerSettings.HTTP_PORT);
        Path dataDir = value(values, ServerSettings.DATA_DIR);
        Path auditLog = value(values, ServerSettings.AUDIT_LOG);
        String host = text(values, ServerSettings.HOST);
        AuthSettings auth = auth(values, host);
        Limits limits = new Limits(
                new XmlLimits(value(values, ServerSettings.XML_MAX_DEPTH), value(values, ServerSettings.XML_MAX_ELEMENTS),
                        value(values, ServerSettings.XML_MAX_ATTRIBUTE_LENGTH),
                        value(values, ServerSettings.XML_MAX_TEXT_LENGTH)),
                value(values, ServerSettings.MAX_CONCURRENT_CALLS),
                value(values, ServerSettings.MAX_CALLS_PER_PRINCIPAL),
                value(values, ServerSettings.IDLE_TIMEOUT_SECONDS),
                value(values, ServerSettings.MIN_REQUEST_BYTES_PER_SECOND),
                value(values, ServerSettings.RESPONSE_WRITE_TIMEOUT_SECONDS),
                value(values, ServerSettings.MIN_RESPONSE_BYTES_PER_SECOND));
        return new ServerConfig(
                value(values, ServerSettings.PORT),
                httpPort == null ? OptionalInt.empty() : OptionalInt.of(httpPort),
                dataDir,
                value(values, ServerSettings.KEYSTORE),
                text(values, ServerSettings.KEYSTORE_PASSWORD),
                text(values, ServerSettings.EXTERNAL_SYSTEM_ID),
                value(values, ServerSettings.MAX_BODY_BYTES),
                adapter,
                host,
                auth,
                value(values, ServerSettings.READ_ONLY),
                auditLog == null ? dataDir.resolve("audit.log") : auditLog,
                limits,
                value(values, ServerSettings.VERBOSE),
                connect(value(values, ServerSettings.CONNECT), value(values, ServerSettings.INSECURE_HTTP_CONNECT)),
                value(values, ServerSettings.CONNECT_PARALLEL_CALLS));
    }

    private static AuthSettings auth(Map<String, String> values, String host) {
        String user = text(values, ServerSettings.AUTH_USER);
        String passwordHash = text(values, ServerSettings.AUTH_PASSWORD_HASH);
        if ((user == null) != (passwordHash == null)) {
            throw new IllegalArgumentException((user == null ? ServerSettings.AUTH_USER : ServerSettings.AUTH_PASSWORD_HASH)
                    .name() + ": auth-user and auth-password-hash go together");
        }
        if (user != null && user.contains(":")) {
            throw new IllegalArgumentException(ServerSettings.AUTH_USER.name() + ": a Basic user name cannot hold ':'");
        }
        if (passwordHash != null) {
            try {
                PasswordHash.parse(passwordHash);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ServerSettings.AUTH_PASSWORD_HASH.name() + ": " + e.getMessage()
                        + "; create one with: java -jar esa-server.jar hash-password");
            }
        }
        String token = text(values, ServerSettings.AUTH_TOKEN_SHA256);
        if (token != null) {
            token = token.toLowerCase(Locale.ROOT);
            if (!token.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException(ServerSettings.AUTH_TOKEN_SHA256.name()
                        + ": not 64 hex digits (the SHA-256 of the token, not the token)");
            }
            HexFormat.of().parseHex(token);
        }
        AuthSettings.ClientAuth clientAuth;
        String mode = text(values, ServerSettings.CLIENT_AUTH);
        try {
            clientAuth = AuthSettings.ClientAuth.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ServerSettings.CLIENT_AUTH.name() + ": none, want or need, not " + mode);
        }
        Path trustStore = value(values, ServerSettings.TRUST_STORE);
        String trustStorePassword = text(values, ServerSettings.TRUST_STORE_PASSWORD);
        if (clientAuth != AuthSettings.ClientAuth.NONE && trustStore == null) {
            throw new IllegalArgumentException(ServerSettings.TRUST_STORE.name() + ": required when client-auth is "
                    + mode);
        }
        if (trustStore != null && trustStorePassword == null) {
            throw new IllegalArgumentException(ServerSettings.TRUST_STORE_PASSWORD.name()
                    + ": required when trust-store is given");
        }
        boolean insecure = value(values, ServerSettings.INSECURE_NO_AUTH);
        if (insecure && !isLoopback(host)) {
            // An ESA without authentication reachable from the network is never what anyone should run.
            throw new IllegalArgumentException(ServerSettings.INSECURE_NO_AUTH.name()
                    + ": allowed only together with a loopback host (--host 127.0.0.1)");
        }
        return new AuthSettings(user, passwordHash, token, clientAuth, trustStore,
                trustStorePassword, insecure, value(values, ServerSettings.METRICS_PUBLIC),
                value(values, ServerSettings.MAX_FAILED_LOGINS_PER_MINUTE),
                value(values, ServerSettings.MAX_CONCURRENT_PASSWORD_CHECKS));
    }

    /**
     * The dial-out endpoint: https, or plain http only when the operator said so by name and only to this
     * machine (the Helper credentials go with every poll).
     */
    private static URI connect(String text, boolean insecureHttp) {
        if (text == null) {
            return null;
        }
        URI uri = null;
        String scheme = "";
        try {
            uri = new URI(text);
            scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            // reported below
        }
        if (uri == null || !(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null
                || uri.getRawUserInfo() != null || uri.getRawQuery() != null) {
            throw new IllegalArgumentException(ServerSettings.CONNECT.name() + ": not an https URL with a host and "
                    + "without user info or query: " + text);
        }
        if (scheme.equals("http") && !insecureHttp) {
            throw new IllegalArgumentException(ServerSettings.CONNECT.name() + ": http:// would send the Helper "
                    + "credentials and every record in clear text; use https (for a test host on this machine only: "
                    + "--" + ServerSettings.INSECURE_HTTP_CONNECT.name() + ")");
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw new IllegalArgumentException(ServerSettings.INSECURE_HTTP_CONNECT.name()
                    + ": allowed only with a loopback host in connect (http://127.0.0.1:…), not " + uri.getHost());
        }
        return uri;
    }

    /** Whether the host names only this machine; an unresolvable name does not. */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The configuration the command line asks for: the {@code --config} file (if any) overridden by the
     * command line's own values.
     */
    public static ServerConfig load(CommandLineOptions.Parsed commandLine, Predicate<String> adapterKnowsKey)
            throws IOException {
        return from(values(commandLine), adapterKnowsKey);
    }

    /** The setting values the command line asks for: the {@code --config} file's, overridden by its own. */
    public static Map<String, String> values(CommandLineOptions.Parsed commandLine) throws IOException {
        Map<String, String> fromFile = commandLine.configFile() == null ? Map.of() : ConfigFile.load(commandLine.configFile());
        return ConfigFile.merge(fromFile, commandLine.values());
    }

    /** The given value, else the default; blank counts as not given. */
    private static String text(Map<String, String> values, Setting<?> setting) {
        String value = values.get(setting.name());
        if (value == null || value.isBlank()) {
            return setting.defaultValue();
        }
        return value.trim();
    }

    /** The parsed {@link #text}, or null when there is neither a value nor a default. */
    private static <T> T value(Map<String, String> values, Setting<T> setting) {
        String text = text(values, setting);
        if (text == null) {
            return null;
        }
        try {
            return setting.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting.name() + ": " + e.getMessage(), e);
        }
    }

    /** Every server value, secrets masked; of the adapter's settings only the keys (their secrets are the adapter's to declare). */
    @Override
    public String toString() {
        return "port=" + port + ", http-port=" + (httpPort.isPresent() ? httpPort.getAsInt() : "off")
                + ", data-dir=" + dataDir + ", keystore=" + (keystore == null ? "self-signed" : keystore)
                + ", keystore-password=" + (keystorePassword == null ? "-" : Setting.MASK)
                + ", external-system-id=" + (externalSystemId == null ? "any" : externalSystemId)
                + ", max-body-bytes=" + maxBodyBytes + ", host=" + (host == null ? "*" : host)
                + ", auth-user=" + (auth.user() == null ? "-" : auth.user())
                + ", auth-password-hash=" + (auth.passwordHash() == null ? "-" : Setting.MASK)
                + ", auth-token-sha256=" + (auth.tokenSha256() == null ? "-" : Setting.MASK)
                + ", client-auth=" + auth.clientAuth().name().toLowerCase(Locale.ROOT)
                + ", insecure-no-auth=" + auth.insecureNoAuth() + ", read-only=" + readOnly
                + ", audit-log=" + auditLog + ", " + limits + ", verbose=" + verbose
                + ", connect=" + (connect == null ? "-" : connect) + ", connect-parallel-calls=" + connectParallelCalls
                + ", adapter keys=" + new TreeMap<>(adapterSettings).keySet();
    }
}
