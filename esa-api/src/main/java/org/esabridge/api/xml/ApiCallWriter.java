package org.esabridge.api.xml;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.esabridge.api.call.ApiCall;

/**
 * Writes one Helper API call (esa-protocol.md §6) as {@code <sync><api-call call-id><NAME>…}, children in
 * the order of §6.
 */
public final class ApiCallWriter {
    private static final XMLOutputFactory FACTORY = Stax.outputFactory();

    private ApiCallWriter() {
    }

    /**
     * Writes the whole document and flushes; does not close {@code out}.
     *
     * @throws UnwritableValueException when a value holds a character XML cannot carry (nothing is written)
     */
    public static void write(OutputStream out, String callId, ApiCall call) throws IOException {
        EsaResultWriter.check("call id", callId);
        for (String text : texts(call)) {
            if (text != null) {
                EsaResultWriter.check("a value of " + call.name(), text);
            }
        }
        out.write(EsaResultWriter.DECLARATION.getBytes(StandardCharsets.UTF_8));
        try {
            XMLStreamWriter xml;
            xml = FACTORY.createXMLStreamWriter(out, "UTF-8");
            xml.writeStartElement(Wire.SYNC);
            xml.writeNamespace(Wire.XSI_PREFIX, Wire.XSI_NS);
            xml.writeStartElement(Wire.API_CALL);
            xml.writeAttribute(Wire.CALL_ID, callId);
            xml.writeStartElement(call.name());
            if (call instanceof ApiCall.StartSync) {
                xml.writeAttribute(Wire.ASYNCHRONOUS, Boolean.toString(((ApiCall.StartSync) call).asynchronous()));
            }
            element(xml, Wire.EXTERNAL_SYSTEM_ID, call.externalSystemId());
            children(xml, call);
            xml.writeEndElement();
            xml.writeEndElement();
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.flush();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException("the Helper API call could not be written", e);
        }
        out.flush();
    }

    private static void children(XMLStreamWriter xml, ApiCall call) throws XMLStreamException {
        if (call instanceof ApiCall.IsKnownId) {
            ApiCall.IsKnownId c = (ApiCall.IsKnownId) call;
            element(xml, Wire.STRUCTURE, c.structure());
            element(xml, Wire.ID, c.id());
        } else if (call instanceof ApiCall.GetParameter) {
            element(xml, Wire.NAME, ((ApiCall.GetParameter) call).parameterName());
        } else if (call instanceof ApiCall.DetectDeleted) {
            ApiCall.DetectDeleted c = (ApiCall.DetectDeleted) call;
            element(xml, Wire.AFTER, c.after());
            element(xml, Wire.STRUCTURE, c.structure());
        } else if (call instanceof ApiCall.EnumerateKnownIds) {
            ApiCall.EnumerateKnownIds c = (ApiCall.EnumerateKnownIds) call;
            element(xml, Wire.KNOWN_BEFORE, c.knownBefore());
            element(xml, Wire.STRUCTURE, c.structure());
        } else if (call instanceof ApiCall.TrackRecordDeletion) {
            ApiCall.TrackRecordDeletion c = (ApiCall.TrackRecordDeletion) call;
            element(xml, Wire.TIME, c.time());
            element(xml, Wire.STRUCTURE, c.structure());
            element(xml, Wire.ID, c.id());
        } else if (!(call instanceof ApiCall.StartSync)) {
            throw new IllegalArgumentException("no layout for Helper API call " + call.name());
        }
    }

    private static String[] texts(ApiCall call) {
        if (call instanceof ApiCall.IsKnownId) {
            ApiCall.IsKnownId c = (ApiCall.IsKnownId) call;
            return new String[] {c.externalSystemId(), c.structure(), c.id()};
        }
        if (call instanceof ApiCall.GetParameter) {
            return new String[] {call.externalSystemId(), ((ApiCall.GetParameter) call).parameterName()};
        }
        if (call instanceof ApiCall.DetectDeleted) {
            return new String[] {call.externalSystemId(), ((ApiCall.DetectDeleted) call).structure()};
        }
        if (call instanceof ApiCall.EnumerateKnownIds) {
            return new String[] {call.externalSystemId(), ((ApiCall.EnumerateKnownIds) call).structure()};
        }
        if (call instanceof ApiCall.TrackRecordDeletion) {
            ApiCall.TrackRecordDeletion c = (ApiCall.TrackRecordDeletion) call;
            return new String[] {c.externalSystemId(), c.structure(), c.id()};
        }
        return new String[] {call.externalSystemId()};
    }

    private static void element(XMLStreamWriter xml, String name, Instant value) throws XMLStreamException {
        element(xml, name, ProtocolTime.format(value));
    }

    private static void element(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        xml.writeStartElement(name);
        xml.writeCharacters(value);
        xml.writeEndElement();
    }
}
