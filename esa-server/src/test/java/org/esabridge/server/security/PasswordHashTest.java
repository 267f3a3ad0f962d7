package org.esabridge.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
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

    @Test
    void throttleAllowsABurstThenAsksToWaitAndRefills() {
        AtomicLong now = new AtomicLong();
        LoginThrottle throttle = new LoginThrottle(3, now::get);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, throttle.retryAfterSeconds("10.0.0.1"));
            throttle.failed("10.0.0.1");
        }
        assertEquals(20, throttle.retryAfterSeconds("10.0.0.1"), "one attempt per 20 s at 3 per minute");
        assertEquals(0, throttle.retryAfterSeconds("10.0.0.2"), "other addresses are not affected");
        now.addAndGet(20_000_000_000L);
        assertEquals(0, throttle.retryAfterSeconds("10.0.0.1"));
    }

    @Test
    void throttleForgetsTheLeastRecentAddressesBeyondItsBound() {
        LoginThrottle throttle = new LoginThrottle(10);
        for (int i = 0; i < LoginThrottle.MAX_ADDRESSES + 500; i++) {
            throttle.failed("addr-" + i);
        }
        assertEquals(LoginThrottle.MAX_ADDRESSES, throttle.size());
    }
}
