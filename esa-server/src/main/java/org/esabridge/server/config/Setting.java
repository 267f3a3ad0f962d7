package org.esabridge.server.config;

import java.util.Objects;

/**
 * The one declaration of a server setting: its name (the command-line flag without dashes and the key in
 * the configuration file), type, default, whether its value is a secret, and its documentation line. The
 * command line, the configuration file, validation and README's configuration table all derive from it.
 *
 * @param name         the key, e.g. {@code http-port}; the flag is {@code --http-port}
 * @param type         how the value is validated
 * @param defaultValue the default as text, or null when the setting is off unless given
 * @param secret       whether the value must never be printed or logged
 * @param doc          one line for {@code --help} and the README
 */
public record Setting(String name, SettingType type, String defaultValue, boolean secret, String doc) {
    public Setting {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(type, "type == null");
        Objects.requireNonNull(doc, "doc == null");
    }

    /** The command-line flag. */
    public String flag() {
        return "--" + name;
    }
}
