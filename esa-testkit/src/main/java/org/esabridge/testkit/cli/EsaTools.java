package org.esabridge.testkit.cli;

import java.util.Set;
import org.esabridge.testkit.FriendlyErrors;
import org.esabridge.testkit.bench.BenchCommand;
import org.esabridge.testkit.bench.BenchEnvironment;
import picocli.CommandLine;

/**
 * The testkit's subcommands ({@code sync}, {@code check}, {@code bench}) for a host program's command line:
 * esa-server's {@code Main} hands over when the first argument names one of them.
 */
public final class EsaTools {
    /** The subcommand names. */
    public static final Set<String> NAMES = Set.of("sync", "check", "bench");

    private EsaTools() {
    }

    /**
     * The command line with the subcommands registered under {@code parentName}.
     *
     * @param bench what {@code bench} runs against (the host program supplies the server)
     */
    public static CommandLine commandLine(String parentName, BenchEnvironment bench) {
        CommandLine cli = new CommandLine(CommandLine.Model.CommandSpec.create().name(parentName));
        cli.addSubcommand("sync", new SyncCommand());
        cli.addSubcommand("check", new CheckCommand());
        cli.addSubcommand("bench", new BenchCommand(bench));
        // A failure of the ESA or the network is a message for the user, not a stack trace.
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println(command.getCommandName() + ": " + FriendlyErrors.explain(e));
            return 2;
        });
        return cli;
    }
}
