package org.esabridge.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHashTest {

    @Test
    void hashRoundTripsThroughItsTextAndChecksThePassword() {
        PasswordHash hash = PasswordHash.create("correct horse".toCharArray(), PasswordHash.MIN_ITERATIONS);
        PasswordHash parsed = PasswordHash.parse(hash.toString());
        assertEquals(hash, parsed);
        assertTrue(hash.toString().startsWith("pbkdf2-sha256$10000$"), hash.toString());
        assertTrue(parsed.matches("correct horse".toCharArray()));
        assertFalse(parsed.matches("correct horsf".toCharArray()));
        assertFalse(parsed.matches(new char[0]));
    }

    @Test
    void sameePasswordGetsAFreshSaltEachTime() {
        assertNotEquals(PasswordHash.create("pw".toCharArray(), PasswordHash.MIN_ITERATIONS).toString(),
                PasswordHash.create("pw".toCharArray(), PasswordHash.MIN_ITERATIONS).toString());
    }

    @Test
    void plainPasswordsAndWeakHashesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("s3cret"));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("pbkdf2-sha256$1000$AAAAAAAAAAA$AAAA"));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("pbkdf2-sha256$x$y$z"));
    }
}
