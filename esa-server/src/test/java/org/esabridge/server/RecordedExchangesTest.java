package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.esabridge.api.xml.SyncSchema;
import org.esabridge.server.config.ServerConfig;
import org.esabridge.server.config.ServerSettings;
import org.esabridge.testkit.ClientTls;
import org.esabridge.testkit.EsaTransport;
import org.esabridge.testkit.HttpsTransport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Replays every scenario under {@code schemas/exchanges/esa/} against {@link FakeAdapter}, one fresh ESA per
 * scenario, steps in file order, through each transport: the real servlet over HTTPS, the command-line
 * ESA's standard input and output, and an ESA that dials out to the testkit's host endpoint over HTTPS. The
 * answers are the same documents. Format and rules:
 * {@code schemas/exchanges/README.md}. Run with {@code -Desa.exchanges.record=true} to (re)write the
 * response files from what the server answers — then read the diff before committing it.
 */
class RecordedExchangesTest {

    static final Path DIR = Path.of(System.getProperty("esa.schemas.dir", "../schemas"), "exchanges", "esa");
    static final Map<String, String> SERVER_SETTINGS = Map.of("external-system-id", "host-1", "max-body-bytes", "16384");
    private static final boolean RECORD = Boolean.getBoolean("esa.exchanges.record");

