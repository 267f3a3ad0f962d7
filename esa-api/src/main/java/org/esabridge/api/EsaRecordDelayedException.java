package org.esabridge.api;

/**
 * A write was accepted but finishes later; the host asks for its outcome with the {@code checkDelayed…}
 * calls and the {@link #token()}.
 */
public class EsaRecordDelayedException extends EsaRecordException {
    private static final long serialVersionUID = 1L;

    private final String token;

    public EsaRecordDelayedException(String message, String structure, String id, String token) {
        super(ErrorCode.INTERNAL, message, structure, id, null);
        this.token = token;
    }

    /** The token that identifies the delayed write. */
    public String token() {
        return token;
    }

    @Override
    public String type() {
        return "EsaRecordDelayedException";
    }
}
