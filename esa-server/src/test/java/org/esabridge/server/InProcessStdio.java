package org.esabridge.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.esabridge.api.xml.XmlDocumentStream;
import org.esabridge.testkit.EsaTransport;

/**
 * A command-line ESA session in this JVM: {@link StdioEsa#serve} on a thread of its own, connected by pipes,
 * so that tests with an in-memory adapter drive it through the testkit like a process ({@code StdioTransport}
 * runs the real one). A session that ended is followed by a new one on the next document.
 */
final class InProcessStdio implements EsaTransport {
    private static final int PIPE_BYTES = 64 * 1024;

    private final StdioEsa esa;
    private PipedOutputStream toEsa;
    private XmlDocumentStream fromEsa;
    private CompletableFuture<Integer> session;
    private Integer lastExitCode;

    InProcessStdio(StdioEsa esa) {
        this.esa = esa;
    }

    @Override
    public synchronized Answer exchange(byte[] document, String contentType) throws IOException {
        if (session == null) {
            start();
        }
        toEsa.write(document);
        toEsa.flush();
        InputStream answer = fromEsa.next();
        if (answer == null) {
            throw new IOException("the session ended without answering: exit code " + waitForExit());
        }
        return new Answer(NO_STATUS, answer);
    }

    @Override
    public synchronized void sessionEnded() throws IOException {
        if (session != null) {
            waitForExit();
        }
    }

    /** The exit code of the last session that ended, or null while none has. */
    synchronized Integer lastExitCode() {
        return lastExitCode;
    }

    @Override
    public String describe() {
        return "stdio in this JVM";
    }

    @Override
    public synchronized void close() throws IOException {
        sessionEnded();
    }

    private void start() throws IOException {
        PipedInputStream esaIn = new PipedInputStream(PIPE_BYTES);
        toEsa = new PipedOutputStream(esaIn);
        PipedInputStream hostIn = new PipedInputStream(PIPE_BYTES);
        PipedOutputStream esaOut = new PipedOutputStream(hostIn);
        fromEsa = new XmlDocumentStream(hostIn);
        session = CompletableFuture.supplyAsync(() -> {
            try (esaOut) {
                return esa.serve(esaIn, esaOut);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Ends the session's input, as a host closing the pipe, and waits for the session to return. */
    private int waitForExit() throws IOException {
        CompletableFuture<Integer> ending = session;
        session = null;
        toEsa.close();
        try {
            lastExitCode = ending.get(60, TimeUnit.SECONDS);
            return lastExitCode;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the session failed", e);
        }
    }
}
