package org.esabridge.server.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Predicate;

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
 */
public record ServerConfig(int port, OptionalInt httpPort, Path dataDir, Path keystore, String keystorePassword,
                           String externalSystemId, long maxBodyBytes, Map<String, String> adapterSettings) {

    public ServerConfig {
        Objects.requireNonNull(httpPort, "httpPort == null");
        Objects.requireNonNull(dataDir, "dataDir == null");
        adapterSettings = Map.copyOf(adapterSettings);
        if (keystore != null && keystorePassword == null) {
            throw new IllegalArgumentException("keystore-password: required when keystore is given");
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
                continue;
            }
            if (!adapterKnowsKey.test(e.getKey())) {
                throw new IllegalArgumentException(e.getKey() + ": unknown setting");
            }
            adapter.put(e.getKey(), e.getValue());
        }
        String httpPort = text(values, ServerSettings.HTTP_PORT);
        String keystore = text(values, ServerSettings.KEYSTORE);
        return new ServerConfig(
                port(ServerSettings.PORT, text(values, ServerSettings.PORT)),
                httpPort == null ? OptionalInt.empty() : OptionalInt.of(port(ServerSettings.HTTP_PORT, httpPort)),
                Path.of(text(values, ServerSettings.DATA_DIR)),
                keystore == null ? null : Path.of(keystore),
                text(values, ServerSettings.KEYSTORE_PASSWORD),
                text(values, ServerSettings.EXTERNAL_SYSTEM_ID),
                bytes(ServerSettings.MAX_BODY_BYTES, text(values, ServerSettings.MAX_BODY_BYTES)),
                adapter);
    }

    /**
     * The configuration the command line asks for: the {@code --config} file (if any) overridden by the
     * command line's own values.
     */
    public static ServerConfig load(CommandLineOptions.Parsed commandLine, Predicate<String> adapterKnowsKey)
            throws IOException {
        Map<String, String> fromFile = commandLine.configFile() == null ? Map.of() : ConfigFile.load(commandLine.configFile());
        return from(ConfigFile.merge(fromFile, commandLine.values()), adapterKnowsKey);
    }

    /** The given value, else the default; blank counts as not given. */
    private static String text(Map<String, String> values, Setting setting) {
        String value = values.get(setting.name());
        if (value == null || value.isBlank()) {
            return setting.defaultValue();
        }
        return value.trim();
    }

    private static int port(Setting setting, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(setting.name() + ": not a port number (0-65535): " + text);
    }

    private static long bytes(Setting setting, String text) {
        try {
            long bytes = Long.parseLong(text);
            if (bytes > 0) {
                return bytes;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(setting.name() + ": not a positive number of bytes: " + text);
    }

    /** For the start-up log: every value, secrets masked. */
    @Override
    public String toString() {
        return "port=" + port + ", http-port=" + (httpPort.isPresent() ? httpPort.getAsInt() : "off")
                + ", data-dir=" + dataDir + ", keystore=" + (keystore == null ? "self-signed" : keystore)
                + ", keystore-password=" + (keystorePassword == null ? "-" : "****")
                + ", external-system-id=" + (externalSystemId == null ? "any" : externalSystemId)
                + ", max-body-bytes=" + maxBodyBytes + ", adapter=" + masked(adapterSettings);
    }

    private static Map<String, String> masked(Map<String, String> settings) {
        Map<String, String> masked = new TreeMap<>();
        settings.forEach((k, v) -> masked.put(k, ServerSettings.isSecret(k) ? "****" : v));
        return masked;
    }
}
