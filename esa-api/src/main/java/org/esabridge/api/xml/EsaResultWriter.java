package org.esabridge.api.xml;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.esabridge.api.Cursor;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaParameter;
import org.esabridge.api.EsaRecordDelayedException;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.ExternalField;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.FieldValue;
import org.esabridge.api.Relation;
import org.esabridge.api.ResultSink;

/**
 * Writes one {@code <sync><result>} document (esa-protocol.md §2, §4) straight to a stream, entry by
 * entry, holding nothing but the entry being written: {@link #begin}, any number of entries, then
 * {@link #end} — or {@link #fail} when the call fails after {@code begin}.
 *
 * <p>A result that fails after entries were written ends with an {@code <exception>} after those entries
 * (sync.xsd allows it); the host must discard the entries of a result that carries an exception.
 *
 * <p>Before an entry is written, every string in it is checked for characters XML 1.0 cannot carry; such an
 * entry is refused whole with {@link UnwritableValueException}, and the document stays well-formed. A
 * carriage return in a value is written as {@code &#13;} so that it survives the reader's line-end
 * normalisation.
 *
 * <p>Not thread-safe: one writer per response.
 */
public final class EsaResultWriter implements EncodedRecordSink, AutoCloseable {
    static final String DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

    private static final XMLOutputFactory FACTORY = Stax.outputFactory();

    private enum State { NEW, OPEN, DONE }

    private final OutputStream out;
    private BufferedOutputStream buffered;
    private XMLStreamWriter xml;
    /** Whether the StAX writer may hold output (or an open start tag) that raw record bytes must follow. */
    private boolean staxPending;
    private final RecordEncoder records = new RecordEncoder();
    private State state = State.NEW;

    /** A writer on {@code out}; nothing is written before {@link #begin}. Does not close {@code out}. */
    public EsaResultWriter(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out == null");
    }

    /**
     * Writes a whole fault document: {@code <sync><result response-to?><exception type code>}, with
     * structure, id and modified-at of an {@link EsaRecordException} and the token of an
     * {@link EsaRecordDelayedException}.
     *
     * @param responseTo the call id, or null when the request was refused before it was known
     */
    public static void writeFault(OutputStream out, String responseTo, EsaException fault) throws IOException {
        EsaResultWriter writer = new EsaResultWriter(out);
        writer.open(responseTo);
        writer.fail(fault);
    }

    /** Writes the declaration, {@code <sync>} and {@code <result response-to>}. */
    public void begin(String responseTo) throws IOException {
        open(Objects.requireNonNull(responseTo, "responseTo == null"));
    }

    private void open(String responseTo) throws IOException {
        if (state != State.NEW) {
            throw new IllegalStateException("begin() was called already");
        }
        if (responseTo != null) {
            check("response-to", responseTo);
        }
        out.write(DECLARATION.getBytes(StandardCharsets.UTF_8));
        try {
            // A servlet stream takes a lock per write, so the writer's output goes through a buffer. end()
            // flushes it; a result never ended is never flushed, so it stays cut off, as close() promises.
            buffered = new BufferedOutputStream(out, 64 * 1024);
            // Records are written as bytes beside the StAX writer (RecordEncoder), which is flushed into the
            // buffer first; its flushes stop at the buffer, so only end() pushes bytes to the client.
            xml = FACTORY.createXMLStreamWriter(new FlushStops(buffered), "UTF-8");
            staxPending = true;
            xml.writeStartElement(Wire.SYNC);
            xml.writeNamespace(Wire.XSI_PREFIX, Wire.XSI_NS);
            xml.writeStartElement(Wire.RESULT);
            if (responseTo != null) {
                xml.writeAttribute(Wire.RESPONSE_TO, responseTo);
            }
        } catch (XMLStreamException e) {
            throw io(e);
        }
        state = State.OPEN;
    }

    @Override
    public void record(ExternalRecord record) throws IOException {
        requireOpen();
        if (!records.encode(record)) {
            // The messages are built only for a refused record: this runs for every record of every page.
            if (record.id() != null) {
                check(where(record) + ", id", record.id());
            }
            for (FieldValue field : record.fields()) {
                check(where(record) + ", name of a field", field.name());
                if (field.text() != null) {
                    check(where(record) + ", field " + field.name(), field.text());
                }
            }
            throw new UnwritableValueException(where(record) + " could not be written");
        }
        beforeBytes();
        records.writeTo(buffered);
    }

    /** Writes records encoded ahead; the bytes are those {@link #record} writes for each of them. */
    @Override
    public void records(EncodedRecords encoded) throws IOException {
        requireOpen();
        beforeBytes();
        encoded.writeTo(buffered);
    }

