package org.esabridge.api.xml;

import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;

/**
 * An {@code <esa-call>} document could not be turned into a call. {@link #callId()} tells whether the
 * answer can be addressed to the call: it is null when the document was refused before the call id was
 * known ({@link ErrorCode#MALFORMED_REQUEST}, HTTP 400), and set for {@link ErrorCode#UNKNOWN_CALL},
 * {@link ErrorCode#INVALID_VALUE} and {@link ErrorCode#PAGE_OUT_OF_RANGE} (answered with HTTP 200).
 */
public class EsaRequestException extends EsaException {
    private static final long serialVersionUID = 1L;

    private final String callId;

    public EsaRequestException(ErrorCode code, String message, String callId) {
        super(code, message);
        this.callId = callId;
    }

    /** The call id of the refused document, or null when it was not known yet. */
    public String callId() {
        return callId;
    }
}
