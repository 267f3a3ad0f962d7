package org.esabridge.api.xml;

import java.io.IOException;
import java.io.OutputStream;
import org.esabridge.api.call.EsaCall;

/**
 * The host's side of {@link EsaCallReader}: writes one call as {@code <sync><esa-call call-id><NAME>…},
 * name and children as the {@link CallTable} declares them, in the order of esa-protocol.md §5. Optional
 * children that are null ({@code locale}, a record's id or modified-at) are left out; {@code force} is always
 * written.
 *
 * <p>Every string is checked for characters XML 1.0 cannot carry before anything is written, so a refused
 * call leaves the stream untouched. A carriage return in a field value is written as {@code &#13;} so that
 * it survives the reader's line-end normalisation, as {@link EsaResultWriter} does.
 */
public final class EsaCallWriter {
    private EsaCallWriter() {
    }

    /**
     * Writes the whole document and flushes; does not close {@code out}.
     *
     * @throws UnwritableValueException when a value holds a character XML cannot carry (nothing is written)
     */
    public static void write(OutputStream out, String callId, EsaCall call) throws IOException {
        CallDocument.write(out, Wire.ESA_CALL, callId, call, "the ESA call");
    }
}
