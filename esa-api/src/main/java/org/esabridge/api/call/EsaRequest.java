package org.esabridge.api.call;

import java.util.Objects;

/**
 * One {@code <sync><esa-call call-id="…">} document: the call and the id its result must repeat.
 *
 * @param callId the {@code call-id} attribute, echoed as {@code response-to}
 * @param call   the call
 */
public record EsaRequest(String callId, EsaCall call) {
    public EsaRequest {
        Objects.requireNonNull(callId, "callId == null");
        Objects.requireNonNull(call, "call == null");
    }
}
