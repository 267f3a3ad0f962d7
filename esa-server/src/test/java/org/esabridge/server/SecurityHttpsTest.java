package org.esabridge.server;

import static org.esabridge.server.EsaServletHttpsTest.call;
import static org.esabridge.server.Responses.assertFault;
import static org.esabridge.server.Responses.assertResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.ForwardingExternalSystemAdapter;
import org.esabridge.server.config.ServerConfig;
import org.esabridge.server.security.PasswordHash;
import org.esabridge.server.security.Tokens;
import org.junit.jupiter.api.Test;

/** Authentication, throttling, the operator's endpoints, read-only mode and the concurrency limit, over HTTPS. */
class SecurityHttpsTest {
    private static final String PASSWORD = "correct horse battery staple";
    private static final String HASH = PasswordHash.create(PASSWORD.toCharArray(), PasswordHash.MIN_ITERATIONS).toString();

    private static HttpRequest.Builder esaPost(TestServer server, String body) {
        return HttpRequest.newBuilder(server.esa()).header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void missingOrWrongCredentialsAre401WithChallengeAndFault() throws Exception {
        try (TestServer server = TestServer.start(new FakeAdapter(), Map.of("auth-user", "host",
                "auth-password-hash", HASH, "auth-token-sha256", Tokens.sha256Hex(TestServer.TOKEN)))) {
            String body = call("1", "<getAllowedRunModes/>");
            HttpResponse<String> none = server.sendAsIs(esaPost(server, body));
            assertFault(none, 401, "UNAUTHORIZED");
            List<String> challenges = none.headers().allValues("WWW-Authenticate");
            assertTrue(challenges.stream().anyMatch(c -> c.startsWith("Basic realm=")), challenges.toString());
            assertTrue(challenges.stream().anyMatch(c -> c.startsWith("Bearer realm=")), challenges.toString());
            for (String wrong : List.of("Bearer nope", basic("host", "wrong"), basic("other", PASSWORD),
                    "Basic !!notbase64!!", "Digest x", "Bearer")) {
                assertFault(server.sendAsIs(esaPost(server, body).header("Authorization", wrong)), 401, "UNAUTHORIZED");
            }
            assertResult(server.sendAsIs(esaPost(server, body).header("Authorization", basic("host", PASSWORD))), "1");
            assertResult(server.sendAsIs(esaPost(server, body).header("Authorization", TestServer.BEARER)), "1");
            // Wrong method or content type without credentials: still 401 first, nothing else is revealed.
            assertFault(server.sendAsIs(HttpRequest.newBuilder(server.esa()).GET()), 401, "UNAUTHORIZED");
        }
    }

    @Test
    void repeatedFailuresAreThrottledButKnownGoodCredentialsStillPass() throws Exception {
        try (TestServer server = TestServer.start(new FakeAdapter(), Map.of("auth-user", "host",
                "auth-password-hash", HASH, "auth-token-sha256", Tokens.sha256Hex(TestServer.TOKEN),
                "max-failed-logins-per-minute", "3"))) {
            String body = call("1", "<getAllowedRunModes/>");
            assertResult(server.sendAsIs(esaPost(server, body).header("Authorization", TestServer.BEARER)), "1");
            for (int i = 0; i < 3; i++) {
                assertFault(server.sendAsIs(esaPost(server, body).header("Authorization", basic("host", "guess" + i))),
                        401, "UNAUTHORIZED");
            }
            HttpResponse<String> throttled = server.sendAsIs(esaPost(server, body)
                    .header("Authorization", basic("host", "guess3")));
            assertFault(throttled, 429, "UNAUTHORIZED");
            long retryAfter = Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter > 0 && retryAfter <= 20, "Retry-After " + retryAfter);
            // Even the right password is not checked while throttled — it never passed before…
            assertFault(server.sendAsIs(esaPost(server, body).header("Authorization", basic("host", PASSWORD))),
                    429, "UNAUTHORIZED");
            // …but the host's credentials that did pass keep working: a brute force cannot lock it out.
            assertResult(server.sendAsIs(esaPost(server, body).header("Authorization", TestServer.BEARER)), "1");
            String metrics = server.sendAsIs(HttpRequest.newBuilder(server.server().httpsUri(EsaServer.METRICS_PATH))
                    .header("Authorization", TestServer.BEARER)).body();
            assertTrue(metrics.contains("esa_logins_failed_total 3.0"), metrics);
            assertTrue(metrics.contains("esa_calls_total{call=\"unread\",outcome=\"THROTTLED\"} 2.0"), metrics);
        }
    }

