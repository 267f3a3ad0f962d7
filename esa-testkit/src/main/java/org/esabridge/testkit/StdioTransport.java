package org.esabridge.testkit;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.esabridge.api.xml.XmlDocumentStream;

/**
 * The host's side of a command-line ESA (esa-protocol.md §1.1): starts the ESA's command as a process, writes
 * each request document to its standard input and reads the answer document from its standard output. After
 * a session ends ({@link #sessionEnded}: {@code release}, or a document the ESA could not read) it waits for
 * the process to exit, and the next document starts a new process, as a host that starts the ESA for every
 * sync does. The ESA's standard error goes where this process's goes.
 *
 * <p>One call at a time, like the protocol on a pipe: the answer of one call must be read before the next
 * call is sent.
 */
public final class StdioTransport implements EsaTransport {
    /** How long an ESA may take to exit after its session ended. */
    static final Duration EXIT_WAIT = Duration.ofSeconds(60);

    private final List<String> command;
    private Process process;
    private OutputStream stdin;
    private XmlDocumentStream stdout;
    private Integer lastExitCode;
    private int starts;

    /** @param command the ESA's command line, e.g. {@code java -jar esa-server.jar stdio --config esa.properties} */
    public StdioTransport(List<String> command) {
        this.command = List.copyOf(Objects.requireNonNull(command, "command == null"));
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command");
        }
    }

    @Override
    public synchronized Answer exchange(byte[] document, String contentType) throws IOException {
        if (process == null) {
            start();
        }
        try {
            stdin.write(document);
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw new IOException("the ESA process took no document: " + ended(), e);
        }
        java.io.InputStream answer = stdout.next();
        if (answer == null) {
            throw new IOException("the ESA process answered nothing: " + ended());
        }
        return new Answer(NO_STATUS, answer);
    }

    @Override
    public synchronized void sessionEnded() throws IOException {
        if (process != null) {
            ended();
        }
    }

    /** The exit code of the last process that ended, or null while none has. */
    public synchronized Integer lastExitCode() {
        return lastExitCode;
    }

    /** How many processes were started. */
    public synchronized int starts() {
        return starts;
    }

    @Override
    public String describe() {
        return "stdio of " + String.join(" ", command);
    }

    @Override
    public synchronized void close() throws IOException {
        if (process != null) {
            ended();
        }
    }

    private void start() throws IOException {
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        starts++;
        stdin = new BufferedOutputStream(process.getOutputStream(), 64 * 1024);
        stdout = new XmlDocumentStream(process.getInputStream());
    }

    /** Closes the process's input (end of input ends a command-line ESA), waits for it to exit, forgets it. */
    private String ended() throws IOException {
        Process ending = process;
        process = null;
        try {
            stdin.close();
        } catch (IOException e) {
            // it has exited already
        }
        try {
            if (!ending.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                ending.destroyForcibly();
                throw new IOException("the ESA process did not exit within " + EXIT_WAIT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ending.destroyForcibly();
            throw new IOException("interrupted", e);
        } finally {
            ending.getInputStream().close();
        }
        lastExitCode = ending.exitValue();
        return "exit code " + lastExitCode;
    }
}
