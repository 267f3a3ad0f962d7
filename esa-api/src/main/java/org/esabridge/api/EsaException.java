package org.esabridge.api;

import java.util.Objects;

/**
 * A call failed. Answered as {@code <exception type="EsaException" code="...">} (esa-protocol.md §4).
 *
 * <p>The message goes to the client as written, so it must never hold SQL text, stack traces, class
 * names, paths or credentials.
 */
public class EsaException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public EsaException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code == null");
    }

    public EsaException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code == null");
    }

    /** The protocol fault code. */
    public ErrorCode code() {
        return code;
    }

    /** The protocol's name of this fault type, the {@code type} attribute of {@code <exception>}. */
    public String type() {
        return "EsaException";
    }
}