    @Test
    void parallelWrongLoginsFromOneAddressAreCheckedAtMostTheBurst() throws Exception {
        int burst = 5;
        int attempts = 200;
        // The real iteration count: the old race needed a slow check, and few checks run here anyway.
        String slowHash = PasswordHash.create(PASSWORD.toCharArray(), PasswordHash.DEFAULT_ITERATIONS).toString();
        try (TestServer server = TestServer.start(new FakeAdapter(), Map.of("auth-user", "host",
                "auth-password-hash", slowHash, "auth-token-sha256", Tokens.sha256Hex(TestServer.TOKEN),
                "max-failed-logins-per-minute", Integer.toString(burst)))) {
            String body = call("1", "<getAllowedRunModes/>");
            // The real host from the same address, in before the attack, stays in: its token passed.
            assertResult(server.sendAsIs(esaPost(server, body).header("Authorization", TestServer.BEARER)), "1");
            // Two hundred TLS handshakes at once take a while on a busy machine: a connect timeout only as a hang guard.
            HttpClient client = TestServer.trustingClient(server.server(), Duration.ofMinutes(3));
            long started = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                answers.add(client.sendAsync(esaPost(server, body).header("Authorization",
                        basic("host", "guess-" + i)).timeout(Duration.ofMinutes(3)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            Map<Integer, Integer> statuses = new TreeMap<>();
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(4, TimeUnit.MINUTES);
                statuses.merge(response.statusCode(), 1, Integer::sum);
                switch (response.statusCode()) {
                    case 401 -> assertFault(response, 401, "UNAUTHORIZED");
                    case 429 -> assertFault(response, 429, "UNAUTHORIZED");
                    case 503 -> assertFault(response, 503, "INTERNAL");
                    default -> fail("unexpected " + response.statusCode() + " " + response.body());
                }
                if (response.statusCode() != 401) {
                    assertTrue(response.headers().firstValue("Retry-After").isPresent(), response.headers().toString());
                }
            }
            // The bucket earns burst tokens a minute: whatever the test's duration allowed is no race.
            double minutes = (System.nanoTime() - started) / 60e9;
            int bound = burst + (int) Math.floor(minutes * burst);
            int checked = statuses.getOrDefault(401, 0);
            assertTrue(checked >= 1 && checked <= bound, "wrong passwords checked: " + statuses + ", at most " + bound);
            assertResult(server.sendAsIs(esaPost(server, body).header("Authorization", TestServer.BEARER)), "1");
            String metrics = server.sendAsIs(HttpRequest.newBuilder(server.server().httpsUri(EsaServer.METRICS_PATH))
                    .header("Authorization", TestServer.BEARER)).body();
            assertTrue(metrics.contains("esa_logins_failed_total " + checked + ".0"), metrics);
        }
    }

    /** Jetty's per-connection header cache once matched values ignoring case: a wrong-case token passed. */
    @Test
    void aTokenInAnotherCaseOnTheSameConnectionIsRefused() throws Exception {
        try (TestServer server = TestServer.start(new FakeAdapter(), Map.of())) {
            String body = call("1", "<getAllowedRunModes/>");
            String swapped = "Bearer " + TestServer.TOKEN.toUpperCase(java.util.Locale.ROOT);
            for (int i = 0; i < 3; i++) { // one client: its connection is kept alive and reused
                assertResult(server.sendAsIs(esaPost(server, body).header("Authorization", TestServer.BEARER)), "1");
                assertFault(server.sendAsIs(esaPost(server, body).header("Authorization", swapped)), 401, "UNAUTHORIZED");
            }
        }
    }

    @Test
    void credentialsThatPassedOutlastOtherSpellingsAndABruteForceFromTheSameAddress() throws Exception {
        try (TestServer server = TestServer.start(new FakeAdapter(), Map.of("auth-user", "host",
                "auth-password-hash", HASH, "auth-token-sha256", Tokens.sha256Hex(TestServer.TOKEN),
                "max-failed-logins-per-minute", "3"))) {
            String body = call("1", "<getAllowedRunModes/>");
            // A client that spells its scheme in each of its 64 cases: once, each spelling took a place in the
            // memory of credentials that passed, and a full memory took no more. Each on a new connection:
            // Jetty's per-connection header cache would hand the server the first spelling again.
            for (int i = 0; i < 64; i++) {
                StringBuilder scheme = new StringBuilder();
                for (int c = 0; c < "bearer".length(); c++) {
                    char letter = "bearer".charAt(c);
                    scheme.append((i >> c & 1) == 1 ? Character.toUpperCase(letter) : letter);
                }
                HttpRequest request = esaPost(server, body).header("Authorization", scheme + " " + TestServer.TOKEN)
                        .timeout(Duration.ofSeconds(30)).build();
                assertResult(TestServer.trustingClient(server.server()).send(request,
                        HttpResponse.BodyHandlers.ofString()), "1");
            }
            assertResult(server.sendAsIs(esaPost(server, body).header("Authorization", basic("host", PASSWORD))), "1");
            for (int i = 0; i < 10; i++) {
                assertTrue(server.sendAsIs(esaPost(server, body).header("Authorization", basic("host", "guess" + i)))
                        .statusCode() >= 400);
            }
            assertFault(server.sendAsIs(esaPost(server, body).header("Authorization", basic("host", "guess"))),
                    429, "UNAUTHORIZED");
            assertResult(server.sendAsIs(esaPost(server, body).header("Authorization", basic("host", PASSWORD))), "1");
        }
    }

    @Test
    void withoutConfiguredCredentialsAGeneratedOwnerOnlyTokenIsRequired() throws Exception {
        try (TestServer server = TestServer.start(new FakeAdapter(), Map.of("client-auth", "none"))) {
            Path file = server.server().generatedTokenFile().orElseThrow();
            assertEquals(server.dataDir().resolve("auth/token"), file);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            String token = Files.readString(file).trim();
            String body = call("1", "<getAllowedRunModes/>");
            assertFault(server.sendAsIs(esaPost(server, body)), 401, "UNAUTHORIZED");
            assertResult(server.sendAsIs(esaPost(server, body).header("Authorization", "Bearer " + token)), "1");
        }
    }

    @Test
    void noAuthenticationOnlyOnLoopback() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.from(
                Map.of("insecure-no-auth", "true"), key -> false));
        assertTrue(e.getMessage().startsWith("insecure-no-auth"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.from(
                Map.of("insecure-no-auth", "true", "host", "0.0.0.0"), key -> false));
        assertTrue(ServerConfig.from(Map.of("insecure-no-auth", "true", "host", "127.0.0.1"), key -> false)
                .auth().insecureNoAuth());
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.from(
                Map.of("auth-user", "host", "auth-password-hash", "plain-password"), key -> false));
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.from(
                Map.of("auth-token-sha256", "the-token-itself"), key -> false));
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.from(
                Map.of("client-auth", "need"), key -> false), "a trust store is required");
    }

    @Test
    void healthAndReadyNeedNoCredentialsMetricsDoes() throws Exception {
        try (TestServer server = TestServer.start(new FakeAdapter(), Map.of())) {
            HttpResponse<String> health = server.sendAsIs(HttpRequest.newBuilder(server.server().httpsUri(EsaServer.HEALTH_PATH)));
            assertEquals(200, health.statusCode());
            assertEquals("ok\n", health.body());
            HttpResponse<String> ready = server.sendAsIs(HttpRequest.newBuilder(server.server().httpsUri(EsaServer.READY_PATH)));
            assertEquals(200, ready.statusCode());
            assertEquals("ready\n", ready.body());
            HttpRequest.Builder metrics = HttpRequest.newBuilder(server.server().httpsUri(EsaServer.METRICS_PATH));
            assertFault(server.sendAsIs(metrics), 401, "UNAUTHORIZED");
            HttpResponse<String> scraped = server.send(HttpRequest.newBuilder(server.server().httpsUri(EsaServer.METRICS_PATH)));
            assertEquals(200, scraped.statusCode());
            assertTrue(scraped.body().contains("esa_cursors_open"), scraped.body());
        }
        try (TestServer server = TestServer.start(new FakeAdapter(), Map.of("metrics-public", "true"))) {
            assertEquals(200, server.sendAsIs(HttpRequest.newBuilder(server.server().httpsUri(EsaServer.METRICS_PATH)))
                    .statusCode());
        }
    }

    @Test
    void readOnlyModeRefusesWritesAndAuditsTheAttempt() throws Exception {
        FakeAdapter adapter = new FakeAdapter();
        try (TestServer server = TestServer.start(adapter, Map.of("read-only", "true"))) {
            HttpResponse<String> update = server.post(call("31", "<update><structure>contacts</structure>"
                    + "<last-seen>2026-11-23T05:46:31.123456Z</last-seen><record><id>1</id>"
                    + "<field name=\"email\">secret-value@example.org</field></record></update>"));
            assertFault(update, 200, "READ_ONLY");
            assertFault(server.post(call("32", "<delete><structure>contacts</structure>"
                    + "<last-seen>2026-11-23T05:46:31.123456Z</last-seen><id>1</id></delete>")), 200, "READ_ONLY");
            assertTrue(server.post(call("33", "<read><structure>contacts</structure><id>1</id></read>")).body()
                    .contains("ada@example.org"), "the record is unchanged");
            String audit = Files.readString(server.server().auditLog());
            assertTrue(audit.contains("call=update principal=token remote=127.0.0.1 call-id=31 structure=contacts id=1 "
                    + "outcome=READ_ONLY last-seen=2026-11-23T05:46:31.123456Z"), audit);
            assertTrue(audit.contains("call=delete"), audit);
            assertFalse(audit.contains("secret-value"), "field values never reach the audit log: " + audit);
        }
    }

    @Test
    void excessCallsAre503WithRetryAfterNotQueued() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExternalSystemAdapter blocking = new ForwardingExternalSystemAdapter(new FakeAdapter()) {
            @Override
            public Instant getCurrentTime() throws EsaException {
                entered.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return super.getCurrentTime();
            }
        };
        try (TestServer server = TestServer.start(blocking, Map.of("max-concurrent-calls", "1"))) {
            CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.post(call("1", "<getCurrentTime/>"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            HttpResponse<String> busy = server.post(call("2", "<getAllowedRunModes/>"));
            // Queued, it would have waited for the held call, which goes on only after release below.
            assertFalse(slow.isDone(), "answered while the first call is still held: not queued");
            assertFault(busy, 503, "INTERNAL");
            assertEquals("1", busy.headers().firstValue("Retry-After").orElse(null));
            release.countDown();
            assertResult(slow.get(20, TimeUnit.SECONDS), "1");
            assertResult(server.post(call("3", "<getAllowedRunModes/>")), "3");
        } finally {
            release.countDown();
        }
    }
}
