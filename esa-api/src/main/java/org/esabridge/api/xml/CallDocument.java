package org.esabridge.api.xml;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The envelope both call writers share: {@code <sync xmlns:xsi><WRAPPER call-id><NAME>…</NAME></WRAPPER></sync>},
 * where the wrapper is {@code esa-call} ({@link EsaCallWriter}) or {@code api-call} ({@link ApiCallWriter})
 * and the call's name, attributes and children come from its line of the {@link CallTable}.
 */
final class CallDocument {
    private static final XMLOutputFactory FACTORY = Stax.outputFactory();

    private CallDocument() {
    }

    /**
     * Writes the whole document and flushes; does not close {@code out}. Every text is checked first, so a call
     * holding one that XML cannot carry leaves {@code out} untouched.
     *
     * @throws UnwritableValueException when a value holds a character XML cannot carry (nothing is written)
     */
    static void write(OutputStream out, String wrapper, String callId, Object call, String what) throws IOException {
        EsaResultWriter.check("call id", callId);
        CallSpec<?> spec = CallTable.spec(call);
        spec.check(call);
        out.write(EsaResultWriter.DECLARATION.getBytes(StandardCharsets.UTF_8));
        try {
            XMLStreamWriter xml = FACTORY.createXMLStreamWriter(out, "UTF-8");
            xml.writeStartElement(Wire.SYNC);
            xml.writeNamespace(Wire.XSI_PREFIX, Wire.XSI_NS);
            xml.writeStartElement(wrapper);
            xml.writeAttribute(Wire.CALL_ID, callId);
            xml.writeStartElement(spec.name);
            spec.write(xml, call);
            xml.writeEndElement();
            xml.writeEndElement();
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.flush();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException(what + " could not be written", e);
        }
        out.flush();
    }

    static void element(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        RecordXml.element(xml, name, value);
    }

    static void element(XMLStreamWriter xml, String name, Instant value) throws XMLStreamException {
        element(xml, name, ProtocolTime.format(value));
    }
}
