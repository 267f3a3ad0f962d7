package org.esabridge.api;

/**
 * The machine-readable fault codes of the protocol (esa-protocol.md §4). The code tells a client what
 * went wrong; the accompanying message is for a human.
 */
public enum ErrorCode {
    /** The body is not a readable {@code <sync>} document (HTTP 400). */
    MALFORMED_REQUEST,
    /** A readable document named a call this ESA does not know. */
    UNKNOWN_CALL,
    /** Missing or wrong credentials, or a foreign external system id. */
    UNAUTHORIZED,
    /** The adapter has not been configured for this host yet. */
    NOT_CONFIGURED,
    /** The structure is not exposed by this ESA. */
    UNKNOWN_STRUCTURE,
    /** The field is not part of the structure. */
    UNKNOWN_FIELD,
    /** A timestamp, number, boolean or field value could not be parsed or stored. */
    INVALID_VALUE,
    /** A write to a read-only structure or field. */
    READ_ONLY,
    /** The addressed record does not exist. */
    RECORD_NOT_FOUND,
    /** The record changed after the caller's {@code last-seen}; the fault carries the current modified-at. */
    RECORD_MODIFIED,
    /** A record with the same key already exists. */
    DUPLICATE_RECORD,
    /** The database refused the write because of a constraint. */
    CONSTRAINT_VIOLATION,
    /** The cursor is unknown, closed or expired. */
    CURSOR_NOT_FOUND,
    /** The page index is negative or past the cursor's last page. */
    PAGE_OUT_OF_RANGE,
    /** The request body or a value exceeds a configured limit (HTTP 413 for the body). */
    TOO_LARGE,
    /** The call is valid but this ESA does not support it. */
    NOT_SUPPORTED,
    /** The database cannot be reached (HTTP 503). */
    DATABASE_UNAVAILABLE,
    /** An unexpected failure; details are in the server log, never in the answer. */
    INTERNAL
}
