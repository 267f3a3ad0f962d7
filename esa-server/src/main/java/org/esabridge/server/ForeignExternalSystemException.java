package org.esabridge.server;

import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;

/**
 * A startSync or configure named an external system id other than the configured one: answered
 * {@code UNAUTHORIZED} with HTTP 403 (esa-protocol.md §5), unlike an adapter's own UNAUTHORIZED (200).
 */
final class ForeignExternalSystemException extends EsaException {
    private static final long serialVersionUID = 1L;

    ForeignExternalSystemException() {
        // The configured id is not echoed: it tells a stranger which id would be accepted.
        super(ErrorCode.UNAUTHORIZED, "this ESA serves another external system id");
    }
}
