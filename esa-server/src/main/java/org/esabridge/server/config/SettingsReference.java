package org.esabridge.server.config;

import java.util.ArrayList;
import java.util.List;
import org.esabridge.api.config.Setting;
import org.esabridge.jdbc.JdbcAdapterConfig;

/**
 * Every setting of the jar (the server's, then the database adapter's) written out for a reader: the
 * {@code --help} of every command, the configuration reference {@code docs/configuration.md} and the example
 * file {@code packaging/esa-bridge.properties}. All three are made here from the declarations, so a setting
 * added anywhere appears in all of them; tests compare the checked-in files with what this class writes.
 */
public final class SettingsReference {
    private static final int WIDTH = 100;
    private static final String INDENT = "      ";

    private SettingsReference() {
    }

    /** The server's settings, then the adapter's, in declaration order. */
    public static List<Setting<?>> all() {
        List<Setting<?>> all = new ArrayList<>(ServerSettings.ALL);
        all.addAll(JdbcAdapterConfig.settings());
        return List.copyOf(all);
    }

    /** The settings part of {@code --help}: command-line options first, then the keys of the file only. */
    public static String help() {
        StringBuilder text = new StringBuilder();
        text.append("Settings (--NAME VALUE on the command line, NAME=VALUE in the --config file; the command line wins):\n");
        for (Setting<?> setting : all()) {
            if (setting.commandLine()) {
                entry(text, setting.flag() + " " + setting.type().label(), setting.help());
            }
        }
        text.append("\nSettings in the --config file only (NAME=VALUE; <table> is a table's name):\n");
        for (Setting<?> setting : all()) {
            if (!setting.commandLine()) {
                entry(text, setting.name() + "=" + setting.type().label(), setting.help());
            }
        }
        return text.toString();
    }

    private static void entry(StringBuilder text, String head, String doc) {
        text.append("  ").append(head).append('\n');
        wrap(text, doc, INDENT);
    }

    /** The configuration reference's tables, between the markers of {@code docs/configuration.md}. */
    public static String markdown() {
        StringBuilder table = new StringBuilder();
        table.append("Server settings (`--name VALUE` on the command line, `name=VALUE` in the `--config` file):\n\n");
        table.append("| setting | default | description |\n|---|---|---|\n");
        for (Setting<?> setting : ServerSettings.ALL) {
            row(table, "`" + setting.name() + "`", setting);
        }
        table.append("\nDatabase adapter settings (in the `--config` file; those marked ✱ are command-line flags too):\n\n");
        table.append("| setting | default | description |\n|---|---|---|\n");
        for (Setting<?> setting : JdbcAdapterConfig.settings()) {
            row(table, "`" + setting.name() + "`" + (setting.commandLine() ? " ✱" : ""), setting);
        }
        return table.toString();
    }

    private static void row(StringBuilder table, String name, Setting<?> setting) {
        String defaultValue = setting.defaultValue();
        String shownDefault = defaultValue == null || defaultValue.isEmpty() ? "—" : "`" + defaultValue + "`";
        table.append("| ").append(name).append(" | ").append(shownDefault).append(" | ")
                .append(setting.description().replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
                        .replace("\n", " "))
                .append(" |\n");
    }

    /**
     * An example configuration file: every setting commented out at its default, with its meaning and default
     * above it. Per-structure keys are shown for a table named {@code customers}, without a value.
     */
    public static String exampleProperties() {
        StringBuilder file = new StringBuilder();
        file.append("# esa-bridge configuration (java -jar esa-server.jar --config esa-bridge.properties).\n");
        file.append("# Every setting, at its default and commented out; uncomment what you change. Generated from the\n");
        file.append("# declarations (SettingsReference), so it lists exactly what this version reads. Secrets are\n");
        file.append("# never printed or logged; keep this file readable by the service's account only.\n");
        section(file, "Server", ServerSettings.ALL);
        section(file, "Database adapter", JdbcAdapterConfig.settings());
        return file.toString();
    }

    private static void section(StringBuilder file, String title, List<Setting<?>> settings) {
        file.append("\n# ---- ").append(title).append(" ----\n");
        for (Setting<?> setting : settings) {
            file.append('\n');
            wrap(file, setting.help(), "# ");
            boolean perStructure = setting.name().contains("<table>");
            // A per-structure default describes ("primary key", "detected"); it is no value to uncomment.
            String value = perStructure || setting.defaultValue() == null ? "" : setting.defaultValue();
            file.append("#").append(setting.name().replace("<table>", "customers")).append('=').append(value).append('\n');
        }
    }

    /** Appends {@code text} in lines of at most {@link #WIDTH} characters, each starting with {@code prefix}. */
    private static void wrap(StringBuilder out, String text, String prefix) {
        StringBuilder line = new StringBuilder(prefix);
        for (String word : text.split("\\s+")) {
            if (line.length() > prefix.length() && line.length() + 1 + word.length() > WIDTH) {
                out.append(line).append('\n');
                line.setLength(0);
                line.append(prefix);
            }
            if (line.length() > prefix.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        out.append(line).append('\n');
    }
}
