package org.esabridge.server.security;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for PBKDF2's 0.3 s: counts the checks that reach it, and holds each one until {@link #release}
 * is counted down, so a test decides when checks end instead of guessing how long they take.
 */
final class HeldPasswordCheck implements Authenticator.PasswordCheck {
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);
    private final char[] password;
    private final CountDownLatch entered;

    /** @param entered counted down by every check as it starts */
    HeldPasswordCheck(String password, CountDownLatch entered) {
        this.password = password.toCharArray();
        this.entered = entered;
    }

    @Override
    public boolean matches(char[] given) {
        calls.incrementAndGet();
        entered.countDown();
        try {
            // The timeout only keeps a broken test from hanging the build; the test releases long before.
            if (!release.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return Arrays.equals(password, given);
    }
}
