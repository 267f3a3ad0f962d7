package org.esabridge.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.server.security.Authenticator;
import org.esabridge.server.security.LoginGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In front of {@code /esa} (and {@code /metrics} unless public): lets a request through only with valid
 * credentials, and puts the principal into the request's {@link CallTrace}. Missing or wrong credentials are
 * answered 401 with {@code WWW-Authenticate} and an UNAUTHORIZED fault document (esa-protocol.md §1). An
 * address that failed too often is answered 429 with {@code Retry-After} without its credentials being
 * checked — unless they are ones that passed before, so an attacker cannot lock the real host out. When
 * {@code max-concurrent-password-checks} password checks are already running, one more is answered 503 with
 * {@code Retry-After} at once. {@link LoginGate} decides; this filter only answers.
 */
final class AuthFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AuthFilter.class);
    private static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    private final transient Authenticator authenticator;
    private final transient LoginGate gate;
    private final transient CallObserver observer;

    AuthFilter(Authenticator authenticator, LoginGate gate, CallObserver observer) {
        this.authenticator = authenticator;
        this.gate = gate;
        this.observer = observer;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        CallTrace trace = new CallTrace(request.getRemoteAddr());
        boolean esa = EsaServer.ESA_PATH.equals(request.getServletPath());
        String authorization = request.getHeader("Authorization");
        X509Certificate[] chain0 = (X509Certificate[]) request.getAttribute(CERTIFICATES);
        LoginGate.Decision decision = gate.admit(trace.remote, authorization, chain0);
        switch (decision.outcome()) {
            case OK -> {
                trace.principal = decision.principal();
                request.setAttribute(CallTrace.ATTRIBUTE, trace);
                chain.doFilter(request, response);
                return;
            }
            case THROTTLED -> {
                long wait = decision.retryAfterSeconds();
                response.setHeader("Retry-After", Long.toString(wait));
                refuse(response, 429, "THROTTLED", trace, esa, new EsaException(ErrorCode.UNAUTHORIZED,
                        "too many failed logins from this address; retry after " + wait + " s"));
                return;
            }
            case BUSY -> {
                response.setHeader("Retry-After", "1");
                refuse(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "BUSY", trace, esa,
                        new EsaException(ErrorCode.INTERNAL, "too many logins in progress; retry shortly"));
                return;
            }
            case WRONG -> {
                observer.failedLogin();
                LOG.warn("wrong credentials from {}", LogValues.of(trace.remote));
            }
            case MISSING -> {
                // answered 401 below, like wrong credentials, but not counted as a failed login
            }
        }
        for (String challenge : authenticator.challenges()) {
            response.addHeader("WWW-Authenticate", challenge);
        }
        refuse(response, HttpServletResponse.SC_UNAUTHORIZED, ErrorCode.UNAUTHORIZED.name(), trace, esa,
                new EsaException(ErrorCode.UNAUTHORIZED, decision.outcome() == LoginGate.Outcome.MISSING
                        ? "credentials required" : "wrong credentials"));
    }

    private void refuse(HttpServletResponse response, int status, String outcome, CallTrace trace, boolean esa,
                        EsaException fault) throws IOException {
        // The body is not read: closing spares the server a client's unread upload.
        response.setHeader("Connection", "close");
        EsaServlet.answerFault(response, status, null, fault);
        if (esa) {
            trace.outcome(status, outcome);
            observer.finished(trace);
        }
    }
}