    private static final String TIMESTAMP = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,6})?Z";
    private static final Pattern LAST_CURSOR_ID = Pattern.compile("<cursor-id>([^<]*)</cursor-id>");
    private static final Pattern LAST_MODIFIED_AT = Pattern.compile("<modified-at>([^<]*)</modified-at>");

    /** The transports the scenarios are replayed through: the answers must not depend on the transport. */
    enum Transport { HTTPS, STDIO, DIAL_OUT }

    @TestFactory
    Stream<DynamicTest> everyScenarioReplays() throws IOException {
        List<Path> scenarios;
        try (Stream<Path> dirs = Files.list(DIR)) {
            scenarios = dirs.filter(Files::isDirectory).sorted().collect(Collectors.toList());
        }
        assertFalse(scenarios.isEmpty(), "no scenarios under " + DIR.toAbsolutePath());
        return Stream.of(Transport.values()).flatMap(transport -> scenarios.stream().map(dir -> DynamicTest.dynamicTest(
                transport.name().toLowerCase(java.util.Locale.ROOT) + "/" + dir.getFileName(),
                () -> replay(dir, transport))));
    }

    /** A running ESA and the host's side of its transport; closing it ends both. */
    private record Esa(AutoCloseable running, EsaTransport host) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try (running) {
                host.close();
            }
        }
    }

    /** A fresh ESA over {@code transport} with a fresh {@link FakeAdapter}. */
    private static Esa start(Transport transport) throws Exception {
        if (transport == Transport.HTTPS) {
            TestServer server = TestServer.start(new FakeAdapter(), SERVER_SETTINGS);
            return new Esa(server, new HttpsTransport(server.esa(), ClientTls.selfSignedOf(server.dataDir()),
                    Duration.ofSeconds(30), TestServer.BEARER));
        }
        if (transport == Transport.DIAL_OUT) {
            TestDialOut dialOut = TestDialOut.start(new FakeAdapter(), SERVER_SETTINGS);
            return new Esa(dialOut, dialOut.host());
        }
        Map<String, String> settings = new HashMap<>(SERVER_SETTINGS);
        settings.put(ServerSettings.DATA_DIR.name(), Files.createTempDirectory("esa-stdio-exchanges").toString());
        StdioEsa esa = StdioEsa.create(ServerConfig.from(settings, key -> false), new FakeAdapter());
        return new Esa(esa, new InProcessStdio(esa));
    }

    private static void replay(Path scenario, Transport transport) throws Exception {
        List<Path> requests;
        try (Stream<Path> files = Files.list(scenario)) {
            requests = files.filter(f -> f.getFileName().toString().endsWith("-request.xml")).sorted()
                    .collect(Collectors.toList());
        }
        String cursorId = null;
        String modifiedAt = null;
        try (Esa esa = start(transport)) {
            EsaTransport host = esa.host();
            for (Path requestFile : requests) {
                String step = requestFile.getFileName().toString().replace("-request.xml", "");
                String request = Files.readString(requestFile, StandardCharsets.UTF_8);
                if (cursorId != null) {
                    request = request.replace("{{cursor-id}}", cursorId);
                }
                if (modifiedAt != null) {
                    request = request.replace("{{modified-at}}", modifiedAt);
                }
                EsaTransport.Answer answer = host.exchange(request.getBytes(StandardCharsets.UTF_8),
                        "application/xml; charset=UTF-8");
                String body;
                try (InputStream in = answer.body()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                String where = transport + " " + scenario.getFileName() + "/" + step;
                Path statusFile = scenario.resolve(step + "-status.txt");
                Path responseFile = scenario.resolve(step + "-response.xml");
                if (RECORD && transport == Transport.HTTPS) {
                    record(answer.status(), body, statusFile, responseFile);
                }
                int expectedStatus = Files.exists(statusFile) ? Integer.parseInt(Files.readString(statusFile).trim()) : 200;
                if (answer.status() != EsaTransport.NO_STATUS) {
                    assertEquals(expectedStatus, answer.status(), where + ": status; body " + body);
                } else {
                    boolean unreadable = expectedStatus == 400 || expectedStatus == 413;
                    assertEquals(unreadable, !body.contains("response-to="), where + ": " + body);
                    if (transport == Transport.STDIO) {
                        endOfSession((InProcessStdio) host, request, unreadable, where);
                    }
                }
                assertEquals(List.of(), SyncSchema.errors(body.getBytes(StandardCharsets.UTF_8)),
                        where + ": not valid against sync.xsd: " + body);
                Responses.assertNoInternals(body);
                String expected = Files.readString(responseFile, StandardCharsets.UTF_8);
                assertEquals(List.of(), SyncSchema.errors(expected.getBytes(StandardCharsets.UTF_8)),
                        where + ": the recorded response itself is not valid against sync.xsd");
                assertEquals(normalised(expected), normalised(body), where + ": response");
                cursorId = last(LAST_CURSOR_ID, body, cursorId);
                modifiedAt = last(LAST_MODIFIED_AT, body, modifiedAt);
            }
        }
    }

    /**
     * On a pipe, a document the server answers 400 or 413 ends the session with exit code 3, and release with
     * exit code 0; the next document starts a new session, as a host starts a new process.
     */
    private static void endOfSession(InProcessStdio host, String request, boolean unreadable, String where)
            throws IOException {
        if (unreadable || request.contains("<release/>")) {
            host.sessionEnded();
            assertEquals(unreadable ? StdioEsa.EXIT_UNREADABLE : StdioEsa.EXIT_DONE, host.lastExitCode(),
                    where + ": exit code");
        }
    }

    private static void record(int status, String body, Path statusFile, Path responseFile) throws Exception {
        Files.writeString(responseFile, serialise(parse(body), true), StandardCharsets.UTF_8);
        if (status != 200) {
            Files.writeString(statusFile, status + "\n");
        } else {
            Files.deleteIfExists(statusFile);
        }
    }

    private static String last(Pattern pattern, String body, String previous) {
        String found = previous;
        Matcher matcher = pattern.matcher(body);
        while (matcher.find()) {
            found = matcher.group(1);
        }
        return found;
    }

    /**
     * The document without layout white space, with the values that differ from run to run replaced: every
     * protocol timestamp in a control element, and cursor ids. A malformed timestamp is not replaced, so it
     * still fails the comparison.
     */
    static String normalised(String xml) throws Exception {
        Document document = parse(xml);
        normalise(document.getDocumentElement());
        return serialise(document, false);
    }

    private static void normalise(Element element) {
        List<Node> children = new ArrayList<>();
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            children.add(child);
        }
        boolean hasElements = children.stream().anyMatch(c -> c.getNodeType() == Node.ELEMENT_NODE);
        for (Node child : children) {
            if (hasElements && child.getNodeType() == Node.TEXT_NODE && child.getTextContent().isBlank()) {
                element.removeChild(child);
            } else if (child.getNodeType() == Node.ELEMENT_NODE) {
                normalise((Element) child);
            }
        }
        String name = element.getTagName();
        String text = element.getTextContent();
        if (!hasElements && List.of("modified-at", "expires-at", "value").contains(name) && text.matches(TIMESTAMP)) {
            element.setTextContent("{{timestamp}}");
        } else if (name.equals("cursor-id")) {
            element.setTextContent("{{cursor-id}}");
        }
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String serialise(Document document, boolean indent) throws Exception {
        Transformer transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        transformer.setOutputProperty(OutputKeys.STANDALONE, "yes");
        if (indent) {
            transformer.setOutputProperty(OutputKeys.INDENT, "yes");
            transformer.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
        }
        StringWriter out = new StringWriter();
        transformer.transform(new DOMSource(document), new StreamResult(out));
        String text = out.toString();
        // The JDK's transformer glues the declaration to the root element.
        return text.replaceFirst("\\?><", "?>\n<") + (indent && !text.endsWith("\n") ? "\n" : "");
    }
}
