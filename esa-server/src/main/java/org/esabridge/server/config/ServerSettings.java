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
    public static final Setting HTTP_PORT = new Setting("http-port", SettingType.PORT, null, false,
            "Plain-HTTP port, bound to 127.0.0.1 only, for development. Off unless given.");
    public static final Setting DATA_DIR = new Setting("data-dir", SettingType.PATH, "./esa-data", false,
            "Directory for the embedded database and the generated certificate; survives restarts.");
    public static final Setting KEYSTORE = new Setting("keystore", SettingType.PATH, null, false,
            "PKCS12 keystore with the server's TLS key and certificate. Without it a self-signed "
                    + "certificate is generated once into <data-dir>/tls/.");
    public static final Setting KEYSTORE_PASSWORD = new Setting("keystore-password", SettingType.STRING, null, true,
            "Password of the keystore (and of its key).");
    public static final Setting EXTERNAL_SYSTEM_ID = new Setting("external-system-id", SettingType.STRING, null,
            false, "When set, startSync and configure with any other external system id are refused (HTTP 403).");
    public static final Setting MAX_BODY_BYTES = new Setting("max-body-bytes", SettingType.BYTES, "10485760", false,
            "Largest accepted request body in bytes; larger bodies are refused with HTTP 413.");

    /** All server settings, in the order of {@code --help} and the README. */
    public static final List<Setting> ALL = List.of(
            PORT, HTTP_PORT, DATA_DIR, KEYSTORE, KEYSTORE_PASSWORD, EXTERNAL_SYSTEM_ID, MAX_BODY_BYTES);

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
        return byName(name).map(Setting::secret).orElse(SECRET_ADAPTER_FLAGS.contains(name) || name.contains("password"));
    }
}
