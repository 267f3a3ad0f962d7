package org.esabridge.server;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.esabridge.server.config.SettingsReference;

/**
 * {@code --help} and {@code --version} of the jar's own commands (the server, {@code stdio},
 * {@code hash-password}, {@code new-token}), answered before anything starts. The settings part of each help
 * is {@link SettingsReference#help()}, so a declared setting is listed everywhere it is read. The testkit's
 * {@code sync}, {@code check} and {@code bench} answer their own {@code --help}.
 */
final class CommandHelp {
    static final List<String> HELP = List.of("-h", "--help");
    static final List<String> VERSION = List.of("-V", "--version");

    private static final String COMMANDS = """
            Commands:
              (none)         serve over HTTPS, or dial out to the host with --connect
              stdio          answer <sync> documents on standard input and output (the host starts the process)
              hash-password  print auth-password-hash for a password read from the console or standard input
              new-token      print a new bearer token and its auth-token-sha256 line
              sync           run a sync as a host would, against an ESA (see 'sync --help')
              check          run the conformance suite against an ESA (see 'check --help')
              bench          measure an ESA's throughput (see 'bench --help')
            """;

    private static final String COMMON_OPTIONS = """
            Options:
              --config FILE
                  Java properties file with settings (NAME=VALUE); the command line wins over it. An unknown key
                  stops the start with its name.
              -h, --help
                  Show this help.
              -V, --version
                  Print the version and the commit the jar was built from.
            """;

    private CommandHelp() {
    }

    /**
     * Answers {@code --help} or {@code --version} of the jar's own commands.
     *
     * @return the exit code, or null when {@code args} ask for neither (or name a testkit command)
     */
    static Integer answer(String[] args, PrintStream out) {
        String command = args.length > 0 && !args[0].startsWith("-") ? args[0] : "";
        List<String> rest = Arrays.asList(args).subList(command.isEmpty() ? 0 : 1, args.length);
        boolean help = rest.stream().anyMatch(HELP::contains);
        boolean version = rest.stream().anyMatch(VERSION::contains);
        if (!help && !version) {
            return null;
        }
        String text = switch (command) {
            case "" -> help ? server() : BuildInfo.current().line() + "\n";
            case StdioEsa.COMMAND -> help ? stdio() : BuildInfo.current().line() + "\n";
            case "hash-password" -> """
                    Usage: esa-server hash-password [--iterations N]
                    Reads a password from the console (without echo) or the first line of standard input, never
                    from the command line, and prints the line for the configuration file:
                    auth-password-hash=pbkdf2-sha256$ITERATIONS$SALT$HASH. --iterations: PBKDF2 iterations
                    (default 600000, at least 10000).
                    """;
            case "new-token" -> """
                    Usage: esa-server new-token
                    Prints a new random bearer token (give it to the sync host: Authorization: Bearer <token>) and
                    the line for the configuration file, auth-token-sha256=<its SHA-256>; the file keeps only the
                    hash.
                    """;
            default -> null; // sync, check, bench: picocli answers; anything else is refused by the parser
        };
        if (text == null) {
            return null;
        }
        out.print(text);
        out.flush();
        return 0;
    }

    static String server() {
        return "Usage: esa-server [--config FILE] [--NAME VALUE]...\n"
                + "       esa-server COMMAND [--help]\n\n"
                + "Serves a relational database (MariaDB; an embedded one when no jdbc-url is given) as an External\n"
                + "System Adapter (ESA) to a sync host over HTTPS, or dials out to the host with --connect.\n\n"
                + COMMANDS + "\n" + COMMON_OPTIONS + "\n" + SettingsReference.help();
    }

    static String stdio() {
        return "Usage: esa-server stdio [--config FILE] [--NAME VALUE]...\n\n"
                + "The command-line ESA: the host (or its Remote Proxy) starts this process for a sync and writes one\n"
                + "<sync> document at a time to standard input; each answer is one document on standard output,\n"
                + "followed by a line feed. The log goes to <data-dir>/esa-bridge.log (warnings and errors also to\n"
                + "standard error). No TLS and no HTTP authentication: the process boundary is the trust boundary;\n"
                + "every call's principal is 'stdio'. The settings that only a listening server uses (port, host,\n"
                + "TLS, authentication) are accepted and have no effect; notify-interval-seconds is refused.\n"
                + "Exit codes: 0 after answering release (or at the end of input between documents), 1 when the\n"
                + "database cannot be reached, 2 for a bad command line or configuration, 3 after answering a\n"
                + "document that could not be read.\n\n"
                + COMMON_OPTIONS + "\n" + SettingsReference.help();
    }
}
