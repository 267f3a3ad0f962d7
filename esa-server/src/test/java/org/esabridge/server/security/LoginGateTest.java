package org.esabridge.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.esabridge.server.config.AuthSettings;
import org.esabridge.server.config.ServerConfig;
import org.esabridge.server.security.LoginGate.Decision;
import org.esabridge.server.security.LoginGate.Outcome;
import org.junit.jupiter.api.Test;

/**
 * The order of a login — reserve, then check — under parallel guesses. The PBKDF2 check is replaced by a
 * {@link HeldPasswordCheck}, so the tests count the checks and decide when they end; the throttle's clock
 * stands still, so no token is earned while a test runs.
 */
class LoginGateTest {
    private static final String PASSWORD = "correct horse battery staple";
    private static final String HASH = PasswordHash.create(PASSWORD.toCharArray(), PasswordHash.MIN_ITERATIONS).toString();
    private static final String TOKEN = "gate-test-token-0123456789abcdefghijklmnopqrstuvwxyz";
    private static final String HOST = "10.0.0.5";

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static AuthSettings settings(int maxConcurrentPasswordChecks) {
        Map<String, String> values = new HashMap<>();
        values.put("auth-user", "host");
        values.put("auth-password-hash", HASH);
        values.put("auth-token-sha256", Tokens.sha256Hex(TOKEN));
        values.put("max-concurrent-password-checks", Integer.toString(maxConcurrentPasswordChecks));
        return ServerConfig.from(values, key -> false).auth();
    }

    @Test
    void parallelWrongLoginsFromOneAddressReachThePasswordCheckAtMostBurstTimes() throws Exception {
        int burst = 10;
        int attempts = 200;
        // Every attempt either reaches the check or is turned away; the checks are held until all have.
        CountDownLatch decided = new CountDownLatch(attempts);
        HeldPasswordCheck check = new HeldPasswordCheck(PASSWORD, decided);
        LoginGate gate = new LoginGate(new Authenticator(settings(attempts), null, check),
                new LoginThrottle(burst, () -> 0));
        CyclicBarrier start = new CyclicBarrier(attempts);
        ExecutorService threads = Executors.newFixedThreadPool(attempts);
        try {
            List<Future<Decision>> decisions = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                String guess = basic("host", "guess-" + i);
                decisions.add(threads.submit(() -> {
                    start.await();
                    Decision decision = gate.admit(HOST, guess, null);
                    if (decision.outcome() != Outcome.WRONG) {
                        decided.countDown();
                    }
                    return decision;
                }));
            }
            assertTrue(decided.await(60, TimeUnit.SECONDS), "every attempt was decided");
            check.release.countDown();
            Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
            for (Future<Decision> decision : decisions) {
                outcomes.merge(decision.get(60, TimeUnit.SECONDS).outcome(), 1, Integer::sum);
            }
            assertTrue(check.calls.get() <= burst, check.calls + " password checks for a burst of " + burst);
            assertEquals(Map.of(Outcome.WRONG, burst, Outcome.THROTTLED, attempts - burst), outcomes);
            assertEquals(burst, check.calls.get());
        } finally {
            check.release.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void passwordChecksBeyondTheBoundAreRefusedAtOnceAndCostNoToken() throws Exception {
        CountDownLatch entered = new CountDownLatch(2);
        HeldPasswordCheck check = new HeldPasswordCheck(PASSWORD, entered);
        LoginGate gate = new LoginGate(new Authenticator(settings(2), null, check), new LoginThrottle(1, () -> 0));
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Decision> first = threads.submit(() -> gate.admit("10.0.0.1", basic("host", "guess"), null));
            Future<Decision> second = threads.submit(() -> gate.admit("10.0.0.2", basic("host", PASSWORD), null));
            assertTrue(entered.await(60, TimeUnit.SECONDS), "both permits are held");
            // A check that waited for a permit would never return here: the held checks wait for this thread.
            Decision busy = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> gate.admit(HOST, basic("host", PASSWORD), null));
            assertEquals(Outcome.BUSY, busy.outcome());
            assertEquals(Outcome.OK, gate.admit(HOST, "Bearer " + TOKEN, null).outcome(),
                    "a bearer token needs no PBKDF2 and no permit");
            check.release.countDown();
            assertEquals(Outcome.WRONG, first.get(60, TimeUnit.SECONDS).outcome());
            assertEquals(Outcome.OK, second.get(60, TimeUnit.SECONDS).outcome());
            assertEquals(2, check.calls.get());
            // The refused check cost HOST no token: its burst of one is still there for a real check.
            assertEquals(Outcome.WRONG, gate.admit(HOST, basic("host", "guess"), null).outcome());
            assertEquals(Outcome.THROTTLED, gate.admit(HOST, basic("host", "guess"), null).outcome());
            assertEquals(3, check.calls.get(), "the permits came back");
        } finally {
            check.release.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void bruteForceFromTheHostsAddressDoesNotLockOutCredentialsThatPassed() {
        LoginGate gate = new LoginGate(new Authenticator(settings(4), null), new LoginThrottle(3, () -> 0));
        String credentials = basic("host", PASSWORD);
        assertEquals(new Decision(Outcome.OK, "host", 0), gate.admit(HOST, credentials, null));
        for (int i = 0; i < 3; i++) {
            assertEquals(Outcome.WRONG, gate.admit(HOST, basic("host", "guess-" + i), null).outcome());
        }
        for (int i = 3; i < 50; i++) {
            Decision throttled = gate.admit(HOST, basic("host", "guess-" + i), null);
            assertEquals(Outcome.THROTTLED, throttled.outcome());
            assertEquals(20, throttled.retryAfterSeconds());
        }
        assertEquals(new Decision(Outcome.OK, "host", 0), gate.admit(HOST, credentials, null));
        assertEquals(new Decision(Outcome.OK, "host", 0), gate.admit(HOST, "basic   " + credentials.substring(6), null),
                "another spelling of the same credentials");
        assertEquals(Outcome.THROTTLED, gate.admit(HOST, "Bearer " + TOKEN, null).outcome(),
                "credentials that never passed are not checked while the address is throttled");
        assertEquals(Outcome.MISSING, gate.admit(HOST, null, null).outcome());
    }

    @Test
    void credentialsThatPassGiveTheirReservationBack() {
        LoginGate gate = new LoginGate(new Authenticator(settings(4), null), new LoginThrottle(2, () -> 0));
        assertEquals(Outcome.OK, gate.admit(HOST, basic("host", PASSWORD), null).outcome());
        assertEquals(Outcome.OK, gate.admit(HOST, "Bearer " + TOKEN, null).outcome());
        assertEquals(Outcome.WRONG, gate.admit(HOST, basic("host", "guess-1"), null).outcome());
        assertEquals(Outcome.WRONG, gate.admit(HOST, basic("host", "guess-2"), null).outcome(),
                "the two logins that passed left the burst of two whole");
        assertEquals(Outcome.THROTTLED, gate.admit(HOST, basic("host", "guess-3"), null).outcome());
    }
}
