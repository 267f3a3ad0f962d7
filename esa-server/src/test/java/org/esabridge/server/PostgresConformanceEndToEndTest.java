package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.postgres.TestPostgres;
import org.esabridge.testkit.ClientTls;
import org.esabridge.testkit.ConformanceSuite;
import org.esabridge.testkit.EsaClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The conformance suite over HTTPS against esa-bridge serving PostgreSQL's demo schema, inline and paged. */
@Tag("database")
class PostgresConformanceEndToEndTest {

    private static List<ConformanceSuite.Result> check(JdbcAdapter adapter) throws Exception {
        try (TestServer server = TestServer.startLoopbackWithoutAuth(adapter, Map.of())) {
            EsaClient client = EsaClient.connect(server.esa(), ClientTls.selfSignedOf(server.dataDir()),
                    Duration.ofSeconds(30));
            return new ConformanceSuite(client, new ConformanceSuite.Options("e2e", true, null)).run(null);
        }
    }

    private static String table(List<ConformanceSuite.Result> results) {
        return results.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    @Test
    void esaBridgeOnPostgresPassesEveryCheck() throws Exception {
        TestPostgres.freshDatabase("e2e_pg_check");
        List<ConformanceSuite.Result> results = check(TestPostgres.adapter("e2e_pg_check", "demo", "true"));
        assertTrue(ConformanceSuite.passed(results), table(results));
        assertTrue(results.stream().filter(r -> r.outcome() == ConformanceSuite.Outcome.PASS).count() >= 18,
                table(results));
        assertTrue(results.stream().anyMatch(r -> r.check().contains("stale last-seen")
                && r.outcome() == ConformanceSuite.Outcome.PASS), table(results));
    }

    @Test
    void thePagedChecksPassWhenGetModifiedAnswersNull() throws Exception {
        TestPostgres.freshDatabase("e2e_pg_check_paged");
        List<ConformanceSuite.Result> results = check(TestPostgres.adapter("e2e_pg_check_paged", "demo", "true",
                "inline-threshold", "0", "page-size", "100"));
        assertTrue(ConformanceSuite.passed(results), table(results));
        assertTrue(results.stream().anyMatch(r -> r.check().startsWith("paged cursor")
                && r.outcome() == ConformanceSuite.Outcome.PASS), table(results));
    }
}
