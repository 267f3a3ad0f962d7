package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.esabridge.api.FieldValue;
import org.esabridge.server.config.ServerSettings;
import org.esabridge.testkit.ConformanceSuite;
import org.esabridge.testkit.EsaClient;
import org.esabridge.testkit.Replica;
import org.esabridge.testkit.SyncHostSimulator;
import org.esabridge.testkit.SyncReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An ESA that dials out, against the demo database, driven through the testkit's host endpoint over real
 * HTTPS: the conformance suite and two sync cycles with edits on both sides pass, as they do over HTTPS to
 * the server and over stdio, and calls handed out together are served together.
 */
class DialOutEndToEndTest {
    private static final String SCHEMA = "e2e_dial_out";

    private static TestDialOut dialOut;
    private static EsaClient client;

    @BeforeAll
    static void start() throws Exception {
        dialOut = TestDialOut.start(EndToEndDatabase.demoAdapter(SCHEMA), Map.of(
                ServerSettings.EXTERNAL_SYSTEM_ID.name(), "e2e", ServerSettings.CONNECT_PARALLEL_CALLS.name(), "2"));
        client = EsaClient.over(dialOut.host());
    }

    @AfterAll
    static void stop() {
        dialOut.close();
    }

    @Test
    void theConformanceSuitePassesOverDialOut() {
        List<ConformanceSuite.Result> results = new ConformanceSuite(client,
                new ConformanceSuite.Options("e2e", true, null)).run(null);
        String table = results.stream().map(Object::toString).collect(Collectors.joining("\n"));
        assertTrue(ConformanceSuite.passed(results), table);
        assertTrue(results.stream().filter(r -> r.outcome() == ConformanceSuite.Outcome.PASS).count() >= 18, table);
    }

    @Test
    void syncCyclesOverDialOutCarryEditsBothWays() throws Exception {
        Replica replica = new Replica();
        SyncHostSimulator.Options options = new SyncHostSimulator.Options("e2e", List.of("customers", "orders"),
                null, null);
        SyncReport first = new SyncHostSimulator(client, replica, options).run();
        assertEquals(List.of(), first.errors(), first.summary());

        EndToEndDatabase.exec(SCHEMA, "UPDATE customers SET phone = '+41 44 000 00 07' WHERE id = 3");
        replica.update("customers", "2", List.of(new FieldValue("name", "Alan over dial-out")));
        SyncReport second = new SyncHostSimulator(client, replica, options).run();
        assertEquals(List.of(), second.errors(), second.summary());
        assertEquals(List.of(), second.conflicts(), second.summary());
        assertEquals(1, second.structures().get(0).updated(), second.summary());
        assertEquals("+41 44 000 00 07", replica.structure("customers").record("3").text("phone"));
        try (Connection c = EndToEndDatabase.connect(SCHEMA);
             ResultSet rs = c.createStatement().executeQuery("SELECT name FROM customers WHERE id = 2")) {
            rs.next();
            assertEquals("Alan over dial-out", rs.getString(1));
        }
    }

    @Test
    void callsHandedOutTogetherAreServedTogether() throws Exception {
        // Two calls in flight at once: each is answered to its own call id, whichever poll took it.
        CountDownLatch bothSent = new CountDownLatch(2);
        List<CompletableFuture<Integer>> calls = List.of(1, 2).stream().map(i -> CompletableFuture.supplyAsync(() -> {
            bothSent.countDown();
            try {
                return client.getStructureList().size();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).collect(Collectors.toList());
        assertTrue(bothSent.await(60, TimeUnit.SECONDS));
        for (CompletableFuture<Integer> call : calls) {
            assertEquals(3, call.get(60, TimeUnit.SECONDS));
        }
    }
}
