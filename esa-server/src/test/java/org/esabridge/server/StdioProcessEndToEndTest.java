package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.esabridge.api.FieldValue;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.TestDatabase;
import org.esabridge.server.config.ServerSettings;
import org.esabridge.testkit.ConformanceSuite;
import org.esabridge.testkit.EsaClient;
import org.esabridge.testkit.Replica;
import org.esabridge.testkit.StdioTransport;
import org.esabridge.testkit.SyncHostSimulator;
import org.esabridge.testkit.SyncReport;
import org.esabridge.testkit.cli.EsaTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line ESA as a host runs it: {@code Main stdio --config FILE} in a child JVM (this test's class
 * path) against the demo database, driven by the testkit's {@link StdioTransport}, which starts the process
 * again after every release. The conformance suite and two sync cycles with edits on both sides pass, as
 * they do over HTTPS.
 */
class StdioProcessEndToEndTest {
    private static final String SCHEMA = "e2e_stdio";

    private static List<String> command;

    @TempDir
    static Path dir;

    @BeforeAll
    static void configure() throws IOException {
        EndToEndDatabase.demoAdapter(SCHEMA).close(); // creates the demo tables once
        Properties config = new Properties();
        config.putAll(TestDatabase.settings(SCHEMA));
        config.put(ServerSettings.DATA_DIR.name(), dir.resolve("data").toString());
        config.put(JdbcAdapterConfig.DEMO, "true");
        Path file = dir.resolve("esa.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            config.store(out, null);
        }
        command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.timezone=" + System.getProperty("user.timezone"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "stdio", "--config", file.toString());
    }

    private static String table(List<ConformanceSuite.Result> results) {
        return results.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    @Test
    void theConformanceSuitePassesOverStdio() throws Exception {
        StdioTransport stdio = new StdioTransport(command);
        try (EsaClient client = EsaClient.over(stdio)) {
            List<ConformanceSuite.Result> results = new ConformanceSuite(client,
                    new ConformanceSuite.Options("e2e", true, null)).run(null);
            assertTrue(ConformanceSuite.passed(results), table(results));
            assertTrue(results.stream().filter(r -> r.outcome() == ConformanceSuite.Outcome.PASS).count() >= 18,
                    table(results));
        }
        // The malformed and the DOCTYPE document each end a process (exit 3), release the last one (exit 0).
        assertEquals(3, stdio.starts());
        assertEquals(StdioEsa.EXIT_DONE, stdio.lastExitCode());
    }

    @Test
    void checkRunsAStdioEsaFromTheCommandLine() {
        int exit = EsaTools.commandLine("esa-server", null).execute("check", "--read-only", "--stdio",
                String.join(" ", command));
        assertEquals(0, exit);
    }

    @Test
    void syncCyclesOverStdioCarryEditsBothWays() throws Exception {
        Replica replica = new Replica();
        SyncHostSimulator.Options options = new SyncHostSimulator.Options("e2e", List.of("customers", "orders"),
                null, null);
        StdioTransport stdio = new StdioTransport(command);
        try (EsaClient client = EsaClient.over(stdio)) {
            SyncReport first = new SyncHostSimulator(client, replica, options).run();
            assertEquals(List.of(), first.errors(), first.summary());
            assertTrue(stats(first, "customers").records() >= 3, first.summary());

            EndToEndDatabase.exec(SCHEMA, "UPDATE customers SET phone = '+41 44 000 00 09' WHERE id = 2");
            replica.update("customers", "1", List.of(new FieldValue("name", "Ada over stdio")));
            SyncReport second = new SyncHostSimulator(client, replica, options).run();
            assertEquals(List.of(), second.errors(), second.summary());
            assertEquals(List.of(), second.conflicts(), second.summary());
            assertEquals(1, stats(second, "customers").updated(), second.summary());
            assertEquals("+41 44 000 00 09", replica.structure("customers").record("2").text("phone"));
        }
        assertEquals(2, stdio.starts(), "one process per sync");
        assertEquals(StdioEsa.EXIT_DONE, stdio.lastExitCode());
        try (Connection c = EndToEndDatabase.connect(SCHEMA);
             ResultSet rs = c.createStatement().executeQuery("SELECT name FROM customers WHERE id = 1")) {
            rs.next();
            assertEquals("Ada over stdio", rs.getString(1));
        }
        List<String> audit = new ArrayList<>(Files.readAllLines(dir.resolve("data").resolve("audit.log")));
        assertTrue(audit.stream().anyMatch(l -> l.contains("call=update principal=stdio remote=stdio")), audit.toString());
    }

    private static SyncReport.StructureStats stats(SyncReport report, String structure) {
        return report.structures().stream().filter(s -> s.structure().equals(structure)).findFirst().orElseThrow();
    }
}
