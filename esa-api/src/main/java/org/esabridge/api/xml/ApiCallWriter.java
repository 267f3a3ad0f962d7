package org.esabridge.api.xml;

import static org.esabridge.api.xml.CallDocument.element;

import java.io.IOException;
import java.io.OutputStream;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.esabridge.api.call.ApiCall;

/**
 * Writes one Helper API call (esa-protocol.md §6) as {@code <sync><api-call call-id><NAME>…}, children in
 * the order of §6.
 */
public final class ApiCallWriter {
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
        CallDocument.write(out, Wire.API_CALL, callId, call.name(), xml -> {
            if (call instanceof ApiCall.StartSync) {
                xml.writeAttribute(Wire.ASYNCHRONOUS, Boolean.toString(((ApiCall.StartSync) call).asynchronous()));
            }
            element(xml, Wire.EXTERNAL_SYSTEM_ID, call.externalSystemId());
            children(xml, call);
        }, "the Helper API call");
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
}
