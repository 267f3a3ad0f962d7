package org.esabridge.api.xml;

import java.io.IOException;
import java.io.OutputStream;
import org.esabridge.api.call.ApiCall;

/**
 * Writes one Helper API call (esa-protocol.md §6) as {@code <sync><api-call call-id><NAME>…}, name,
 * attribute and children as the {@link CallTable} declares them, in the order of §6.
 */
public final class ApiCallWriter {
    private ApiCallWriter() {
    }

    /**
     * Writes the whole document and flushes; does not close {@code out}.
     *
     * @throws UnwritableValueException when a value holds a character XML cannot carry (nothing is written)
     */
    public static void write(OutputStream out, String callId, ApiCall call) throws IOException {
        CallDocument.write(out, Wire.API_CALL, callId, call, "the Helper API call");
    }
}
