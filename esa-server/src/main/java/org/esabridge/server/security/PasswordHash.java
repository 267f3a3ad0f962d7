package org.esabridge.server.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted, slow hash of a password in the configuration file:
 * {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>} — PBKDF2WithHmacSHA256 from the JDK, so
 * no library is needed to make or check one. The plain password is never stored.
 *
 * @param iterations PBKDF2 iterations
 * @param salt       random salt
 * @param hash       the derived key
 */
public record PasswordHash(int iterations, byte[] salt, byte[] hash) {
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_ITERATIONS = 600_000;
    /** Fewer than this is refused at start-up: cheap to brute-force from a leaked configuration file. */
    public static final int MIN_ITERATIONS = 10_000;
    private static final String PREFIX = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;

    /** Hashes a password with a fresh salt. */
    public static PasswordHash create(char[] password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations));
    }

    /** @throws IllegalArgumentException when the text is not a hash in this format */
    public static PasswordHash parse(String text) {
        String[] parts = text.trim().split("\\$");
        if (parts.length != 4 || !parts[0].equals(PREFIX)) {
            throw new IllegalArgumentException("not of the form " + PREFIX + "$iterations$salt$hash");
        }
        int iterations;
        byte[] salt;
        byte[] hash;
        try {
            iterations = Integer.parseInt(parts[1]);
            salt = Base64.getDecoder().decode(parts[2]);
            hash = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("iterations, salt or hash unreadable");
        }
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("fewer than " + MIN_ITERATIONS + " iterations");
        }
        if (salt.length < 8 || hash.length != HASH_BITS / 8) {
            throw new IllegalArgumentException("salt too short or hash not 256 bits");
        }
        return new PasswordHash(iterations, salt, hash);
    }

    /** Whether the password is the hashed one; compared in constant time. */
    public boolean matches(char[] password) {
        return MessageDigest.isEqual(hash, derive(password, salt, iterations));
    }

    @Override
    public String toString() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        KeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            // Every Java 17 runtime has PBKDF2WithHmacSHA256.
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        } finally {
            ((PBEKeySpec) spec).clearPassword();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordHash p && p.iterations == iterations && Arrays.equals(p.salt, salt)
                && Arrays.equals(p.hash, hash);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(hash) + iterations;
    }
}
