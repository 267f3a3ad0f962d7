package org.esabridge.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.esabridge.server.config.ServerConfig;
import org.esabridge.server.security.Authenticator.Verdict;
import org.junit.jupiter.api.Test;

/** Which credentials are remembered as having passed, and that nobody can crowd the real host out of that memory. */
class AuthenticatorTest {
    // 34 characters after "host:", so its base64 ends in padding that a client may leave off.
    private static final String PASSWORD = "correct horse battery staple!";
    private static final String HASH = PasswordHash.create(PASSWORD.toCharArray(), PasswordHash.MIN_ITERATIONS).toString();
    private static final String TOKEN = "authenticator-test-token-0123456789abcdefghijklmnop";
    static final String HOST_BASIC = "Basic " + base64("host:" + PASSWORD);

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static Authenticator authenticator() {
        return new Authenticator(ServerConfig.from(Map.of("auth-user", "host", "auth-password-hash", HASH,
                "auth-token-sha256", Tokens.sha256Hex(TOKEN)), key -> false).auth(), null);
    }

    /** A thousand ways to write the same bearer token, each of which passes. */
    static String tokenVariant(int i) {
        String scheme = i % 2 == 0 ? "Bearer" : "bEARER";
        return (i % 3 == 0 ? " " : "") + scheme + " ".repeat(1 + i / 2) + TOKEN + (i % 5 == 0 ? "  " : "");
    }

    @Test
    void spellingsOfCredentialsThatPassedAreKnownWithoutAnotherCheck() {
        Authenticator authenticator = authenticator();
        assertTrue(HOST_BASIC.endsWith("="), HOST_BASIC);
        assertEquals(Verdict.OK, authenticator.authenticate(HOST_BASIC, null).verdict());
        for (String variant : new String[] {HOST_BASIC, "basic " + HOST_BASIC.substring(6), "BASIC   "
                + HOST_BASIC.substring(6), HOST_BASIC.replace("=", ""), " Basic\t" + HOST_BASIC.substring(6) + " "}) {
            assertTrue(authenticator.knownGood(variant, null), variant);
        }
        assertFalse(authenticator.knownGood("Basic " + base64("host:" + PASSWORD + "?"), null));
        assertFalse(authenticator.knownGood("Bearer " + TOKEN, null), "the token has not passed yet");
        assertFalse(authenticator.knownGood("Basic", null));
    }

    @Test
    void aThousandVariantsAndGuessesCannotKeepTheRealHostFromBeingRemembered() {
        Authenticator authenticator = authenticator();
        for (int i = 0; i < 1000; i++) {
            assertEquals(Verdict.OK, authenticator.authenticate(tokenVariant(i), null).verdict(), tokenVariant(i));
            assertEquals(Verdict.WRONG, authenticator.authenticate("Bearer guess-" + i, null).verdict());
        }
        assertEquals(Verdict.OK, authenticator.authenticate(HOST_BASIC, null).verdict());
        assertTrue(authenticator.knownGood(HOST_BASIC, null),
                "the host that logged in after them is remembered, so a throttle cannot lock it out");
    }

    @Test
    void aThousandVariantsAndGuessesAfterTheRealHostDoNotMakeItForgotten() {
        Authenticator authenticator = authenticator();
        assertEquals(Verdict.OK, authenticator.authenticate(HOST_BASIC, null).verdict());
        for (int i = 0; i < 1000; i++) {
            assertEquals(Verdict.OK, authenticator.authenticate(tokenVariant(i), null).verdict(), tokenVariant(i));
            assertEquals(Verdict.WRONG, authenticator.authenticate("Bearer guess-" + i, null).verdict());
        }
        assertTrue(authenticator.knownGood(HOST_BASIC, null));
        assertTrue(authenticator.knownGood("Bearer " + TOKEN, null));
    }
}
