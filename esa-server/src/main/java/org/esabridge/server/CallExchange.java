package org.esabridge.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.Session;
import org.esabridge.api.call.EsaCall;
import org.esabridge.api.call.EsaRequest;
import org.esabridge.api.xml.EsaCallReader;
import org.esabridge.api.xml.EsaRequestException;
import org.esabridge.api.xml.EsaResultWriter;
import org.esabridge.api.xml.UnwritableValueException;
import org.esabridge.server.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call document in, one answer document out, for the transports beside the servlet: the command-line
 * ESA ({@link StdioEsa}) and the ESA that dials out. The same reader, limits, dispatcher,
 * audit log and call log as {@link EsaServlet}, and the same answers (esa-protocol.md §1): only what carries
 * the documents differs.
 *
 * <p>The answer is composed whole before any of it is sent, so a failure while the result is written
 * still becomes a clean fault document, never a cut-off result: the first megabyte in memory, the rest spooled
 * to an owner-only file in {@code <data-dir>/spool} ({@link SpooledAnswer}), so a page of large values cannot
 * fill the heap. The servlet streams instead, and aborts the response on a late failure.
 */
final class CallExchange {
    private static final Logger LOG = LoggerFactory.getLogger(CallExchange.class);

    /** What the transport does after sending the answer. */
    enum Then {
        /** Wait for the next call. */
        CONTINUE,
        /** The host released the session (the command-line ESA exits). */
        RELEASED,
        /**
         * The document could not be read (the HTTP server answers 400 or 413): the answer is a fault without
         * {@code response-to}, and a stream of documents cannot be trusted beyond it.
         */
        UNREADABLE
    }

    /**
     * @param document the complete answer document; closing the answer deletes its spooled file
     * @param then     what the transport does next
     */
    record Answer(SpooledAnswer document, Then then) implements AutoCloseable {
        @Override
        public void close() {
            document.close();
        }
    }

    private final EsaCallReader reader;
    private final CallDispatcher dispatcher;
    private final CallObserver observer;
    private final long maxBodyBytes;
    private final String principal;
    private final Path spool;

    /**
     * @param principal the session of every call (esa-protocol.md §5): the transport's one caller
     * @param spool     where answers over {@link SpooledAnswer#MEMORY_BYTES} are composed
     */
    CallExchange(EsaCallReader reader, CallDispatcher dispatcher, CallObserver observer, long maxBodyBytes,
                 String principal, Path spool) {
        this.reader = Objects.requireNonNull(reader, "reader == null");
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher == null");
        this.observer = Objects.requireNonNull(observer, "observer == null");
        this.maxBodyBytes = maxBodyBytes;
        this.principal = Objects.requireNonNull(principal, "principal == null");
        this.spool = Objects.requireNonNull(spool, "spool == null");
    }

    /**
     * The exchange of a transport beside the server: the server's reader limits, external system id, read-only
     * mode and body limit, writes audited to {@code audit}, calls logged without metrics, large answers spooled
     * in {@code <data-dir>/spool} (what an earlier process left there is deleted).
     */
    static CallExchange of(ServerConfig config, ExternalSystemAdapter adapter, AuditLog audit, String principal) {
        Path spool = config.dataDir().resolve(SPOOL_DIR);
        SpooledAnswer.clear(spool);
        return new CallExchange(new EsaCallReader(config.limits().xml()),
                new CallDispatcher(adapter, config.externalSystemId(), config.readOnly(), audit, new CursorGauge()),
                CallObserver.logOnly(), config.maxBodyBytes(), principal, spool);
    }

    /** The directory in the data directory where large answers are composed. */
    static final String SPOOL_DIR = "spool";

    /**
     * Reads one call from {@code document} (at most {@code max-body-bytes} of it), dispatches it and composes
     * the answer; every call ends in one call-log line.
     *
     * @param remote where the call came from, for the audit and call logs
     */
    Answer exchange(InputStream document, String remote) {
        CallTrace trace = new CallTrace(remote);
        trace.principal = principal;
        try {
            BodyLimitInputStream body = new BodyLimitInputStream(document, maxBodyBytes);
            EsaRequest request;
            try {
                request = reader.read(body);
            } catch (EsaRequestException e) {
                if (body.exceeded()) {
                    trace.outcome(413, ErrorCode.TOO_LARGE.name());
                    return fault(null, new EsaException(ErrorCode.TOO_LARGE,
                            "the request body exceeds the configured limit"), Then.UNREADABLE);
                }
                if (e.callId() == null) {
                    trace.outcome(400, e.code().name());
                    return fault(null, e, Then.UNREADABLE);
                }
                trace.callId = e.callId();
                trace.outcome(200, e.code().name());
                return fault(e.callId(), e, Then.CONTINUE);
            }
            trace.read(request.callId(), request.call());
            return answer(request, trace);
        } finally {
            observer.finished(trace);
        }
    }

    private Answer answer(EsaRequest request, CallTrace trace) {
        String callId = request.callId();
        EsaCall call = request.call();
        SpooledAnswer out = new SpooledAnswer(spool);
        try {
            EsaResultWriter writer = new EsaResultWriter(out);
            writer.begin(callId);
            trace.rows = dispatcher.dispatch(new CallContext(new Session(principal), callId, trace.remote), call, writer);
            writer.end();
            out.flush();
        } catch (EsaException e) {
            out.close();
            LOG.debug("Call {} ({}) answered {}", LogValues.of(callId), call.name(), e.code());
            trace.outcome(EsaServlet.statusOf(e), e.code().name());
            return fault(callId, e, Then.CONTINUE);
        } catch (UnwritableValueException e) {
            out.close();
            LOG.warn("Call {} ({}): {}", LogValues.of(callId), call.name(), LogValues.message(e.getMessage()));
            trace.outcome(200, e.fault().code().name());
            return fault(callId, e.fault(), Then.CONTINUE);
        } catch (IOException | RuntimeException | Error e) {
            out.close();
            // From the adapter, or the spool file could not be written (the log says which).
            LOG.error("Call {} ({}) failed unexpectedly", LogValues.of(callId), call.name(), e);
            trace.outcome(200, ErrorCode.INTERNAL.name());
            return fault(callId, new EsaException(ErrorCode.INTERNAL,
                    "internal error; the server log has the details of call " + callId), Then.CONTINUE);
        }
        return new Answer(out, call instanceof EsaCall.Release ? Then.RELEASED : Then.CONTINUE);
    }

    private static Answer fault(String responseTo, EsaException fault, Then then) {
        SpooledAnswer out = new SpooledAnswer(null);
        try {
            EsaResultWriter.writeFault(out, responseTo, fault);
        } catch (IOException e) {
            throw new IllegalStateException("writing into memory failed", e);
        }
        return new Answer(out, then);
    }
}
