package org.esabridge.testkit;

import java.io.IOException;
import java.io.InputStream;

/**
 * How an {@link EsaClient} reaches an ESA (esa-protocol.md §1): one request document in, one answer document
 * out. {@link HttpsTransport} POSTs to an ESA server, {@link StdioTransport} writes to a command-line ESA's
 * standard input, {@link DialOutHost} hands calls to an ESA that dials out. The documents are the same in
 * all three.
 */
public interface EsaTransport extends AutoCloseable {
    /** The status of an answer that came without HTTP. */
    int NO_STATUS = -1;

    /**
     * An answer as it arrives; the caller reads the body and closes it.
     *
     * @param status the HTTP status, or {@link #NO_STATUS}
     */
    record Answer(int status, InputStream body) {
    }

    /**
     * Sends one document and returns its answer.
     *
     * @param contentType the HTTP content type, where the transport has one
     * @throws IOException the ESA could not be reached or did not answer
     */
    Answer exchange(byte[] document, String contentType) throws IOException;

    /**
     * The ESA ended its session after the last answer ({@code release}, or a document it could not read):
     * a transport that runs the ESA as a process waits for the process to end, and starts a new one for the
     * next document, as a host does.
     */
    default void sessionEnded() throws IOException {
    }

    /** Where the calls go, for messages. */
    String describe();

    @Override
    default void close() throws IOException {
    }
}
