package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.testkit.cli.EsaTools;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The testkit plays the host against tables as applications have them: a LONGTEXT value of more than a million
 * characters is synced like any other (it answered "not well-formed XML" and stopped the sync).
 */
class TestkitLargeValuesTest {

    @Test
    void aValueOfTwoMillionCharactersIsSynced() throws Exception {
        FakeAdapter adapter = new FakeAdapter();
        String notes = "long text ".repeat(200_000);
        adapter.create(null, FakeAdapter.CONTACTS, new ExternalRecord("9", null,
                List.of(new FieldValue("name", "Big"), new FieldValue("notes", notes))));
        try (TestServer server = TestServer.start(adapter, Map.of())) {
            Path state = server.dataDir().resolve("replica");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream captured = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            PrintStream err = System.err;
            PrintStream out = System.out;
            System.setErr(captured);
            System.setOut(captured);
            int exit;
            try {
                CommandLine cli = EsaTools.commandLine("esa-server", null);
                cli.setErr(new PrintWriter(captured, true));
                cli.setOut(new PrintWriter(captured, true));
                exit = cli.execute("sync", "--url", server.esa().toString(), "--server-data-dir",
                        server.dataDir().toString(), "--token", TestServer.TOKEN, "--state-dir", state.toString(),
                        "--structures", FakeAdapter.CONTACTS, "--timeout", "60");
            } finally {
                System.setErr(err);
                System.setOut(out);
            }
            String output = bytes.toString(StandardCharsets.UTF_8);
            assertEquals(0, exit, output);
            assertTrue(Files.readString(state.resolve("replica.tsv")).contains("\tnotes\t" + notes), output);
        }
    }
}
