package org.esabridge.api;

import java.time.Instant;

/**
 * A call failed for one record, for example {@link ErrorCode#RECORD_MODIFIED} or
 * {@link ErrorCode#RECORD_NOT_FOUND}. Carries the structure, the record id when known, and for conflicts
 * the record's current modified-at so the host can decide what to do.
 */
public class EsaRecordException extends EsaException {
    private static final long serialVersionUID = 1L;

    private final String structure;
    private final String id;
    private final Instant modifiedAt;

    /**
     * @param id         the record id, or null when the record has none yet (a failed create)
     * @param modifiedAt the stored modified-at, or null when unknown or irrelevant
     */
    public EsaRecordException(ErrorCode code, String message, String structure, String id, Instant modifiedAt) {
        super(code, message);
        this.structure = structure;
        this.id = id;
        this.modifiedAt = modifiedAt;
    }

    public String structure() {
        return structure;
    }

    /** The record id, or null. */
    public String id() {
        return id;
    }

    /** The record's current modified-at, or null. */
    public Instant modifiedAt() {
        return modifiedAt;
    }

    @Override
    public String type() {
        return "EsaRecordException";
    }
}