    /** Closes an open start tag ({@code >}) and moves what StAX holds into the buffer, before raw record bytes. */
    private void beforeBytes() throws IOException {
        if (staxPending) {
            try {
                xml.writeCharacters("");
                xml.flush();
            } catch (XMLStreamException e) {
                throw io(e);
            }
            staxPending = false;
        }
    }

    /**
     * What of {@code record} {@link #record} would refuse for a character XML 1.0 cannot carry: {@code "id"},
     * {@code "name of a field"} or {@code "field <name>"}; null when every text of it can be written. Lets a
     * producer that caught the refusal say what to fix (the exception's message holds the raw id).
     */
    public static String unwritablePart(ExternalRecord record) {
        if (record.id() != null && XmlChars.firstIllegal(record.id()) >= 0) {
            return "id";
        }
        for (FieldValue field : record.fields()) {
            if (XmlChars.firstIllegal(field.name()) >= 0) {
                return "name of a field";
            }
            if (field.text() != null && XmlChars.firstIllegal(field.text()) >= 0) {
                return "field " + field.name();
            }
        }
        return null;
    }

    private static String where(ExternalRecord record) {
        return record.id() == null ? "a record" : "record " + record.id();
    }

    @Override
    public void id(String id) throws IOException {
        check("id", id);
        writing();
        element(Wire.ID, id);
    }

    /** A {@code <value>}: a version, a count, a stored id, a boolean or a timestamp in its text form. */
    public void value(String value) throws IOException {
        check("value", value);
        writing();
        element(Wire.VALUE, value);
    }

    /** A timestamp {@code <value>}, in {@link ProtocolTime} form. */
    public void value(Instant value) throws IOException {
        value(ProtocolTime.format(value));
    }

    /** The protocol's NULL answer, {@code <nullValue>true</nullValue>}. */
    public void nullValue() throws IOException {
        writing();
        element(Wire.NULL_VALUE, "true");
    }

    public void cursor(Cursor cursor) throws IOException {
        check("cursor id", cursor.cursorId());
        writing();
        try {
            xml.writeStartElement(Wire.CURSOR);
            element(Wire.CURSOR_ID, cursor.cursorId());
            element(Wire.TYPE, cursor.type().name());
            element(Wire.PAGE_COUNT, Long.toString(cursor.pageCount()));
            element(Wire.PAGE_SIZE, Integer.toString(cursor.pageSize()));
            element(Wire.TOTAL, Long.toString(cursor.total()));
            element(Wire.EXPIRES_AT, ProtocolTime.format(cursor.expiresAt()));
            xml.writeEndElement();
        } catch (XMLStreamException e) {
            throw io(e);
        }
    }

    public void structure(ExternalStructure structure) throws IOException {
        check("structure name", structure.name());
        check("label of structure " + structure.name(), structure.label());
        writing();
        try {
            xml.writeStartElement(Wire.EXTERNAL_STRUCTURE);
            element(Wire.NAME, structure.name());
            element(Wire.LABEL, structure.label());
            element(Wire.WRITABLE, Boolean.toString(structure.writable()));
            xml.writeEndElement();
        } catch (XMLStreamException e) {
            throw io(e);
        }
    }

    public void field(ExternalField field) throws IOException {
        check("field name", field.name());
        check("label of field " + field.name(), field.label());
        writing();
        try {
            xml.writeStartElement(Wire.FIELD);
            element(Wire.NAME, field.name());
            element(Wire.LABEL, field.label());
            element(Wire.TYPE, field.type().name());
            if (field.length() != null) {
                element(Wire.LENGTH, field.length().toString());
            }
            element(Wire.REQUIRED, Boolean.toString(field.required()));
            element(Wire.READ_ONLY, Boolean.toString(field.readOnly()));
            xml.writeEndElement();
        } catch (XMLStreamException e) {
            throw io(e);
        }
    }

    public void relation(Relation relation) throws IOException {
        check("relation name", relation.name());
        check("label of relation " + relation.name(), relation.label());
        check("field of relation " + relation.name(), relation.field());
        check("target structure of relation " + relation.name(), relation.targetStructure());
        check("target field of relation " + relation.name(), relation.targetField());
        writing();
        try {
            xml.writeStartElement(Wire.RELATION);
            element(Wire.NAME, relation.name());
            element(Wire.LABEL, relation.label());
            element(Wire.FIELD, relation.field());
            element(Wire.TARGET_STRUCTURE, relation.targetStructure());
            element(Wire.TARGET_FIELD, relation.targetField());
            element(Wire.MULTIPLE, Boolean.toString(relation.multiple()));
            xml.writeEndElement();
        } catch (XMLStreamException e) {
            throw io(e);
        }
    }

