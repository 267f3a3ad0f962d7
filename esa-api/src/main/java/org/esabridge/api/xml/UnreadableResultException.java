package org.esabridge.api.xml;

import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;

/**
 * An ESA's answer could not be read as a {@code <sync><result>} document. Kept apart from the faults the
 * ESA itself answered: an unreadable answer says nothing about the call's outcome.
 */
public final class UnreadableResultException extends EsaException {
    private static final long serialVersionUID = 1L;

    UnreadableResultException(String reason) {
        super(ErrorCode.MALFORMED_REQUEST, "the ESA's answer is unreadable: " + reason);
    }
}
