package org.esabridge.server;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Objects;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.xml.XmlDocumentStream;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.server.config.CommandLineOptions;
import org.esabridge.server.config.ServerConfig;

/**
 * The command-line ESA (esa-protocol.md §1.1): {@code java -jar esa-server.jar stdio [--config FILE]}. The
 * host, or its Remote Proxy, starts the process and writes one {@code <sync>} document at a time to its
 * standard input; each answer document is written to standard output and flushed. The process exits after
 * answering {@code release}.
 *
 * <p>Standard output carries answer documents and nothing else: {@code System.out} is pointed at standard
 * error before anything else runs, so a stray print of a library cannot corrupt the stream. The process
 * boundary is the trust boundary: no TLS, no HTTP authentication; every call's principal is
 * {@value #PRINCIPAL}. The same configuration, adapter, limits, audit log and call log as the server.
 *
 * <p>Exit codes: {@value #EXIT_DONE} after {@code release}, or when the input ends between documents;
 * {@value #EXIT_CANNOT_START} when the adapter cannot start or standard input or output fails;
 * {@value #EXIT_BAD_CONFIGURATION} for a bad command line or configuration; {@value #EXIT_UNREADABLE} after
 * answering a document that could not be read (not well-formed, cut off by the end of input, over
 * {@code max-body-bytes}, …) with a fault: where the next document would begin is then unknown.
 */
final class StdioEsa implements AutoCloseable {
    static final String COMMAND = "stdio";
    static final String PRINCIPAL = "stdio";
    static final String REMOTE = "stdio";
    static final int EXIT_DONE = 0;
    static final int EXIT_CANNOT_START = 1;
    static final int EXIT_BAD_CONFIGURATION = 2;
    static final int EXIT_UNREADABLE = 3;

    private final CallExchange exchange;
    private final ExternalSystemAdapter adapter;
    private final AuditLog audit;

    private StdioEsa(CallExchange exchange, ExternalSystemAdapter adapter, AuditLog audit) {
        this.exchange = exchange;
        this.adapter = adapter;
        this.audit = audit;
    }

    /** Owns the adapter from here on and closes it with {@link #close}. */
    static StdioEsa create(ServerConfig config, ExternalSystemAdapter adapter) throws IOException {
        Objects.requireNonNull(adapter, "adapter == null");
        AuditLog audit = AuditLog.open(config.auditLog());
        return new StdioEsa(CallExchange.of(config, adapter, audit, PRINCIPAL), adapter, audit);
    }

    /**
     * Answers documents from {@code in} on {@code out} until {@code release}, the end of input, or an
     * unreadable document.
     *
     * @return the exit code
     * @throws IOException reading or writing failed
     */
    int serve(InputStream in, OutputStream out) throws IOException {
        XmlDocumentStream documents = new XmlDocumentStream(in);
        while (true) {
            InputStream document = documents.next();
            if (document == null) {
                return EXIT_DONE;
            }
            try (CallExchange.Answer answer = exchange.exchange(document, REMOTE)) {
                answer.document().writeTo(out);
                out.write('\n');
                out.flush();
                if (answer.then() == CallExchange.Then.UNREADABLE || documents.broken()) {
                    return EXIT_UNREADABLE;
                }
                if (answer.then() == CallExchange.Then.RELEASED) {
                    return EXIT_DONE;
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            adapter.close();
        } finally {
            audit.close();
        }
    }

    /** The {@code stdio} command; {@code args} without the command's name. */
    static int main(String[] args) {
        // Before anything can print: standard output is the protocol's alone.
        OutputStream protocol = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024);
        PrintStream err = System.err;
        System.setOut(err);
        CommandLineOptions options = Main.commandLine();
        ServerConfig config;
        JdbcAdapterConfig adapterConfig;
        try {
            CommandLineOptions.Parsed parsed = options.parse(args);
            if (parsed.help()) {
                err.print(options.usage());
                return EXIT_DONE;
            }
            config = ServerConfig.load(parsed, JdbcAdapterConfig::isKnownKey);
            String notify = config.adapterSettings().get(JdbcAdapterConfig.NOTIFY_INTERVAL_SECONDS);
            if (notify != null && !notify.isBlank() && !notify.trim().equals("0")) {
                throw new IllegalArgumentException(JdbcAdapterConfig.NOTIFY_INTERVAL_SECONDS + ": a command-line ESA "
                        + "runs only inside a sync cycle and cannot ask the host to sync; use the server or --connect");
            }
            adapterConfig = JdbcAdapterConfig.fromSettings(config.adapterSettings(), config.dataDir());
        } catch (IllegalArgumentException e) {
            err.println("esa-server stdio: " + e.getMessage());
            return EXIT_BAD_CONFIGURATION;
        } catch (Exception e) {
            err.println("esa-server stdio: cannot read the configuration: " + e.getMessage());
            return EXIT_BAD_CONFIGURATION;
        }
        try (StdioEsa esa = create(config, JdbcAdapter.start(adapterConfig))) {
            return esa.serve(System.in, protocol);
        } catch (Exception e) {
            err.println("esa-server stdio: " + e.getMessage());
            return EXIT_CANNOT_START;
        }
    }
}
