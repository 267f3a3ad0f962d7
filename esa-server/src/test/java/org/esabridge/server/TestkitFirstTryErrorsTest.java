package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.esabridge.server.config.ServerSettings;
import org.esabridge.testkit.cli.EsaTools;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The testkit against a real server as a first try meets it: each failure names the option that fixes it,
 * and with that option the same command gets further.
 */
class TestkitFirstTryErrorsTest {

    @Test
    void aSelfSignedServerNamesTheTrustOptions() throws Exception {
        try (TestServer server = TestServer.start(new FakeAdapter(), Map.of())) {
            String err = run("check", "--url", server.esa().toString(), "--timeout", "10");
            assertTrue(err.contains("--server-data-dir") && err.contains("not trusted"), err);
        }
    }

    @Test
    void missingCredentialsAndAForeignExternalSystemIdNameTheirOptions() throws Exception {
        try (TestServer server = TestServer.start(new FakeAdapter(),
                Map.of(ServerSettings.EXTERNAL_SYSTEM_ID.name(), "crm-1"))) {
            String url = server.esa().toString();
            String dir = server.dataDir().toString();
            String withoutToken = run("sync", "--url", url, "--server-data-dir", dir, "--state-dir",
                    server.dataDir().resolve("replica-1").toString(), "--timeout", "10");
            assertTrue(withoutToken.contains("credentials") && withoutToken.contains("--token"), withoutToken);
            String foreign = run("sync", "--url", url, "--server-data-dir", dir, "--token", TestServer.TOKEN,
                    "--state-dir", server.dataDir().resolve("replica-2").toString(), "--timeout", "10");
            assertTrue(foreign.contains("external system id") && foreign.contains("--external-system-id"), foreign);
        }
    }

    /** The command's standard error (and output, where a failure may be reported). */
    private static String run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = System.err;
        PrintStream out = System.out;
        PrintStream captured = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        System.setErr(captured);
        System.setOut(captured);
        try {
            CommandLine cli = EsaTools.commandLine("esa-server", null);
            cli.setErr(new PrintWriter(captured, true));
            cli.setOut(new PrintWriter(captured, true));
            int exit = cli.execute(args);
            captured.println("exit " + exit);
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(!text.endsWith("exit 0" + System.lineSeparator()), text);
        return text;
    }
}
