package org.esabridge.server.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.esabridge.api.OwnerOnlyFiles;

/**
 * Bearer tokens: 256 random bits, base64url. The configuration holds only a token's SHA-256 — a token is
 * random, so a fast hash suffices where a password needs PBKDF2.
 */
public final class Tokens {
    /** Where the token is generated when no credentials are configured. */
    public static final String GENERATED_FILE = "auth/token";

    private Tokens() {
    }

    /** A fresh random token. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The SHA-256 of the token's UTF-8 bytes, as 64 lower-case hex digits. */
    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /**
     * The token in {@code <dataDir>/auth/token}, generated on first use and readable by its owner only, like
     * the self-signed certificate's password. Used only when no credential is configured, so that a
     * server is never open to whoever reaches its port.
     */
    public static String loadOrCreateGenerated(Path dataDir) throws IOException {
        Path file = generatedFile(dataDir);
        if (Files.exists(file)) {
            String token = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (token.length() >= 32) {
                return token;
            }
        }
        OwnerOnlyFiles.createDirectories(file.getParent());
        String token = newToken();
        OwnerOnlyFiles.writeString(file, token + "\n");
        return token;
    }

    public static Path generatedFile(Path dataDir) {
        return dataDir.resolve(GENERATED_FILE);
    }
}
