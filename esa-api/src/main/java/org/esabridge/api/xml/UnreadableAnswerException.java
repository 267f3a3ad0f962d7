package org.esabridge.api.xml;

import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;

/**
 * The host's answer to a Helper API call could not be read as a {@code <sync><result>} document. Kept apart
 * from the faults the host itself answered, which a client must not treat the same way (an unreadable answer
 * says nothing about the call's outcome).
 */
public final class UnreadableAnswerException extends EsaException {
    private static final long serialVersionUID = 1L;

    UnreadableAnswerException(String reason) {
        super(ErrorCode.MALFORMED_REQUEST, "the Helper API answer is unreadable: " + reason);
    }
}
