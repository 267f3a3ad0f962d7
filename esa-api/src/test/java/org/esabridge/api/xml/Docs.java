package org.esabridge.api.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.esabridge.api.call.EsaRequest;

/** Builds request documents for tests and checks documents against sync.xsd. */
final class Docs {
    private Docs() {
    }

    static final String PROLOG = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

    /** A whole {@code <esa-call>} document around the call element. */
    static String esaCall(String callId, String callXml) {
        return PROLOG + "<sync xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xsi:noNamespaceSchemaLocation=\"sync.xsd\">\n"
                + "  <esa-call call-id=\"" + callId + "\">" + callXml + "</esa-call>\n</sync>\n";
    }

    static byte[] bytes(String document) {
        return document.getBytes(StandardCharsets.UTF_8);
    }

    static void assertValid(byte[] document) {
        List<String> errors = SyncSchema.errors(document);
        assertEquals(List.of(), errors, () -> new String(document, StandardCharsets.UTF_8));
    }

    static void assertValid(String document) {
        assertValid(bytes(document));
    }

    static EsaRequest read(String document) throws EsaRequestException {
        return new EsaCallReader(XmlLimits.defaults()).read(new ByteArrayInputStream(bytes(document)));
    }

    interface Writing {
        void write(EsaResultWriter writer) throws IOException;
    }

    /** A result document written by {@link EsaResultWriter}: begin, the entries, end. */
    static byte[] result(String responseTo, Writing entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (EsaResultWriter writer = new EsaResultWriter(out)) {
            writer.begin(responseTo);
            entries.write(writer);
            writer.end();
        }
        return out.toByteArray();
    }
}
