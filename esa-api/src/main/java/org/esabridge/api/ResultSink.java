package org.esabridge.api;

import java.io.IOException;

/**
 * Receives a streamed result one entry at a time, so that no result set is ever held in memory whole.
 * The server's implementation writes each entry straight to the HTTP response.
 */
public interface ResultSink {
    /** Receives the next record of a records result. */
    void record(ExternalRecord record) throws IOException;

    /** Receives the next id of an ids result. */
    void id(String id) throws IOException;
}
