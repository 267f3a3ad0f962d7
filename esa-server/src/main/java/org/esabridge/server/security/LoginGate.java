package org.esabridge.server.security;

import java.security.cert.X509Certificate;

/**
 * The order of a login: what needs no check first (a client certificate, credentials that passed before,
 * no credentials at all); then one token {@link LoginThrottle#reserve reserved} from the caller's address;
 * only then the check. So a burst of parallel guesses from one address gets at most the throttle's burst of
 * checks, however long each check takes, and credentials that passed before still pass while their
 * address is throttled — a brute force from the host's own address cannot lock the host out.
 *
 * <p>The token of a check that passed, or that did not run ({@link Authenticator.Verdict#BUSY}), is
 * refunded: only wrong guesses stay spent.
 */
public final class LoginGate {

    /** How a request fared at the gate. */
    public enum Outcome {
        /** Let through as {@link Decision#principal}. */
        OK,
        /** No credentials: 401 with the challenges. */
        MISSING,
        /** Wrong credentials, which cost the address a token: 401. */
        WRONG,
        /** The address has no token left: 429, credentials not checked. */
        THROTTLED,
        /** Too many password checks running: 503, credentials not checked. */
        BUSY
    }

    /**
     * @param principal         the caller's name when {@link Outcome#OK}, else null
     * @param retryAfterSeconds when {@link Outcome#THROTTLED}, seconds until the address may try again
     */
    public record Decision(Outcome outcome, String principal, long retryAfterSeconds) {
    }

    private final Authenticator authenticator;
    private final LoginThrottle throttle;

    public LoginGate(Authenticator authenticator, LoginThrottle throttle) {
        this.authenticator = authenticator;
        this.throttle = throttle;
    }

    /**
     * @param remoteAddress the caller's IP address
     * @param authorization the Authorization header, or null
     * @param chain         the client's verified certificate chain, or null
     */
    public Decision admit(String remoteAddress, String authorization, X509Certificate[] chain) {
        Authenticator.Result known = authenticator.recognise(authorization, chain);
        if (known != null) {
            return known.verdict() == Authenticator.Verdict.OK
                    ? new Decision(Outcome.OK, known.principal(), 0) : new Decision(Outcome.MISSING, null, 0);
        }
        long wait = throttle.reserve(remoteAddress);
        if (wait > 0) {
            return new Decision(Outcome.THROTTLED, null, wait);
        }
        Authenticator.Result checked = authenticator.check(authorization);
        return switch (checked.verdict()) {
            case OK -> {
                throttle.refund(remoteAddress);
                yield new Decision(Outcome.OK, checked.principal(), 0);
            }
            case BUSY -> {
                throttle.refund(remoteAddress);
                yield new Decision(Outcome.BUSY, null, 0);
            }
            case WRONG, MISSING -> new Decision(Outcome.WRONG, null, 0);
        };
    }
}
