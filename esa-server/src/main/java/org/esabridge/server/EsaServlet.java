package org.esabridge.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.Session;
import org.esabridge.api.call.EsaRequest;
import org.esabridge.api.xml.EsaCallReader;
import org.esabridge.api.xml.EsaRequestException;
import org.esabridge.api.xml.EsaResultWriter;
import org.esabridge.api.xml.UnwritableValueException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ESA endpoint: one {@code <esa-call>} document in, one {@code <result>} document out
 * (esa-protocol.md §1). Statuses:
 * <ul>
 *   <li>405 (NOT_SUPPORTED, {@code Allow: POST}) for any method but POST; 415 (MALFORMED_REQUEST) unless
 *       the content type is application/xml or text/xml in UTF-8; 413 (TOO_LARGE) when the body exceeds
 *       {@code max-body-bytes}, by its Content-Length or while it streams; 400 (MALFORMED_REQUEST) when the
 *       body is not a readable {@code <sync>} document;</li>
 *   <li>200 for every call that was read, whether answered with a result or an {@code <exception>} —
 *       including UNKNOWN_CALL, INVALID_VALUE and INTERNAL — except DATABASE_UNAVAILABLE (503) and a foreign
 *       external system id (403, UNAUTHORIZED).</li>
 * </ul>
 *
 * <p>Results stream from the adapter through the writer into the response. Jetty holds the first
 * {@link #RESPONSE_BUFFER_BYTES} before sending anything, so a failure up to then still becomes a clean
 * fault document. A failure after part of the result was sent cannot: the connection is then aborted, so
 * the host sees a broken response (no chunked terminator) and retries, never a cut-off result that
 * looks complete.
 *
 * <p>An unexpected exception is logged with its call id and answered INTERNAL without details: no body
 * ever holds a stack trace, class name, SQL or path.
 *
 * <p>At most {@code max-concurrent-calls} calls are served at once, at most {@code max-calls-per-principal} of
 * them for one principal ({@link PrincipalShares}); one more is answered 503 with {@code Retry-After} at once
 * instead of waiting in a queue that would grow with the load. A client that
 * takes its answer too slowly loses its connection ({@link SlowReaderGuard}), so it cannot keep a permit
 * and a database connection. Every request ends in one call-log line and the metrics ({@link CallObserver}).
 */
final class EsaServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EsaServlet.class);

    static final String CONTENT_TYPE = "application/xml; charset=UTF-8";
    static final int RESPONSE_BUFFER_BYTES = 64 * 1024;
    static final long DISCARD_MAX_BYTES = 256L * 1024 * 1024;
    static final long DISCARD_MAX_MILLIS = 30_000;

    private final transient EsaCallReader reader;
    private final transient CallDispatcher dispatcher;
    private final transient CallObserver observer;
    private final transient Semaphore permits;
    private final transient PrincipalShares shares;
    private final transient SlowReaderGuard.Policy slowReaders;
    private final long maxBodyBytes;
    private final int maxConcurrentCalls;

    EsaServlet(EsaCallReader reader, CallDispatcher dispatcher, CallObserver observer, long maxBodyBytes,
               int maxConcurrentCalls, PrincipalShares shares, SlowReaderGuard.Policy slowReaders) {
        this.reader = Objects.requireNonNull(reader, "reader == null");
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher == null");
        this.observer = Objects.requireNonNull(observer, "observer == null");
        this.slowReaders = Objects.requireNonNull(slowReaders, "slowReaders == null");
        this.maxBodyBytes = maxBodyBytes;
        this.maxConcurrentCalls = maxConcurrentCalls;
        this.permits = new Semaphore(maxConcurrentCalls);
        this.shares = Objects.requireNonNull(shares, "shares == null");
    }

    /** Calls being served right now. */
    int inFlight() {
        return maxConcurrentCalls - permits.availablePermits();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        CallTrace trace = (CallTrace) request.getAttribute(CallTrace.ATTRIBUTE);
        if (trace == null || trace.principal == null) {
            // AuthFilter always runs first; without its verdict nobody is let in.
            refuse(response, HttpServletResponse.SC_UNAUTHORIZED,
                    new EsaException(ErrorCode.UNAUTHORIZED, "credentials required"));
            return;
        }
        try {
            serve(request, response, trace);
        } catch (IOException | RuntimeException | Error e) {
            if (!SlowReaderGuard.OUTCOME.equals(trace.outcome)) {
                trace.outcome(trace.status, "ABORTED");
            }
            throw e;
        } finally {
            observer.finished(trace);
        }
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, CallTrace trace) throws IOException {
        response.setBufferSize(RESPONSE_BUFFER_BYTES);
        if (!"POST".equals(request.getMethod())) {
            response.setHeader("Allow", "POST");
            closeUnlessBodyRead(request, response);
            refuse(response, trace, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                    new EsaException(ErrorCode.NOT_SUPPORTED, "the ESA endpoint accepts POST only"));
            return;
        }
        if (!isXmlInUtf8(request.getContentType())) {
            closeUnlessBodyRead(request, response);
            refuse(response, trace, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, new EsaException(
                    ErrorCode.MALFORMED_REQUEST, "the body must be sent as Content-Type: application/xml; charset=UTF-8"));
            return;
        }
        if (request.getContentLengthLong() > maxBodyBytes) {
            trace.outcome(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, ErrorCode.TOO_LARGE.name());
            refuseTooLarge(request, response);
            return;
        }
        if (!permits.tryAcquire()) {
            busy(response, trace, "too many calls in progress; retry shortly");
            return;
        }
        if (!shares.tryAcquire(trace.principal)) {
            permits.release();
            busy(response, trace, "this caller already has " + shares.perPrincipal()
                    + " calls in progress (max-calls-per-principal); retry shortly");
            return;
        }
        try {
            BodyLimitInputStream body = new BodyLimitInputStream(request.getInputStream(), maxBodyBytes);
            EsaRequest call;
            try {
                call = reader.read(body);
            } catch (EsaRequestException e) {
                if (body.exceeded()) {
                    trace.outcome(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, ErrorCode.TOO_LARGE.name());
                    refuseTooLarge(request, response);
                    return;
                }
                closeUnlessBodyRead(request, response);
                if (e.callId() == null) {
                    refuse(response, trace, HttpServletResponse.SC_BAD_REQUEST, e);
                } else {
                    trace.callId = e.callId();
                    trace.outcome(HttpServletResponse.SC_OK, e.code().name());
                    answerFault(response, HttpServletResponse.SC_OK, e.callId(), e);
                }
                return;
            }
            trace.read(call.callId(), call.call());
            answer(call, request, response, trace);
        } finally {
            shares.release(trace.principal);
            permits.release();
        }
    }

    /**
     * An answer given without reading the whole request body: Jetty then closes the connection once the answer is
     * sent, so the answer says so ({@code Connection: close}). Without it a client that keeps connections alive
     * sends its next request on a connection the server no longer reads, and sees it fail without an answer.
     */
    private static void closeUnlessBodyRead(HttpServletRequest request, HttpServletResponse response) {
        boolean finished;
        try {
            finished = request.getInputStream().isFinished();
        } catch (IOException | IllegalStateException e) {
            finished = false;
        }
        if (!finished) {
            response.setHeader("Connection", "close");
        }
    }

    /** 503 with Retry-After, at once: a call over a limit is refused, never queued. */
    private static void busy(HttpServletResponse response, CallTrace trace, String why) throws IOException {
        response.setHeader("Retry-After", "1");
        response.setHeader("Connection", "close");
        trace.outcome(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "BUSY");
        refuse(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, new EsaException(ErrorCode.INTERNAL, why));
    }

    private void answer(EsaRequest call, HttpServletRequest request, HttpServletResponse response, CallTrace trace)
            throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(CONTENT_TYPE);
        ServletContextRequest jetty = ServletContextRequest.getServletContextRequest(request);
        SlowReaderGuard guard = new SlowReaderGuard(response.getOutputStream(), slowReaders,
                jetty.getComponents().getScheduler(),
                SlowReaderGuard.closing(jetty.getConnectionMetaData().getConnection().getEndPoint()));
        try {
            answer(call, response, trace, guard);
        } catch (IOException | RuntimeException e) {
            if (!guard.tripped()) {
                throw e;
            }
            // We closed the connection ourselves: the adapter has unwound, nobody is left to answer.
            LOG.debug("Call {} ({}): the client took its answer too slowly", call.callId(), call.call().name(), e);
        } finally {
            guard.close();
            if (guard.tripped()) {
                trace.outcome(trace.status, SlowReaderGuard.OUTCOME);
            }
        }
    }

    private void answer(EsaRequest call, HttpServletResponse response, CallTrace trace, SlowReaderGuard guard)
            throws IOException {
        // The writer is deliberately never closed on failure: closing flushes what it still holds into a
        // response that is about to be replaced by a fault.
        EsaResultWriter writer = new EsaResultWriter(guard);
        CallContext context = new CallContext(new Session(trace.principal), call.callId(), trace.remote);
        try {
            writer.begin(call.callId());
            trace.rows = dispatcher.dispatch(context, call.call(), writer);
            writer.end();
        } catch (EsaException e) {
            LOG.debug("Call {} ({}) answered {}", LogValues.of(call.callId()), call.call().name(), e.code());
            trace.outcome(statusOf(e), e.code().name());
            replaceWithFault(response, statusOf(e), call, e);
        } catch (UnwritableValueException e) {
            LOG.warn("Call {} ({}): {}", LogValues.of(call.callId()), call.call().name(),
                    LogValues.message(e.getMessage()));
            trace.outcome(HttpServletResponse.SC_OK, e.fault().code().name());
            replaceWithFault(response, HttpServletResponse.SC_OK, call, e.fault());
        } catch (IOException e) {
            // The client went away; there is nobody left to answer.
            LOG.debug("Call {} ({}): client connection lost", LogValues.of(call.callId()), call.call().name(), e);
            throw e;
        } catch (RuntimeException | Error e) {
            LOG.error("Call {} ({}) failed unexpectedly", LogValues.of(call.callId()), call.call().name(), e);
            trace.outcome(HttpServletResponse.SC_OK, ErrorCode.INTERNAL.name());
            replaceWithFault(response, HttpServletResponse.SC_OK, call, new EsaException(ErrorCode.INTERNAL,
                    "internal error; the server log has the details of call " + call.callId()));
        }
    }

    private static void refuse(HttpServletResponse response, CallTrace trace, int status, EsaException fault)
            throws IOException {
        trace.outcome(status, fault.code().name());
        refuse(response, status, fault);
    }

    private static void replaceWithFault(HttpServletResponse response, int status, EsaRequest call, EsaException fault)
            throws IOException {
        if (response.isCommitted()) {
            LOG.warn("Call {} ({}) failed with {} after part of its result was sent; aborting the response",
                    LogValues.of(call.callId()), call.call().name(), fault.code());
            throw new ResultAbortedException(call.callId());
        }
        response.resetBuffer();
        answerFault(response, status, call.callId(), fault);
    }

    static int statusOf(EsaException fault) {
        if (fault instanceof ForeignExternalSystemException) {
            return HttpServletResponse.SC_FORBIDDEN;
        }
        if (fault.code() == ErrorCode.DATABASE_UNAVAILABLE) {
            return HttpServletResponse.SC_SERVICE_UNAVAILABLE;
        }
        return HttpServletResponse.SC_OK;
    }

    /**
     * Answers 413 first, then reads and discards the rest of the body (up to {@link #DISCARD_MAX_BYTES} and
     * {@link #DISCARD_MAX_MILLIS}) before the connection closes. A client such as java.net.http reads the
     * answer only after sending its whole body; closing on it mid-body makes it see a broken pipe instead of
     * the 413. Discarding costs bandwidth, never memory; past the bounds the connection is simply closed.
     */
    private static void refuseTooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close");
        refuse(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                new EsaException(ErrorCode.TOO_LARGE, "the request body exceeds the configured limit"));
        response.flushBuffer();
        long declared = request.getContentLengthLong();
        if (declared > DISCARD_MAX_BYTES) {
            return;
        }
        byte[] buffer = new byte[64 * 1024];
        long deadline = System.nanoTime() + DISCARD_MAX_MILLIS * 1_000_000;
        long discarded = 0;
        try {
            InputStream in = request.getInputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                discarded += n;
                if (discarded > DISCARD_MAX_BYTES || System.nanoTime() > deadline) {
                    return;
                }
            }
        } catch (IOException e) {
            LOG.debug("Client stopped sending its oversized body", e);
        }
    }

    /** A fault before the call id is known: no response-to. */
    private static void refuse(HttpServletResponse response, int status, EsaException fault) throws IOException {
        answerFault(response, status, null, fault);
    }

    static void answerFault(HttpServletResponse response, int status, String responseTo, EsaException fault)
            throws IOException {
        response.setStatus(status);
        response.setContentType(CONTENT_TYPE);
        EsaResultWriter.writeFault(response.getOutputStream(), responseTo, fault);
    }

    /** application/xml or text/xml, with charset UTF-8 or none (XML's own default is UTF-8). */
    static boolean isXmlInUtf8(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        String mediaType = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/xml") && !mediaType.equals("text/xml")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            if (parameter[0].trim().equalsIgnoreCase("charset")) {
                String charset = parameter.length < 2 ? "" : parameter[1].trim().replace("\"", "");
                if (!charset.equalsIgnoreCase("UTF-8") && !charset.equalsIgnoreCase("utf8")) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Thrown to make Jetty abort a response that was already partly sent; carries nothing but the call id,
     * the cause was logged.
     */
    static final class ResultAbortedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ResultAbortedException(String callId) {
            super("result of call " + LogValues.of(callId) + " aborted after it was partly sent", null, false, false);
        }
    }
}
