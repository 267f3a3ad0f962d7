package org.esabridge.api.helper;

import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;

/**
 * The host answered, but not with a usable Helper API answer: a body that is not a readable
 * {@code <sync><result>} document or exceeds the configured limits, an answer to another call id, a
 * value of the wrong form, or an HTTP status other than 2xx and 502/503/504 without a readable
 * {@code <exception>}. Never retried: the same request would get the same answer, and the host may have
 * acted on it already.
 *
 * <p>Codes: {@link ErrorCode#MALFORMED_REQUEST} for an unreadable or ill-formed answer,
 * {@link ErrorCode#TOO_LARGE} for a body over {@link HelperApiConfig#maxResponseBytes()} (one over the
 * codec's {@link HelperApiConfig#responseLimits()} is unreadable, as the codec says), {@link ErrorCode#UNAUTHORIZED} for HTTP 401/403,
 * {@link ErrorCode#INTERNAL} for any other status.
 */
public class HelperApiAnswerException extends EsaException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /** @param status the HTTP status of the answer */
    public HelperApiAnswerException(ErrorCode code, String message, int status) {
        super(code, message);
        this.status = status;
    }

    /** The HTTP status of the answer. */
    public int status() {
        return status;
    }
}
