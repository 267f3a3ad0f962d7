package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.net.http.HttpResponse;
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
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Replays every scenario under {@code schemas/exchanges/esa/} through the real servlet over HTTPS against
 * {@link FakeAdapter}, one fresh server per scenario, steps in file order. Format and rules:
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

    @TestFactory
    Stream<DynamicTest> everyScenarioReplays() throws IOException {
        List<Path> scenarios;
        try (Stream<Path> dirs = Files.list(DIR)) {
            scenarios = dirs.filter(Files::isDirectory).sorted().collect(Collectors.toList());
        }
        assertFalse(scenarios.isEmpty(), "no scenarios under " + DIR.toAbsolutePath());
        return scenarios.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> replay(dir)));
    }

    private static void replay(Path scenario) throws Exception {
        List<Path> requests;
        try (Stream<Path> files = Files.list(scenario)) {
            requests = files.filter(f -> f.getFileName().toString().endsWith("-request.xml")).sorted()
                    .collect(Collectors.toList());
        }
        String cursorId = null;
        String modifiedAt = null;
        try (TestServer server = TestServer.start(new FakeAdapter(), SERVER_SETTINGS)) {
            for (Path requestFile : requests) {
                String step = requestFile.getFileName().toString().replace("-request.xml", "");
                String request = Files.readString(requestFile, StandardCharsets.UTF_8);
                if (cursorId != null) {
                    request = request.replace("{{cursor-id}}", cursorId);
                }
                if (modifiedAt != null) {
                    request = request.replace("{{modified-at}}", modifiedAt);
                }
                HttpResponse<String> response = server.post(request);
                String where = scenario.getFileName() + "/" + step;
                Path statusFile = scenario.resolve(step + "-status.txt");
                Path responseFile = scenario.resolve(step + "-response.xml");
                if (RECORD) {
                    record(response, statusFile, responseFile);
                }
                int expectedStatus = Files.exists(statusFile) ? Integer.parseInt(Files.readString(statusFile).trim()) : 200;
                assertEquals(expectedStatus, response.statusCode(), where + ": status; body " + response.body());
                assertEquals(List.of(), SyncSchema.errors(response.body().getBytes(StandardCharsets.UTF_8)),
                        where + ": not valid against sync.xsd: " + response.body());
                Responses.assertNoInternals(response.body());
                String expected = Files.readString(responseFile, StandardCharsets.UTF_8);
                assertEquals(List.of(), SyncSchema.errors(expected.getBytes(StandardCharsets.UTF_8)),
                        where + ": the recorded response itself is not valid against sync.xsd");
                assertEquals(normalised(expected), normalised(response.body()), where + ": response");
                cursorId = last(LAST_CURSOR_ID, response.body(), cursorId);
                modifiedAt = last(LAST_MODIFIED_AT, response.body(), modifiedAt);
            }
        }
    }

    private static void record(HttpResponse<String> response, Path statusFile, Path responseFile) throws Exception {
        Files.writeString(responseFile, serialise(parse(response.body()), true), StandardCharsets.UTF_8);
        if (response.statusCode() != 200) {
            Files.writeString(statusFile, response.statusCode() + "\n");
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
