package org.esabridge.server.security;

import static org.esabridge.server.security.AuthenticatorTest.HOST_BASIC;
import static org.esabridge.server.security.AuthenticatorTest.base64;
import static org.esabridge.server.security.AuthenticatorTest.tokenVariant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RememberedCredentialsTest {

    @Test
    void onlyCredentialsThatPassedAreRememberedOneEntryEach() {
        Authenticator authenticator = AuthenticatorTest.authenticator();
        for (int i = 0; i < 1000; i++) {
            if (i % 50 == 0) {
                authenticator.authenticate("Basic " + base64("host:guess-" + i), null);
            }
            authenticator.authenticate("Bearer guess-" + i, null);
            authenticator.authenticate("Digest junk-" + i, null);
        }
        assertEquals(0, authenticator.remembered());
        authenticator.authenticate(HOST_BASIC, null);
        for (int i = 0; i < 1000; i++) {
            authenticator.authenticate(tokenVariant(i), null);
        }
        assertEquals(2, authenticator.remembered(), "one entry per credentials, whatever their spelling");
    }

    @Test
    void whenFullTheLeastRecentlyUsedIsForgottenNotTheHostThatKeepsCalling() {
        RememberedCredentials remembered = new RememberedCredentials();
        Credentials host = Credentials.parse(HOST_BASIC);
        remembered.remember(host, "host");
        for (int i = 0; i < 1000; i++) {
            remembered.remember(new Credentials("bearer", "other-" + i), "token");
            assertEquals("host", remembered.principal(host));
        }
        assertEquals(RememberedCredentials.MAX_REMEMBERED, remembered.size());
        assertNull(remembered.principal(new Credentials("bearer", "other-0")), "the least recently used went first");
        remembered.remember(new Credentials("bearer", "newcomer"), "token");
        assertEquals("token", remembered.principal(new Credentials("bearer", "newcomer")),
                "a full memory still takes new credentials");
    }

    @Test
    void spellingsOfAHeaderAreOneCredentials() {
        Credentials canonical = Credentials.parse("Basic " + base64("host:pw"));
        assertEquals(new Credentials("basic", "host:pw"), canonical);
        assertEquals(canonical, Credentials.parse("  bASIC \t " + base64("host:pw").replace("=", "") + " "));
        assertEquals(new Credentials("bearer", "abc"), Credentials.parse("BEARER   abc"));
        assertNull(Credentials.parse("Basic !!not base64!!"));
        assertNull(Credentials.parse("Bearer"));
        assertNull(Credentials.parse("   "));
        assertEquals("Credentials[basic ****]", canonical.toString(), "the password never shows");
    }
}
