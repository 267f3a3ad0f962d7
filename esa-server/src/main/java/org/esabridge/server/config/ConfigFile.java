package org.esabridge.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** The {@code --config} file: a Java properties file whose keys are the option names without dashes. */
public final class ConfigFile {

    private ConfigFile() {
    }

    /** Reads the file as UTF-8. */
    public static Map<String, String> load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("-")) {
                throw new IllegalArgumentException(key + ": write keys without dashes, e.g. " + key.replaceFirst("^-+", ""));
            }
            if (("--" + key).equals(ServerSettings.CONFIG_FLAG)) {
                throw new IllegalArgumentException(key + ": only allowed on the command line");
            }
            values.put(key, properties.getProperty(key));
        }
        return values;
    }

    /** The file's values overridden by the command line's. */
    public static Map<String, String> merge(Map<String, String> fromFile, Map<String, String> fromCommandLine) {
        Map<String, String> merged = new LinkedHashMap<>(fromFile);
        merged.putAll(fromCommandLine);
        return merged;
    }
}
