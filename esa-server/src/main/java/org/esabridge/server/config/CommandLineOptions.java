package org.esabridge.server.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.esabridge.api.config.Setting;
import org.esabridge.api.config.SettingType;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command line, built from the setting declarations rather than annotations, so that a setting is
 * declared in exactly one place ({@link ServerSettings}, and the adapter's own).
 */
public final class CommandLineOptions {

    /**
     * What the command line said.
     *
     * @param help       whether usage was asked for
     * @param version    whether the version was asked for
     * @param configFile the {@code --config} file, or null
     * @param values     the settings given on the command line, key without dashes → text
     */
    public record Parsed(boolean help, boolean version, Path configFile, Map<String, String> values) {
        public Parsed {
            values = Map.copyOf(values);
        }
    }

    private final CommandSpec spec;

    /**
     * @param adapterSettings the database adapter's declarations; those that are options become flags too,
     *                        after the server's own
     */
    public CommandLineOptions(List<Setting<?>> adapterSettings) {
        spec = CommandSpec.create().name("esa-server");
        // What --help and --version print is Main's (CommandHelp): every command's help from the declarations.
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).build());
        spec.addOption(OptionSpec.builder(ServerSettings.CONFIG_FLAG).paramLabel("FILE").type(Path.class)
                .description("Java properties file with settings.").build());
        List<Setting<?>> settings = new ArrayList<>(ServerSettings.ALL);
        settings.addAll(adapterSettings);
        for (Setting<?> setting : settings) {
            if (!setting.commandLine()) {
                continue;
            }
            // Values stay text: the setting's own parser reads them, as it reads the file's.
            OptionSpec.Builder option = OptionSpec.builder(setting.flag()).interactive(false)
                    .type(String.class).paramLabel(setting.type().label());
            if (setting.type() == SettingType.BOOLEAN) {
                option.arity("0..1").fallbackValue("true"); // --read-only alone means true
            }
            spec.addOption(option.build());
        }
    }

    /** @throws IllegalArgumentException for an unknown option or a missing value, with picocli's message */
    public Parsed parse(String... args) {
        ParseResult result;
        try {
            result = new CommandLine(spec).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        Path configFile = null;
        for (OptionSpec option : result.matchedOptions()) {
            String name = option.longestName();
            if (name.equals(ServerSettings.CONFIG_FLAG)) {
                configFile = option.getValue();
            } else if (!option.usageHelp() && !option.versionHelp()) {
                Object value = option.getValue();
                values.put(name.substring(2), String.valueOf(value));
            }
        }
        return new Parsed(result.isUsageHelpRequested(), result.isVersionHelpRequested(), configFile, values);
    }
}
