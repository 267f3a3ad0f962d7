package org.esabridge.api.config;

import java.util.Objects;

/**
 * The one declaration of a setting, shared by the server and the database adapter: its name (the key in the
 * {@code --config} file, and {@code --name} on the command line when it is an option there too), how its
 * text is parsed, its default, whether its value is a secret, and one line of documentation. The command
 * line, the configuration file, validation, the start-up log and README's configuration table all read it;
 * nothing guesses a secret from a key's name.
 *
 * <pre>{@code
 * static final Setting<Integer> PORT = Setting.option("port", PORT_NUMBER, "8443", "HTTPS port.");
 * static final Setting<String> PASSWORD = Setting.key("helper-password", SettingType.TEXT, "",
 *         "Basic password for helper-url").asSecret();
 * }</pre>
 *
 * @param name         the key, e.g. {@code http-port}; a per-structure key names its table {@code <table>}
 * @param type         how the text becomes a value
 * @param defaultValue the default as text; null or empty when there is none
 * @param secret       whether the value must never be printed or logged ({@code ***} instead)
 * @param commandLine  whether {@code --name} is a command-line option too, not only a key in the file
 * @param doc          the documentation line for {@code --help} and the README, without the secret note
 * @param <T>          the value's type
 */
public record Setting<T>(String name, SettingType<T> type, String defaultValue, boolean secret, boolean commandLine,
                         String doc) {

    /** What a secret's value is shown as. */
    public static final String MASK = "***";

    public Setting {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(type, "type == null");
        Objects.requireNonNull(doc, "doc == null");
    }

    /** A setting given as {@code --name VALUE} on the command line or {@code name=VALUE} in the file. */
    public static <T> Setting<T> option(String name, SettingType<T> type, String defaultValue, String doc) {
        return new Setting<>(name, type, defaultValue, false, true, doc);
    }

    /** A setting given in the {@code --config} file only. */
    public static <T> Setting<T> key(String name, SettingType<T> type, String defaultValue, String doc) {
        return new Setting<>(name, type, defaultValue, false, false, doc);
    }

    /** The same setting, its value a secret. */
    public Setting<T> asSecret() {
        return new Setting<>(name, type, defaultValue, true, commandLine, doc);
    }

    /** The command-line flag, {@code --name}. */
    public String flag() {
        return "--" + name;
    }

    /** @throws IllegalArgumentException with the reason; the caller names the key */
    public T parse(String text) {
        return type.parse(text);
    }

    /** The text as it may be printed or logged: {@link #MASK} for a secret that is set. */
    public String shown(String text) {
        return secret && text != null && !text.isEmpty() ? MASK : text;
    }

    /** The documentation line with the secret note, as README's table shows it. */
    public String description() {
        return secret ? doc + note("secret") : doc;
    }

    /** {@link #description()} with the default, as {@code --help} shows it. */
    public String help() {
        return defaultValue == null || defaultValue.isEmpty() ? description()
                : description() + note("default: " + defaultValue);
    }

    /**
     * The server documents its settings in sentences ("HTTPS port."), the adapter in phrases ("maximum database
     * connections"); a note follows the style of the line it is added to.
     */
    private String note(String text) {
        return doc.endsWith(".") ? " " + Character.toUpperCase(text.charAt(0)) + text.substring(1) + "."
                : " (" + text + ")";
    }
}
