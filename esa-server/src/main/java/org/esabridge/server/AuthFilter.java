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
import org.esabridge.server.security.LoginThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In front of {@code /esa} (and {@code /metrics} unless public): lets a request through only with valid
 * credentials, and puts the principal into the request's {@link CallTrace}. Missing or wrong credentials are
 * answered 401 with {@code WWW-Authenticate} and an UNAUTHORIZED fault document (esa-protocol.md §1). An
 * address that failed too often is answered 429 with {@code Retry-After} without its credentials being
 * checked — unless they are ones that passed before, so an attacker cannot lock the real host out.
 */
final class AuthFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AuthFilter.class);
    private static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    private final transient Authenticator authenticator;
    private final transient LoginThrottle throttle;
    private final transient CallObserver observer;

    AuthFilter(Authenticator authenticator, LoginThrottle throttle, CallObserver observer) {
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.observer = observer;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        CallTrace trace = new CallTrace(request.getRemoteAddr());
        boolean esa = EsaServer.ESA_PATH.equals(request.getServletPath());
        String authorization = request.getHeader("Authorization");
        X509Certificate[] chain0 = (X509Certificate[]) request.getAttribute(CERTIFICATES);
        long wait = throttle.retryAfterSeconds(trace.remote);
        if (wait > 0 && !authenticator.knownGood(authorization, chain0)) {
            response.setHeader("Retry-After", Long.toString(wait));
            refuse(response, 429, "THROTTLED", trace, esa, new EsaException(ErrorCode.UNAUTHORIZED,
                    "too many failed logins from this address; retry after " + wait + " s"));
            return;
        }
        Authenticator.Result result = authenticator.authenticate(authorization, chain0);
        if (result.verdict() == Authenticator.Verdict.OK) {
            trace.principal = result.principal();
            request.setAttribute(CallTrace.ATTRIBUTE, trace);
            chain.doFilter(request, response);
            return;
        }
        if (result.verdict() == Authenticator.Verdict.WRONG) {
            throttle.failed(trace.remote);
            observer.failedLogin();
            LOG.warn("wrong credentials from {}", LogValues.of(trace.remote));
        }
        for (String challenge : authenticator.challenges()) {
            response.addHeader("WWW-Authenticate", challenge);
        }
        refuse(response, HttpServletResponse.SC_UNAUTHORIZED, ErrorCode.UNAUTHORIZED.name(), trace, esa,
                new EsaException(ErrorCode.UNAUTHORIZED, result.verdict() == Authenticator.Verdict.MISSING
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
