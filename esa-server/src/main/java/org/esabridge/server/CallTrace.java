package org.esabridge.server;

import java.lang.reflect.RecordComponent;
import org.esabridge.api.call.EsaCall;

/**
 * What is known about one request as it passes through: filled in by the auth filter and the servlet,
 * read once at the end for the call log line and the metrics. One per request, never shared between threads.
 */
final class CallTrace {
    static final String ATTRIBUTE = CallTrace.class.getName();
    /** The call name of a request refused before its body was read. */
    static final String UNREAD = "unread";
    static final String OK = "ok";

    final long startNanos = System.nanoTime();
    final String remote;
    String principal;
    String callId;
    String call = UNREAD;
    String structure;
    String outcome = OK;
    int status = 200;
    long rows;

    CallTrace(String remote) {
        this.remote = remote;
    }

    void read(String callId, EsaCall call) {
        this.callId = callId;
        this.call = call.name();
        this.structure = structureOf(call);
    }

    void outcome(int status, String outcome) {
        this.status = status;
        this.outcome = outcome;
    }

    /** The {@code structure} of a call that names one: every such call record has that component. */
    static String structureOf(EsaCall call) {
        for (RecordComponent component : call.getClass().getRecordComponents()) {
            if (component.getName().equals("structure")) {
                try {
                    return (String) component.getAccessor().invoke(call);
                } catch (ReflectiveOperationException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
