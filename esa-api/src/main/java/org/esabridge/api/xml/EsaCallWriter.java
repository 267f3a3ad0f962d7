package org.esabridge.api.xml;

import static org.esabridge.api.xml.CallDocument.element;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.call.EsaCall;

/**
 * The host's side of {@link EsaCallReader}: writes one call as {@code <sync><esa-call call-id><NAME>…},
 * children in the order of esa-protocol.md §5, names from {@link Wire}. Optional children that are null
 * ({@code locale}, a record's id or modified-at) are left out; {@code force} is always written.
 *
 * <p>Every string is checked for characters XML 1.0 cannot carry before anything is written, so a refused
 * call leaves the stream untouched. A carriage return in a field value is written as {@code &#13;} so that
 * it survives the reader's line-end normalisation, as {@link EsaResultWriter} does.
 */
public final class EsaCallWriter {
    private EsaCallWriter() {
    }

    /**
     * Writes the whole document and flushes; does not close {@code out}.
     *
     * @throws UnwritableValueException when a value holds a character XML cannot carry (nothing is written)
     */
    public static void write(OutputStream out, String callId, EsaCall call) throws IOException {
        EsaResultWriter.check("call id", callId);
        checkTexts(call);
        CallDocument.write(out, Wire.ESA_CALL, callId, call.name(), xml -> children(xml, call), "the ESA call");
    }

    // One instanceof chain over the sealed calls, in the order of the protocol page; a call without
    // children falls through to the end. EsaCallWriterTest proves every permitted type round-trips.
    private static void children(XMLStreamWriter xml, EsaCall call) throws XMLStreamException {
        if (call instanceof EsaCall.StartSync) {
            element(xml, Wire.EXTERNAL_SYSTEM_ID, ((EsaCall.StartSync) call).externalSystemId());
        } else if (call instanceof EsaCall.Configure) {
            EsaCall.Configure c = (EsaCall.Configure) call;
            element(xml, Wire.EXTERNAL_SYSTEM_ID, c.externalSystemId());
            element(xml, Wire.FORCE, Boolean.toString(c.force()));
        } else if (call instanceof EsaCall.GetFieldList) {
            EsaCall.GetFieldList c = (EsaCall.GetFieldList) call;
            element(xml, Wire.STRUCTURE, c.structure());
            optional(xml, Wire.LOCALE, c.locale());
        } else if (call instanceof EsaCall.GetRelations) {
            EsaCall.GetRelations c = (EsaCall.GetRelations) call;
            element(xml, Wire.STRUCTURE, c.structure());
            optional(xml, Wire.LOCALE, c.locale());
        } else if (call instanceof EsaCall.GetParametersMeta) {
            optional(xml, Wire.LOCALE, ((EsaCall.GetParametersMeta) call).locale());
        } else if (call instanceof EsaCall.GetModified) {
            EsaCall.GetModified c = (EsaCall.GetModified) call;
            structureAfter(xml, c.structure(), c.after());
        } else if (call instanceof EsaCall.GetModifiedPaged) {
            EsaCall.GetModifiedPaged c = (EsaCall.GetModifiedPaged) call;
            structureAfter(xml, c.structure(), c.after());
        } else if (call instanceof EsaCall.GetDeleted) {
            EsaCall.GetDeleted c = (EsaCall.GetDeleted) call;
            structureAfter(xml, c.structure(), c.after());
        } else if (call instanceof EsaCall.GetDeletedPaged) {
            EsaCall.GetDeletedPaged c = (EsaCall.GetDeletedPaged) call;
            structureAfter(xml, c.structure(), c.after());
        } else if (call instanceof EsaCall.ReadDataPage) {
            EsaCall.ReadDataPage c = (EsaCall.ReadDataPage) call;
            element(xml, Wire.CURSOR_ID, c.cursorId());
            element(xml, Wire.PAGE_INDEX, Long.toString(c.pageIndex()));
        } else if (call instanceof EsaCall.CloseCursor) {
            element(xml, Wire.CURSOR_ID, ((EsaCall.CloseCursor) call).cursorId());
        } else if (call instanceof EsaCall.Read) {
            EsaCall.Read c = (EsaCall.Read) call;
            element(xml, Wire.STRUCTURE, c.structure());
            element(xml, Wire.ID, c.id());
        } else if (call instanceof EsaCall.Create) {
            EsaCall.Create c = (EsaCall.Create) call;
            element(xml, Wire.STRUCTURE, c.structure());
            RecordXml.write(xml, c.record());
        } else if (call instanceof EsaCall.Update) {
            EsaCall.Update c = (EsaCall.Update) call;
            element(xml, Wire.STRUCTURE, c.structure());
            element(xml, Wire.LAST_SEEN, c.lastSeen());
            RecordXml.write(xml, c.record());
        } else if (call instanceof EsaCall.Delete) {
            EsaCall.Delete c = (EsaCall.Delete) call;
            element(xml, Wire.STRUCTURE, c.structure());
            element(xml, Wire.LAST_SEEN, c.lastSeen());
            element(xml, Wire.ID, c.id());
        } else if (call instanceof EsaCall.CheckDelayedCreate) {
            EsaCall.CheckDelayedCreate c = (EsaCall.CheckDelayedCreate) call;
            structureToken(xml, c.structure(), c.token());
        } else if (call instanceof EsaCall.CheckDelayedUpdate) {
            EsaCall.CheckDelayedUpdate c = (EsaCall.CheckDelayedUpdate) call;
            structureToken(xml, c.structure(), c.token());
        } else if (call instanceof EsaCall.CheckDelayedDelete) {
            EsaCall.CheckDelayedDelete c = (EsaCall.CheckDelayedDelete) call;
            structureToken(xml, c.structure(), c.token());
        } else if (call instanceof EsaCall.CountRange) {
            EsaCall.CountRange c = (EsaCall.CountRange) call;
            element(xml, Wire.STRUCTURE, c.structure());
            element(xml, Wire.MIN_ID, c.minId());
            element(xml, Wire.MAX_ID, c.maxId());
        }
        // endSync, getAllowedRunModes, getStructureList, leaseSession, getCurrentTime, needSyncAgain and
        // release have no children.
    }

    private static void structureAfter(XMLStreamWriter xml, String structure, Instant after) throws XMLStreamException {
        element(xml, Wire.STRUCTURE, structure);
        element(xml, Wire.AFTER, after);
    }

    private static void structureToken(XMLStreamWriter xml, String structure, String token) throws XMLStreamException {
        element(xml, Wire.STRUCTURE, structure);
        element(xml, Wire.TOKEN, token);
    }

    private static void optional(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        if (value != null) {
            element(xml, name, value);
        }
    }

    /** Every string of the call, checked before the first byte is written. */
    private static void checkTexts(EsaCall call) throws UnwritableValueException {
        for (java.lang.reflect.RecordComponent component : call.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(call);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + component.getName() + " of " + call.name(), e);
            }
            if (value instanceof String) {
                EsaResultWriter.check(call.name() + ", " + component.getName(), (String) value);
            } else if (value instanceof ExternalRecord) {
                ExternalRecord record = (ExternalRecord) value;
                if (record.id() != null) {
                    EsaResultWriter.check(call.name() + ", record id", record.id());
                }
                for (FieldValue field : record.fields()) {
                    EsaResultWriter.check(call.name() + ", name of a field", field.name());
                    if (field.text() != null) {
                        EsaResultWriter.check(call.name() + ", field " + field.name(), field.text());
                    }
                }
            }
        }
    }
}
