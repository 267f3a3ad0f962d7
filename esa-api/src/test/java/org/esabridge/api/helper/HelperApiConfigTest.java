package org.esabridge.api.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The configuration refuses bad settings by name and never shows a secret. */
class HelperApiConfigTest {
    private static final URI URL = URI.create("https://host.example/helper");

    private static String refusal(Runnable build) {
        return assertThrows(IllegalArgumentException.class, build::run).getMessage();
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        assertTrue(refusal(() -> HelperApiConfig.builder(URI.create("ftp://h/x"), "esa").build()).startsWith("url "));
        assertTrue(refusal(() -> HelperApiConfig.builder(URI.create("https://u:p@h/x"), "esa").build())
                .startsWith("url must not hold user info"));
        assertTrue(refusal(() -> HelperApiConfig.builder(URL, " ").build()).startsWith("externalSystemId"));
        assertTrue(refusal(() -> HelperApiConfig.builder(URL, "esa").maxAttempts(0).build()).startsWith("maxAttempts"));
        assertTrue(refusal(() -> HelperApiConfig.builder(URL, "esa").requestTimeout(Duration.ZERO).build())
                .startsWith("requestTimeout"));
        assertTrue(refusal(() -> HelperApiConfig.builder(URL, "esa")
                .backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build()).startsWith("backoffBase"));
        assertTrue(refusal(() -> HelperApiConfig.builder(URL, "esa").basicAuth("a:b", "p")).contains("':'"));
        assertTrue(refusal(() -> HelperApiConfig.builder(URL, "esa").bearerToken("two words"))
                .startsWith("credentials token"));
    }

    @Test
    void toStringShowsNoSecret() {
        String basic = HelperApiConfig.builder(URL, "esa").basicAuth("esa-user", "hunter2")
                .trustStore(Path.of("trust.p12"), "changeit").build().toString();
        assertTrue(basic.contains("esa-user"));
        assertFalse(basic.contains("hunter2"));
        assertFalse(basic.contains("changeit"));
        assertFalse(HelperApiConfig.builder(URL, "esa").bearerToken("tok-123").build().toString().contains("tok-123"));
    }

    @Test
    void backoffDoublesUpToTheCapAndReadsRetryAfterInBothForms() {
        Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(10));
        Instant now = Instant.parse("2026-11-23T05:46:30Z");
        assertEquals(Duration.ofMillis(250), backoff.delay(1, null, now));
        assertEquals(Duration.ofMillis(1000), backoff.delay(3, null, now));
        assertEquals(Duration.ofSeconds(10), backoff.delay(40, null, now));
        assertEquals(Duration.ofSeconds(4), backoff.delay(1, "4", now));
        assertEquals(Duration.ofSeconds(10), backoff.delay(1, "99999999999", now));
        assertEquals(Duration.ofSeconds(5), backoff.delay(1, "Mon, 23 Nov 2026 05:46:35 GMT", now));
        assertEquals(Duration.ofMillis(250), backoff.delay(1, "soon", now), "an unreadable header is ignored");
    }
}
