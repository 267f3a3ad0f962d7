package org.esabridge.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Semaphore;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.esabridge.server.config.AuthSettings;

/**
 * Decides who is calling, from a TLS client certificate (already verified against the trust store by the
 * TLS handshake) or the {@code Authorization} header: HTTP Basic checked against a PBKDF2 hash, or a
 * bearer token checked against its SHA-256. Every comparison is constant-time.
 *
 * <p>PBKDF2 is slow on purpose (≈0.3 s of a core), too slow for every call of a sync. Credentials that
 * passed once are {@link RememberedCredentials remembered} by the SHA-256 of their canonical form, so the
 * next call with them costs one hash; the plain header is never kept. At most
 * {@code max-concurrent-password-checks} PBKDF2 checks run at once; one more is answered {@link Verdict#BUSY}
 * at once rather than queued, so a flood of guesses cannot take every core.
 *
 * <p>{@link #recognise} answers what needs no check; {@link #check} runs the check. {@link LoginGate} puts
 * the throttle between the two.
 */
public final class Authenticator {
    /** The principal when authentication is off (insecure-no-auth on loopback). */
    public static final String ANONYMOUS = "anonymous";
    /** The principal of a bearer token: tokens carry no name. */
    public static final String TOKEN_PRINCIPAL = "token";

    /** What the credentials said. */
    public enum Verdict {
        OK, MISSING, WRONG,
        /** Not checked: {@code max-concurrent-password-checks} PBKDF2 checks were already running. */
        BUSY
    }

    /** @param principal the caller's name when {@link Verdict#OK}, else null */
    public record Result(Verdict verdict, String principal) {
    }

    /** The check of a Basic password; PBKDF2 but for tests that count or hold checks. */
    interface PasswordCheck {
        boolean matches(char[] password);
    }

    private final boolean off;
    private final byte[] user;
    private final PasswordCheck password;
    private final Semaphore passwordChecks;
    private final List<byte[]> tokenHashes;
    private final boolean certificates;
    private final RememberedCredentials remembered = new RememberedCredentials();

    /**
     * @param generatedToken the token generated because nothing is configured, or null
     */
    public Authenticator(AuthSettings settings, String generatedToken) {
        this(settings, generatedToken, null);
    }

    /** @param passwordCheck replaces the PBKDF2 check of the configured hash, or null for that check */
    Authenticator(AuthSettings settings, String generatedToken, PasswordCheck passwordCheck) {
        this.off = settings.insecureNoAuth();
        this.user = settings.user() == null ? null : settings.user().getBytes(StandardCharsets.UTF_8);
        PasswordHash hash = settings.passwordHash() == null ? null : PasswordHash.parse(settings.passwordHash());
        this.password = hash == null ? null : passwordCheck != null ? passwordCheck : hash::matches;
        this.passwordChecks = new Semaphore(settings.maxConcurrentPasswordChecks());
        List<byte[]> tokens = new ArrayList<>();
        if (settings.tokenSha256() != null) {
            tokens.add(HexFormat.of().parseHex(settings.tokenSha256()));
        }
        if (generatedToken != null) {
            tokens.add(Tokens.sha256(generatedToken.getBytes(StandardCharsets.UTF_8)));
        }
        this.tokenHashes = List.copyOf(tokens);
        this.certificates = settings.clientAuth() != AuthSettings.ClientAuth.NONE;
    }

    /** The {@code WWW-Authenticate} challenges of a 401, one per accepted scheme. */
    public List<String> challenges() {
        List<String> challenges = new ArrayList<>();
        if (password != null) {
            challenges.add("Basic realm=\"esa-bridge\", charset=\"UTF-8\"");
        }
        if (!tokenHashes.isEmpty() || challenges.isEmpty()) {
            challenges.add("Bearer realm=\"esa-bridge\"");
        }
        return challenges;
    }

