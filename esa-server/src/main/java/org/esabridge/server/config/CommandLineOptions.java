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
     * @param configFile the {@code --config} file, or null
     * @param values     the settings given on the command line, key without dashes → text
     */
    public record Parsed(boolean help, Path configFile, Map<String, String> values) {
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
        spec.usageMessage()
                .description("Serves a relational database as an External System Adapter (ESA) over HTTPS. "
                        + "Every option can also be given in the --config file under its name without dashes; "
                        + "the command line wins over the file. Also: 'hash-password' and 'new-token' print "
                        + "credentials for the file; 'sync', 'check' and 'bench' test an ESA.")
                .sortOptions(false);
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help.").build());
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
                    .description(setting.help()).type(String.class).paramLabel(setting.type().label());
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
            } else if (!option.usageHelp()) {
                Object value = option.getValue();
                values.put(name.substring(2), String.valueOf(value));
            }
        }
        return new Parsed(result.isUsageHelpRequested(), configFile, values);
    }

    /** The {@code --help} text. */
    public String usage() {
        return new CommandLine(spec).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }
}
