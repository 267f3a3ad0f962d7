package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.testkit.ClientTls;
import org.esabridge.testkit.ConformanceSuite;
import org.esabridge.testkit.EsaClient;
import org.esabridge.testkit.cli.EsaTools;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code check} passes against esa-bridge itself and names the rule a broken ESA breaks. */
@Tag("database")
class ConformanceCheckEndToEndTest {

    private static List<ConformanceSuite.Result> check(TestServer server) throws Exception {
        EsaClient client = EsaClient.connect(server.esa(), ClientTls.selfSignedOf(server.dataDir()), Duration.ofSeconds(30));
        return new ConformanceSuite(client, new ConformanceSuite.Options("e2e", true, null)).run(null);
    }

    private static String table(List<ConformanceSuite.Result> results) {
        return results.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    @Test
    void esaBridgePassesEveryCheck() throws Exception {
        try (TestServer server = TestServer.startLoopbackWithoutAuth(EndToEndDatabase.demoAdapter("e2e_check"), Map.of())) {
            List<ConformanceSuite.Result> results = check(server);
            assertTrue(ConformanceSuite.passed(results), table(results));
            assertTrue(results.stream().filter(r -> r.outcome() == ConformanceSuite.Outcome.PASS).count() >= 18,
                    table(results));
            assertTrue(results.stream().anyMatch(r -> r.check().contains("stale last-seen")
                    && r.outcome() == ConformanceSuite.Outcome.PASS), table(results));

            // The same through the command line of the runnable jar: exit code 0.
            int exit = run("check", "--url", server.esa().toString(), "--server-data-dir", server.dataDir().toString());
            assertEquals(0, exit);
        }
    }

    @Test
    void thePagedChecksPassWhenGetModifiedAnswersNull() throws Exception {
        try (TestServer server = TestServer.startLoopbackWithoutAuth(EndToEndDatabase.demoAdapter("e2e_check_paged",
                "inline-threshold", "0", "page-size", "100"), Map.of())) {
            List<ConformanceSuite.Result> results = check(server);
            assertTrue(ConformanceSuite.passed(results), table(results));
            assertTrue(results.stream().anyMatch(r -> r.check().startsWith("paged cursor")
                    && r.outcome() == ConformanceSuite.Outcome.PASS), table(results));
        }
    }

    @Test
    void anEsaThatIgnoresLastSeenFailsWithTheReason() throws Exception {
        ExternalSystemAdapter broken = new IgnoresLastSeenAdapter(EndToEndDatabase.demoAdapter("e2e_broken"));
        try (TestServer server = TestServer.startLoopbackWithoutAuth(broken, Map.of())) {
            List<ConformanceSuite.Result> results = check(server);
            assertTrue(!ConformanceSuite.passed(results), table(results));
            List<ConformanceSuite.Result> failed = results.stream()
                    .filter(r -> r.outcome() == ConformanceSuite.Outcome.FAIL).collect(Collectors.toList());
            assertEquals(2, failed.size(), table(results));
            assertTrue(failed.get(0).check().startsWith("update with stale last-seen"), table(results));
            assertTrue(failed.get(0).reason().contains("lost update"), failed.get(0).reason());
            assertTrue(failed.get(1).check().startsWith("delete with stale last-seen"), table(results));
            assertTrue(failed.get(1).reason().contains("lost update"), failed.get(1).reason());

            int exit = run("check", "--url", server.esa().toString(), "--insecure");
            assertEquals(1, exit);
        }
    }

    @Test
    void checkAuthenticatesWithTheGivenToken() throws Exception {
        try (TestServer server = TestServer.start(EndToEndDatabase.demoAdapter("e2e_check_auth"), Map.of())) {
            String url = server.esa().toString();
            String dir = server.dataDir().toString();
            assertEquals(0, run("check", "--url", url, "--server-data-dir", dir, "--token", TestServer.TOKEN));
            assertEquals(1, run("check", "--url", url, "--server-data-dir", dir, "--read-only"),
                    "without credentials every call is refused");
        }
    }

    @Test
    void checkAgainstNothingFailsClearly() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = run("check", "--url", "https://127.0.0.1:1/esa", "--insecure", "--timeout", "5");
        } finally {
            System.setErr(err);
        }
        assertEquals(1, exit, captured.toString(StandardCharsets.UTF_8));
    }

    private static int run(String... args) {
        return EsaTools.commandLine("esa-server", null).execute(args);
    }
}
