package org.esabridge.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.esabridge.server.config.AuthSettings;

/**
 * Decides who is calling, from a TLS client certificate (already verified against the trust store by the
 * TLS handshake) or the {@code Authorization} header: HTTP Basic checked against a PBKDF2 hash, or a
 * bearer token checked against its SHA-256. Every comparison is constant-time.
 *
 * <p>PBKDF2 is slow on purpose (≈0.3 s), too slow for every call of a sync. A header that passed once is
 * remembered by its SHA-256 ({@link #MAX_REMEMBERED} at most), so the next call with the same header costs
 * one hash; the plain header is never kept.
 */
public final class Authenticator {
    /** The principal when authentication is off (insecure-no-auth on loopback). */
    public static final String ANONYMOUS = "anonymous";
    /** The principal of a bearer token: tokens carry no name. */
    public static final String TOKEN_PRINCIPAL = "token";
    static final int MAX_REMEMBERED = 64;

    /** What the credentials said. */
    public enum Verdict { OK, MISSING, WRONG }

    /** @param principal the caller's name when {@link Verdict#OK}, else null */
    public record Result(Verdict verdict, String principal) {
    }

    private final boolean off;
    private final byte[] user;
    private final PasswordHash password;
    private final List<byte[]> tokenHashes;
    private final boolean certificates;
    private final ConcurrentHashMap<String, String> rememberedPrincipal = new ConcurrentHashMap<>();

    /**
     * @param generatedToken the token generated because nothing is configured, or null
     */
    public Authenticator(AuthSettings settings, String generatedToken) {
        this.off = settings.insecureNoAuth();
        this.user = settings.user() == null ? null : settings.user().getBytes(StandardCharsets.UTF_8);
        this.password = settings.passwordHash() == null ? null : PasswordHash.parse(settings.passwordHash());
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
     * @param authorization the Authorization header, or null
     * @param chain         the client's verified certificate chain, or null
     */
    public Result authenticate(String authorization, X509Certificate[] chain) {
        if (off) {
            return new Result(Verdict.OK, ANONYMOUS);
        }
        if (certificates && chain != null && chain.length > 0) {
            return new Result(Verdict.OK, "cert:" + commonName(chain[0]));
        }
        if (authorization == null || authorization.isBlank()) {
            return new Result(Verdict.MISSING, null);
        }
        String key = Tokens.sha256Hex(authorization);
        String known = rememberedPrincipal.get(key);
        if (known != null) {
            return new Result(Verdict.OK, known);
        }
        String principal = check(authorization.trim());
        if (principal == null) {
            return new Result(Verdict.WRONG, null);
        }
        if (rememberedPrincipal.size() < MAX_REMEMBERED) {
            rememberedPrincipal.put(key, principal);
        }
        return new Result(Verdict.OK, principal);
    }

    /**
     * Whether these credentials passed before — the only ones let through while the caller's address is
     * throttled, so a brute force cannot lock the real host out once it is in.
     */
    public boolean knownGood(String authorization, X509Certificate[] chain) {
        if (off || (certificates && chain != null && chain.length > 0)) {
            return true;
        }
        return authorization != null && rememberedPrincipal.containsKey(Tokens.sha256Hex(authorization));
    }

    private String check(String authorization) {
        int space = authorization.indexOf(' ');
        if (space < 0) {
            return null;
        }
        String scheme = authorization.substring(0, space).toLowerCase(Locale.ROOT);
        String value = authorization.substring(space + 1).trim();
        if (scheme.equals("bearer")) {
            byte[] hash = Tokens.sha256(value.getBytes(StandardCharsets.UTF_8));
            boolean match = false;
            for (byte[] expected : tokenHashes) {
                match |= MessageDigest.isEqual(expected, hash);
            }
            return match ? TOKEN_PRINCIPAL : null;
        }
        if (scheme.equals("basic") && password != null) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            byte[] givenUser = decoded.substring(0, colon).getBytes(StandardCharsets.UTF_8);
            // Both checks always run, so the time taken does not tell whether the user name was right.
            boolean userMatches = MessageDigest.isEqual(user, givenUser);
            boolean passwordMatches = password.matches(decoded.substring(colon + 1).toCharArray());
            return userMatches && passwordMatches ? decoded.substring(0, colon) : null;
        }
        return null;
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