    /**
     * What can be said without checking credentials: {@link Verdict#OK} when authentication is off, for a
     * verified client certificate and for credentials that passed before; {@link Verdict#MISSING} without
     * credentials.
     *
     * @param authorization the Authorization header, or null
     * @param chain         the client's verified certificate chain, or null
     * @return that verdict, or null when the credentials must be {@link #check checked}
     */
    public Result recognise(String authorization, X509Certificate[] chain) {
        if (off) {
            return new Result(Verdict.OK, ANONYMOUS);
        }
        if (certificates && chain != null && chain.length > 0) {
            return new Result(Verdict.OK, "cert:" + commonName(chain[0]));
        }
        if (authorization == null || authorization.isBlank()) {
            return new Result(Verdict.MISSING, null);
        }
        Credentials credentials = Credentials.parse(authorization);
        String known = credentials == null ? null : remembered.principal(credentials);
        return known == null ? null : new Result(Verdict.OK, known);
    }

    /**
     * Checks the header's credentials, remembering them when they pass.
     *
     * @return {@link Verdict#OK}, {@link Verdict#WRONG}, or {@link Verdict#BUSY} when a Basic password could
     *         not be checked because {@code max-concurrent-password-checks} checks were running
     */
    public Result check(String authorization) {
        Credentials credentials = authorization == null ? null : Credentials.parse(authorization);
        if (credentials == null) {
            return new Result(Verdict.WRONG, null);
        }
        Result result = switch (credentials.scheme()) {
            case "bearer" -> checkToken(credentials.value());
            case "basic" -> checkPassword(credentials.value());
            default -> new Result(Verdict.WRONG, null);
        };
        if (result.verdict() == Verdict.OK) {
            remembered.remember(credentials, result.principal());
        }
        return result;
    }

    /** {@link #recognise}, else {@link #check}: without a throttle in between. */
    public Result authenticate(String authorization, X509Certificate[] chain) {
        Result known = recognise(authorization, chain);
        return known != null ? known : check(authorization);
    }

    /** Whether the credentials pass without a check (see {@link #recognise}). */
    public boolean knownGood(String authorization, X509Certificate[] chain) {
        Result known = recognise(authorization, chain);
        return known != null && known.verdict() == Verdict.OK;
    }

    int remembered() {
        return remembered.size();
    }

    private Result checkToken(String token) {
        byte[] hash = Tokens.sha256(token.getBytes(StandardCharsets.UTF_8));
        boolean match = false;
        for (byte[] expected : tokenHashes) {
            match |= MessageDigest.isEqual(expected, hash);
        }
        return match ? new Result(Verdict.OK, TOKEN_PRINCIPAL) : new Result(Verdict.WRONG, null);
    }

    private Result checkPassword(String decoded) {
        int colon = decoded.indexOf(':');
        if (password == null || colon < 0) {
            return new Result(Verdict.WRONG, null);
        }
        byte[] givenUser = decoded.substring(0, colon).getBytes(StandardCharsets.UTF_8);
        // Both checks always run, so the time taken does not tell whether the user name was right.
        boolean userMatches = MessageDigest.isEqual(user, givenUser);
        // Refused, not queued: a queue of 0.3 s checks would only grow under a flood and delay everyone.
        if (!passwordChecks.tryAcquire()) {
            return new Result(Verdict.BUSY, null);
        }
        boolean passwordMatches;
        try {
            passwordMatches = password.matches(decoded.substring(colon + 1).toCharArray());
        } finally {
            passwordChecks.release();
        }
        return userMatches && passwordMatches ? new Result(Verdict.OK, decoded.substring(0, colon))
                : new Result(Verdict.WRONG, null);
    }

    private static String commonName(X509Certificate certificate) {
        String subject = certificate.getSubjectX500Principal().getName();
        try {
            for (Rdn rdn : new LdapName(subject).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            // fall through to the whole subject
        }
        return subject;
    }
}
