package org.esabridge.api.xml;

import java.io.IOException;
import org.esabridge.api.ResultSink;

/**
 * A {@link ResultSink} that also takes records encoded ahead ({@link EncodedRecords}), as the result writer does. A
 * producer may encode only for a sink of this kind; a sink between it and the writer forwards both.
 */
public interface EncodedRecordSink extends ResultSink {
    /** Receives the next records of a records result, in their order. */
    void records(EncodedRecords records) throws IOException;
}