    public void parameter(EsaParameter parameter) throws IOException {
        check("parameter name", parameter.name());
        check("label of parameter " + parameter.name(), parameter.label());
        List<String> all = new ArrayList<>(parameter.defaultValues());
        all.addAll(parameter.choices());
        for (String value : all) {
            check("a value of parameter " + parameter.name(), value);
        }
        writing();
        try {
            xml.writeStartElement(Wire.ESA_PARAMETER);
            element(Wire.NAME, parameter.name());
            element(Wire.LABEL, parameter.label());
            element(Wire.TYPE, parameter.type().name());
            element(Wire.REQUIRED, Boolean.toString(parameter.required()));
            element(Wire.MULTI_VALUE, Boolean.toString(parameter.multiValue()));
            for (String value : parameter.defaultValues()) {
                element(Wire.DEFAULT_VALUE, value);
            }
            for (String choice : parameter.choices()) {
                element(Wire.CHOICE, choice);
            }
            xml.writeEndElement();
        } catch (XMLStreamException e) {
            throw io(e);
        }
    }

    /**
     * Ends the result with an {@code <exception>} after whatever entries were written, then ends the
     * document. Characters XML cannot carry in the fault's texts are replaced, as they are for humans only.
     */
    public void fail(EsaException fault) throws IOException {
        writing();
        try {
            xml.writeStartElement(Wire.EXCEPTION);
            xml.writeAttribute(Wire.EXCEPTION_TYPE, fault.type());
            xml.writeAttribute(Wire.EXCEPTION_CODE, fault.code().name());
            element(Wire.MESSAGE, XmlChars.sanitize(fault.getMessage() == null ? fault.code().name()
                    : fault.getMessage()));
            if (fault instanceof EsaRecordException) {
                EsaRecordException recordFault = (EsaRecordException) fault;
                if (recordFault.structure() != null) {
                    element(Wire.STRUCTURE, XmlChars.sanitize(recordFault.structure()));
                }
                if (recordFault.id() != null) {
                    element(Wire.ID, XmlChars.sanitize(recordFault.id()));
                }
                if (recordFault.modifiedAt() != null) {
                    element(Wire.MODIFIED_AT, ProtocolTime.format(recordFault.modifiedAt()));
                }
            }
            if (fault instanceof EsaRecordDelayedException) {
                String token = ((EsaRecordDelayedException) fault).token();
                if (token != null) {
                    element(Wire.TOKEN, XmlChars.sanitize(token));
                }
            }
            xml.writeEndElement();
        } catch (XMLStreamException e) {
            throw io(e);
        }
        end();
    }

    /** Closes {@code <result>} and {@code <sync>} and flushes the stream. */
    public void end() throws IOException {
        writing();
        try {
            xml.writeEndElement();
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.flush();
        } catch (XMLStreamException e) {
            throw io(e);
        }
        buffered.flush();
        out.flush();
        state = State.DONE;
    }

    /**
     * Releases the XML writer without closing the stream. A document not ended by {@link #end} or
     * {@link #fail} stays cut off, which a reader rejects: better than a result that looks complete.
     */
    @Override
    public void close() throws IOException {
        if (xml != null) {
            try {
                xml.close();
            } catch (XMLStreamException e) {
                throw io(e);
            }
            xml = null;
        }
        state = State.DONE;
    }

    /** Before anything written through the StAX writer. */
    private void writing() {
        requireOpen();
        staxPending = true;
    }

    private void requireOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException(state == State.NEW ? "begin() first" : "the result is complete");
        }
    }

    private void element(String name, String value) throws IOException {
        try {
            RecordXml.element(xml, name, value);
        } catch (XMLStreamException e) {
            throw io(e);
        }
    }

    /** The StAX writer's stream: a flush stops at the buffer beneath (see {@link #open}). */
    private static final class FlushStops extends java.io.FilterOutputStream {
        FlushStops(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() {
            // deliberately nothing: see open()
        }

        @Override
        public void close() {
            // the response stream is the servlet's to close
        }
    }

    static void check(String what, String text) throws UnwritableValueException {
        int at = XmlChars.firstIllegal(text);
        if (at >= 0) {
            throw new UnwritableValueException(what + " holds a character XML cannot carry (U+"
                    + String.format("%04X", text.codePointAt(at)) + " at position " + at + ")");
        }
    }

    private static IOException io(XMLStreamException e) {
        // StAX wraps the stream's own IOException; pass that on so a lost client looks like one.
        Throwable cause = e.getNestedException() != null ? e.getNestedException() : e.getCause();
        if (cause instanceof IOException) {
            return (IOException) cause;
        }
        return new IOException("the result could not be written", e);
    }
}
