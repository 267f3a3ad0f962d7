package org.esabridge.server;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.esabridge.api.config.Setting;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.server.config.CommandLineOptions;
import org.esabridge.server.config.EffectiveConfiguration;
import org.esabridge.server.config.ServerConfig;
import org.esabridge.server.config.ServerSettings;
import org.esabridge.server.security.CredentialCommands;
import org.esabridge.server.security.TlsIdentity;
import org.esabridge.testkit.cli.EsaTools;
import org.slf4j.LoggerFactory;

/** {@code java -jar esa-server.jar}: parses the command line, creates the server, starts it and waits. */
public final class Main {

    /** Uninstall: drops log capture's slot and publication (PostgreSQL), with the server's usual options. */
    static final String DROP_LOG_CAPTURE = "drop-log-capture";

    private Main() {
    }

    public static void main(String[] args) {
        Integer helped = CommandHelp.answer(args, System.out);
        if (helped != null) {
            System.exit(helped);
            return;
        }
        if (args.length > 0 && EsaTools.NAMES.contains(args[0])) {
            // sync, check and bench: the testkit's commands; without one of them the server starts as always.
            System.exit(EsaTools.commandLine("esa-server", new ServerBenchEnvironment()).execute(args));
            return;
        }
        if (args.length > 0 && args[0].equals(StdioEsa.COMMAND)) {
            // The command-line ESA: documents on standard input and output instead of HTTPS.
            System.exit(StdioEsa.main(java.util.Arrays.copyOfRange(args, 1, args.length)));
            return;
        }
        if (args.length > 0 && CredentialCommands.NAMES.contains(args[0])) {
            System.exit(CredentialCommands.run(args, System.out, System.err));
            return;
        }
        boolean dropLogCapture = args.length > 0 && args[0].equals(DROP_LOG_CAPTURE);
        if (dropLogCapture) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        PrintStream err = System.err;
        CommandLineOptions options = commandLine();
        Map<String, String> values;
        ServerConfig config;
        JdbcAdapterConfig adapterConfig;
        try {
            CommandLineOptions.Parsed parsed = options.parse(args);
            if (parsed.help() || parsed.version()) { // answered above by CommandHelp
                return;
            }
            values = ServerConfig.values(parsed);
            config = ServerConfig.from(values, JdbcAdapterConfig::isKnownKey);
            adapterConfig = JdbcAdapterConfig.fromSettings(config.adapterSettings(), config.dataDir());
            if (dropLogCapture) {
                List<String> removed = JdbcAdapter.dropLogCapture(adapterConfig);
                System.out.println(removed.isEmpty() ? "esa-server: no replication slot or publication of esa-bridge found"
                        : "esa-server: removed " + String.join(", ", removed));
                return;
            }
        } catch (IllegalArgumentException e) {
            err.println("esa-server: " + e.getMessage());
            err.println("Run with --help for the options.");
            System.exit(2);
            return;
        } catch (Exception e) {
            err.println("esa-server: cannot read the configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            startLogging(config, values);
        } catch (IOException e) {
            err.println("esa-server: cannot open the log file: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (config.connect() != null) {
            // Dial-out: no listening socket; the ESA polls the host's sync endpoint.
            System.exit(DialOutEsa.run(config, adapterConfig));
            return;
        }
        EsaServer server = null;
        StartProgress progress = StartProgress.begin(LogRouting.terminal(), System.console() != null, LogRouting.lock());
        LogRouting.watch(progress::logLine);
        try {
            TlsIdentity tls = EsaServer.tlsIdentity(config);
            JdbcAdapter adapter = JdbcAdapter.start(adapterConfig);
            server = EsaServer.create(config, adapter, tls);
            EsaServer running = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopQuietly(running);
                System.out.println("esa-bridge stopped");
            }, "esa-shutdown"));
            server.start();
            LogRouting.watch(null);
            progress.close();
            System.out.println("esa-bridge is serving " + server.httpsUri());
            server.httpUri().ifPresent(uri -> System.out.println("plain HTTP (this machine only): " + uri));
            server.generatedTokenFile().ifPresent(file -> System.out.println("no credentials configured: callers "
                    + "need the bearer token in " + file + " (Authorization: Bearer <token>)"));
            if (tls.selfSigned()) {
                System.out.println("self-signed certificate " + tls.keystore() + ", SHA-256 fingerprint "
                        + tls.sha256Fingerprint());
            }
            adapter.captureSummary().forEach(System.out::println);
            server.join();
        } catch (Exception e) {
            LogRouting.watch(null);
            progress.close();
            err.println("esa-server: " + e.getMessage());
            if (server != null) {
                stopQuietly(server);
            }
            System.exit(1);
        }
    }

    /** The command line: the server's settings, then the adapter's options. */
    static CommandLineOptions commandLine() {
        return new CommandLineOptions(JdbcAdapterConfig.settings());
    }

    /**
     * Routes the log ({@link LogRouting}) and logs the effective configuration. Nothing may log before: the
     * logging library reads its settings when the first logger is made.
     */
    static void startLogging(ServerConfig config, Map<String, String> values) throws IOException {
        startLogging(config, values, true);
    }

    /** @param callLog whether the call log belongs on the terminal too ({@link LogRouting}) */
    static void startLogging(ServerConfig config, Map<String, String> values, boolean callLog) throws IOException {
        LogRouting.install(config.dataDir().resolve(LogRouting.FILE_NAME), config.verbose(), callLog);
        List<Setting<?>> declared = new ArrayList<>(ServerSettings.ALL);
        declared.addAll(JdbcAdapterConfig.settings());
        LoggerFactory.getLogger(Main.class).info("effective configuration: {}",
                EffectiveConfiguration.describe(values, declared));
    }

    private static void stopQuietly(EsaServer server) {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println("esa-server: error while stopping: " + e.getMessage());
        }
    }
}
