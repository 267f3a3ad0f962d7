package org.esabridge.api.helper;

import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;

/**
 * The sync host's Helper API could not be reached: the connection failed or timed out, or the host kept
 * answering 502/503/504, through every attempt the configuration allows; or TLS failed, which is not
 * retried. Nothing is known about whether the host acted on the call.
 *
 * <p>It is an {@link EsaException} with code {@link ErrorCode#INTERNAL} so that callers which only pass
 * failures on can treat it like any other; callers that can wait (the {@link DeletionReporter}) tell it
 * apart by its type. The message names no URL, credential or class.
 */
public class HelperApiUnavailableException extends EsaException {
    private static final long serialVersionUID = 1L;

    private final int attempts;
    private final int lastStatus;

    /**
     * @param attempts   how many requests were tried
     * @param lastStatus the HTTP status of the last answer, or 0 when the last attempt got none
     */
    public HelperApiUnavailableException(String message, int attempts, int lastStatus, Throwable cause) {
        super(ErrorCode.INTERNAL, message, cause);
        this.attempts = attempts;
        this.lastStatus = lastStatus;
    }

    /** How many requests were tried before giving up. */
    public int attempts() {
        return attempts;
    }

    /** The HTTP status of the last answer, or 0 when the last attempt got no answer at all. */
    public int lastStatus() {
        return lastStatus;
    }
}
