package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.esabridge.api.xml.SyncSchema;
import org.esabridge.api.xml.XmlDocumentStream;
import org.esabridge.server.config.ServerConfig;
import org.esabridge.server.config.ServerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The command-line ESA in this JVM ({@link StdioEsa#serve} on byte streams) against the demo database: one
 * answer per document in turn, and a malformed, an oversized and a cut-off document each answered with a
 * fault, exit code {@value StdioEsa#EXIT_UNREADABLE}, and nothing of them in the database.
 */
class StdioSessionTest {
    private static final String SCHEMA = "stdio_session";
    private static final int MAX_BODY_BYTES = 4096;

    private static Path dataDir;
    private static StdioEsa esa;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("esa-stdio-test");
        ServerConfig config = ServerConfig.from(Map.of(ServerSettings.DATA_DIR.name(), dataDir.toString(),
                ServerSettings.MAX_BODY_BYTES.name(), Integer.toString(MAX_BODY_BYTES)), key -> false);
        esa = StdioEsa.create(config, EndToEndDatabase.demoAdapter(SCHEMA));
    }

    @AfterAll
    static void stop() {
        esa.close();
    }

    /** What one run of the process would print, and its exit code. */
    private record Session(int exitCode, List<String> answers) {
    }

    private static Session serve(String input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = esa.serve(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out);
        XmlDocumentStream documents = new XmlDocumentStream(new ByteArrayInputStream(out.toByteArray()));
        List<String> answers = new ArrayList<>();
        for (InputStream answer = documents.next(); answer != null; answer = documents.next()) {
            String text = new String(answer.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(List.of(), SyncSchema.errors(text.getBytes(StandardCharsets.UTF_8)), text);
            answers.add(text);
        }
        assertFalse(documents.broken(), "standard output holds whole documents only: " + out);
        return new Session(exit, answers);
    }

    private static String call(String callId, String call) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sync><esa-call call-id=\"" + callId + "\">" + call
                + "</esa-call></sync>\n";
    }

    private static String create(String callId, String name) {
        return call(callId, "<create><structure>customers</structure><record><field name=\"name\">" + name
                + "</field><field name=\"email\">" + name.length() + "@example.org</field></record></create>");
    }

    private static int customersNamed(String name) throws Exception {
        try (Connection c = EndToEndDatabase.connect(SCHEMA);
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM customers WHERE name LIKE '"
                     + name + "%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void eachDocumentIsAnsweredInTurnUntilRelease() throws Exception {
        Session session = serve(call("1", "<getCurrentTime/>") + "  \n\n" + create("2", "Stdio Turn")
                + "<sync><esa-call call-id=\"3\"><release/></esa-call></sync>" + create("4", "Stdio After Release"));
        assertEquals(StdioEsa.EXIT_DONE, session.exitCode());
        assertEquals(3, session.answers().size(), session.answers().toString());
        assertTrue(session.answers().get(0).contains("<result response-to=\"1\"><value>"), session.answers().get(0));
        assertTrue(session.answers().get(1).contains("<result response-to=\"2\"><record>"), session.answers().get(1));
        assertTrue(session.answers().get(2).contains("<result response-to=\"3\"/>"), session.answers().get(2));
        assertEquals(1, customersNamed("Stdio Turn"));
        assertEquals(0, customersNamed("Stdio After Release"), "nothing is read after release");
        String audit = Files.readString(dataDir.resolve("audit.log"));
        assertTrue(audit.contains("call=create principal=stdio remote=stdio call-id=2 structure=customers"), audit);
    }

    @Test
    void inputEndingBetweenDocumentsEndsTheSession() throws Exception {
        Session session = serve(call("1", "<getAllowedRunModes/>") + "\n");
        assertEquals(StdioEsa.EXIT_DONE, session.exitCode());
        assertEquals(1, session.answers().size());
    }

    @Test
    void aMalformedDocumentIsAnsweredWithAFaultAndNothingAfterItRuns() throws Exception {
        Session session = serve(create("1", "Stdio Before Malformed")
                + "<sync><esa-call call-id=\"2\"><getStructureList></esa-call></sync>\n"
                + create("3", "Stdio After Malformed"));
        assertEquals(StdioEsa.EXIT_UNREADABLE, session.exitCode());
        assertEquals(2, session.answers().size(), session.answers().toString());
        assertFault(session.answers().get(1), "MALFORMED_REQUEST", "the body is not well-formed XML");
        assertEquals(1, customersNamed("Stdio Before Malformed"));
        assertEquals(0, customersNamed("Stdio After Malformed"));
    }

    @Test
    void anOversizedDocumentIsAnsweredTooLargeAndNotStored() throws Exception {
        Session session = serve(create("1", "Stdio Oversized " + "x".repeat(MAX_BODY_BYTES)));
        assertEquals(StdioEsa.EXIT_UNREADABLE, session.exitCode());
        assertEquals(1, session.answers().size());
        assertFault(session.answers().get(0), "TOO_LARGE", "the request body exceeds the configured limit");
        assertEquals(0, customersNamed("Stdio Oversized"));
    }

    @Test
    void inputEndingInsideADocumentIsAnsweredWithAFaultAndNotStored() throws Exception {
        String whole = create("1", "Stdio Cut Off");
        Session session = serve(whole.substring(0, whole.indexOf("</field>") + 3));
        assertEquals(StdioEsa.EXIT_UNREADABLE, session.exitCode());
        assertEquals(1, session.answers().size());
        assertFault(session.answers().get(0), "MALFORMED_REQUEST", "the body is not well-formed XML");
        assertEquals(0, customersNamed("Stdio Cut Off"));
    }

    private static void assertFault(String answer, String code, String message) {
        assertTrue(answer.contains("<result><exception type=\"EsaException\" code=\"" + code + "\"><message>" + message),
                answer);
    }
}
