package org.esabridge.jdbc.cursor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A host principal as the {@code esa_} tables store it, in a {@code VARCHAR(255)} column. */
public final class PrincipalKey {
    private PrincipalKey() {
    }

    /** The principal itself, or a digest of it when it is longer than the column. */
    public static String of(String principal) {
        if (principal.length() <= 255) {
            return principal;
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(principal.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
