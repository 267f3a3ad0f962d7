package org.esabridge.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of every request to {@code /esa}: one line in the call log (logger {@code esa.calls}) and the
 * metrics. The line is key=value, values escaped:
 * <pre>
 * call-id=17 principal=alice remote=10.0.0.5 call=getModified structure=customers outcome=ok status=200 duration-ms=12 rows=3
 * </pre>
 * It never holds field values, credentials or the request body.
 */
final class CallObserver {
    private static final Logger CALLS = LoggerFactory.getLogger("esa.calls");

    private final EsaMetrics metrics;
    private final StatusBoard board;

    CallObserver(EsaMetrics metrics) {
        this(metrics, null);
    }

    /** @param board the status page's record of recent calls, or null */
    CallObserver(EsaMetrics metrics, StatusBoard board) {
        this.metrics = metrics;
        this.board = board;
    }

    /** The call log alone, for a transport without a {@code /metrics} endpoint to serve the series from. */
    static CallObserver logOnly() {
        return new CallObserver(null, null);
    }

    void finished(CallTrace trace) {
        long nanos = System.nanoTime() - trace.startNanos;
        if (metrics != null) {
            metrics.finished(trace, nanos);
        }
        if (board != null) {
            board.finished(trace, nanos);
        }
        if (CALLS.isInfoEnabled()) {
            CALLS.info("call-id={} principal={} remote={} call={} structure={} outcome={} status={} duration-ms={} rows={}",
                    LogValues.of(trace.callId), LogValues.of(trace.principal), LogValues.of(trace.remote), trace.call,
                    LogValues.of(trace.structure), trace.outcome, trace.status, nanos / 1_000_000, trace.rows);
        }
    }

    void failedLogin() {
        if (metrics != null) {
            metrics.failedLogin();
        }
    }
}
