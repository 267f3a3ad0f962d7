package org.esabridge.api.xml;

import java.io.IOException;
import java.io.InputStream;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.esabridge.api.Cursor;
import org.esabridge.api.CursorType;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaParameter;
import org.esabridge.api.EsaRecordDelayedException;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.ExternalField;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.FieldType;
import org.esabridge.api.FieldValue;
import org.esabridge.api.ParameterType;
import org.esabridge.api.Relation;

/**
 * The host's side of {@link EsaResultWriter}: reads one {@code <sync><result>} document as it streams in and
 * hands each entry to an {@link EsaResultHandler} as soon as it is complete, so a page of any size is read in
 * constant memory. The StAX reader is Woodstox, hardened as {@link BoundedXmlParser}'s ({@link Stax}); a
 * DOCTYPE or an entity reference is refused when it is seen.
 *
 * <p>{@link XmlLimits} apply as follows: depth and attribute length per document, text length per element,
 * and the element count per entry (a streamed result has no useful bound on its total size).
 *
 * <p>An {@code <exception>} is thrown as the matching {@link EsaException} type with its code, and for record
 * faults the structure, id and modified-at ({@link ErrorCode#INTERNAL} for a code this reader does not know).
 * Entries before it have already reached the handler; per esa-protocol.md §4 the caller discards them. A
 * document that is not a well-formed result is thrown as {@link UnreadableResultException}; a connection
 * lost mid-document as the stream's {@link IOException}. Thread-safe; one {@link #read} per document.
 */
public final class EsaResultReader {
    private final XmlLimits limits;
    private final XMLInputFactory factory;

    public EsaResultReader(XmlLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits == null");
        this.factory = Stax.resultInputFactory(limits);
    }

    /**
     * Reads the document; does not close {@code in}.
     *
     * @return the {@code response-to} call id, or null when the answer had none (a request refused before
     *         its call id was known)
     */
    public String read(InputStream in, EsaResultHandler handler) throws EsaException, IOException {
        Objects.requireNonNull(handler, "handler == null");
        XMLStreamReader reader = null;
        try {
            reader = factory.createXMLStreamReader(in);
            return new Pass(reader, handler, limits).document();
        } catch (XMLStreamException e) {
            Throwable cause = e.getNestedException() != null ? e.getNestedException() : e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            if (Stax.exceedsTextLimit(e)) {
                throw new UnreadableResultException("an element holds more than " + limits.maxTextLength()
                        + " characters" + BoundedXmlParser.position(e.getLocation()));
            }
            throw new UnreadableResultException("not well-formed XML" + BoundedXmlParser.position(e.getLocation()));
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // nothing held beyond the stream, which the caller closes
                }
            }
        }
    }

    /** One document's reading state: the StAX cursor, the depth, and a reusable text buffer. */
    private static final class Pass {
        private final XMLStreamReader xml;
        private final EsaResultHandler handler;
        private final XmlLimits limits;
        private final StringBuilder text = new StringBuilder();
        private int depth;
        private int entryElements;

        Pass(XMLStreamReader xml, EsaResultHandler handler, XmlLimits limits) {
            this.xml = xml;
            this.handler = handler;
            this.limits = limits;
        }

        String document() throws XMLStreamException, EsaException, IOException {
            expectStart(Wire.SYNC, "the root element must be <" + Wire.SYNC + ">");
            expectStart(Wire.RESULT, "<" + Wire.SYNC + "> must hold a <" + Wire.RESULT + ">");
            String responseTo = attribute(Wire.RESPONSE_TO);
            if (responseTo != null) {
                responseTo = responseTo.strip();
            }
            while (nextTag() == XMLStreamConstants.START_ELEMENT) {
                entryElements = 1;
                entry(name());
            }
            // now at </result>
            if (nextTag() != XMLStreamConstants.END_ELEMENT) {
                throw unreadable("<" + Wire.SYNC + "> must hold exactly one <" + Wire.RESULT + ">");
            }
            while (xml.hasNext()) {
                int event = next();
                if (event == XMLStreamConstants.START_ELEMENT || event == XMLStreamConstants.CHARACTERS
                        && !xml.isWhiteSpace()) {
                    throw unreadable("content after the root element");
                }
            }
            return responseTo;
        }

        private void entry(String name) throws XMLStreamException, EsaException, IOException {
            switch (name) {
                case Wire.RECORD:
                    handler.record(record());
                    break;
                case Wire.ID:
                    handler.id(control());
                    break;
                case Wire.VALUE:
                    handler.value(elementText().strip());
                    break;
                case Wire.NULL_VALUE:
                    if (!control().equals("true")) {
                        throw unreadable("<" + Wire.NULL_VALUE + "> must be true");
                    }
                    handler.nullValue();
                    break;
                case Wire.CURSOR:
                    handler.cursor(cursor(snippet()));
                    break;
                case Wire.EXTERNAL_STRUCTURE: {
                    Snippet s = snippet();
                    handler.structure(new ExternalStructure(s.required(Wire.NAME), s.text(Wire.LABEL, ""),
                            s.bool(Wire.WRITABLE)));
                    break;
                }
                case Wire.FIELD: {
                    Snippet s = snippet();
                    String length = s.text(Wire.LENGTH, null);
                    handler.field(new ExternalField(s.required(Wire.NAME), s.text(Wire.LABEL, ""),
                            s.enumValue(Wire.TYPE, FieldType.class), length == null ? null : s.number(Wire.LENGTH),
                            s.bool(Wire.REQUIRED), s.bool(Wire.READ_ONLY)));
                    break;
                }
                case Wire.RELATION: {
                    Snippet s = snippet();
                    handler.relation(new Relation(s.required(Wire.NAME), s.text(Wire.LABEL, ""),
                            s.required(Wire.FIELD), s.required(Wire.TARGET_STRUCTURE), s.required(Wire.TARGET_FIELD),
                            s.bool(Wire.MULTIPLE)));
                    break;
                }
                case Wire.ESA_PARAMETER: {
                    Snippet s = snippet();
                    handler.parameter(new EsaParameter(s.required(Wire.NAME), s.text(Wire.LABEL, ""),
                            s.enumValue(Wire.TYPE, ParameterType.class), s.bool(Wire.REQUIRED),
                            s.bool(Wire.MULTI_VALUE), s.all(Wire.DEFAULT_VALUE), s.all(Wire.CHOICE)));
                    break;
                }
                case Wire.EXCEPTION:
                    throw fault();
                default:
                    throw unreadable("unexpected element <" + EsaCallReader.echo(name) + "> in <" + Wire.RESULT + ">");
            }
        }

        private ExternalRecord record() throws XMLStreamException, EsaException {
            String id = null;
            Instant modifiedAt = null;
            List<FieldValue> fields = new ArrayList<>();
            while (nextTag() == XMLStreamConstants.START_ELEMENT) {
                String child = name();
                switch (child) {
                    case Wire.ID:
                        if (id != null) {
                            throw unreadable("<" + Wire.ID + "> appears more than once in a record");
                        }
                        id = control();
                        break;
                    case Wire.MODIFIED_AT:
                        if (modifiedAt != null) {
                            throw unreadable("<" + Wire.MODIFIED_AT + "> appears more than once in a record");
                        }
                        modifiedAt = timestamp(Wire.MODIFIED_AT, control());
                        break;
                    case Wire.FIELD:
                        fields.add(field());
                        break;
                    default:
                        throw unreadable("unexpected element <" + EsaCallReader.echo(child) + "> in a record");
                }
            }
            return new ExternalRecord(id, modifiedAt, fields);
        }

        private FieldValue field() throws XMLStreamException, EsaException {
            String name = attribute(Wire.FIELD_NAME);
            if (name == null || name.isBlank()) {
                throw unreadable("a record <" + Wire.FIELD + "> has no " + Wire.FIELD_NAME + " attribute");
            }
            boolean nil = nil();
            String value = elementText(); // never trimmed: white space is part of a value
            if (nil) {
                if (!value.isEmpty()) {
                    throw unreadable("field '" + EsaCallReader.echo(name) + "' is nil but has a value");
                }
                return new FieldValue(name.strip(), null);
            }
            return new FieldValue(name.strip(), value);
        }

        private Cursor cursor(Snippet s) throws EsaException {
            return new Cursor(s.required(Wire.CURSOR_ID), s.enumValue(Wire.TYPE, CursorType.class),
                    s.number(Wire.PAGE_COUNT), Math.toIntExact(Math.min(Integer.MAX_VALUE, s.number(Wire.PAGE_SIZE))),
                    s.number(Wire.TOTAL), timestamp(Wire.EXPIRES_AT, s.required(Wire.EXPIRES_AT)));
        }

        private EsaException fault() throws XMLStreamException, EsaException {
            String type = Objects.requireNonNullElse(attribute(Wire.EXCEPTION_TYPE), "").strip();
            String codeText = Objects.requireNonNullElse(attribute(Wire.EXCEPTION_CODE), "").strip();
            Snippet s = snippet();
            ErrorCode code;
            try {
                code = ErrorCode.valueOf(codeText);
            } catch (IllegalArgumentException e) {
                code = ErrorCode.INTERNAL;
            }
            String message = s.text(Wire.MESSAGE, "").strip();
            if (message.isEmpty()) {
                message = "the ESA answered " + code;
            }
            String structure = s.text(Wire.STRUCTURE, null);
            String id = s.text(Wire.ID, null);
            if (type.equals("EsaRecordDelayedException")) {
                return new EsaRecordDelayedException(message, structure, id, s.text(Wire.TOKEN, null));
            }
            if (type.equals("EsaRecordException")) {
                Instant modifiedAt = null;
                String at = s.text(Wire.MODIFIED_AT, null);
                if (at != null) {
                    try {
                        modifiedAt = ProtocolTime.parse(at.strip());
                    } catch (DateTimeException e) {
                        // an unreadable detail of a fault does not hide the fault itself
                    }
                }
                return new EsaRecordException(code, message, structure == null ? null : structure.strip(),
                        id == null ? null : id.strip(), modifiedAt);
            }
            return new EsaException(code, message);
        }

        /** The children of a small, flat snippet, text by name; repeated names keep every value. */
        private Snippet snippet() throws XMLStreamException, EsaException {
            Snippet s = new Snippet();
            while (nextTag() == XMLStreamConstants.START_ELEMENT) {
                String child = name();
                s.children.computeIfAbsent(child, k -> new ArrayList<>()).add(elementText());
            }
            return s;
        }

        /** A control value: trimmed, not empty. */
        private String control() throws XMLStreamException, EsaException {
            String name = name();
            String value = elementText().strip();
            if (value.isEmpty()) {
                throw unreadable("<" + name + "> is empty");
            }
            return value;
        }

        /** The text of the current element up to its end tag; child elements are refused. */
        private String elementText() throws XMLStreamException, EsaException {
            String name = name();
            text.setLength(0);
            while (true) {
                int event = next();
                switch (event) {
                    case XMLStreamConstants.CHARACTERS:
                    case XMLStreamConstants.CDATA:
                    case XMLStreamConstants.SPACE:
                        if (text.length() + xml.getTextLength() > limits.maxTextLength()) {
                            throw unreadable("element <" + name + "> holds more than " + limits.maxTextLength()
                                    + " characters");
                        }
                        text.append(xml.getTextCharacters(), xml.getTextStart(), xml.getTextLength());
                        break;
                    case XMLStreamConstants.END_ELEMENT:
                        return text.toString();
                    case XMLStreamConstants.START_ELEMENT:
                        throw unreadable("<" + name + "> must hold text only");
                    default:
                        break; // comments and processing instructions
                }
            }
        }

        /** Skips white space, comments and processing instructions to the next start or end tag. */
        private int nextTag() throws XMLStreamException, EsaException {
            while (true) {
                int event = next();
                switch (event) {
                    case XMLStreamConstants.START_ELEMENT:
                    case XMLStreamConstants.END_ELEMENT:
                        return event;
                    case XMLStreamConstants.CHARACTERS:
                    case XMLStreamConstants.CDATA:
                    case XMLStreamConstants.SPACE:
                        if (!xml.isWhiteSpace()) {
                            throw unreadable("unexpected text in <" + currentParent() + ">");
                        }
                        break;
                    case XMLStreamConstants.END_DOCUMENT:
                        throw unreadable("the document ends early");
                    default:
                        break;
                }
            }
        }

        private void expectStart(String name, String reason) throws XMLStreamException, EsaException {
            if (nextTag() != XMLStreamConstants.START_ELEMENT || !name().equals(name)) {
                throw unreadable(reason);
            }
        }

        /** The next event, with the refusals and limits every event is subject to. */
        private int next() throws XMLStreamException, EsaException {
            int event;
            try {
                event = xml.next();
            } catch (RuntimeException e) {
                // The JDK parser reports some encoding and limit errors unchecked.
                throw unreadable("not well-formed XML");
            }
            switch (event) {
                case XMLStreamConstants.DTD:
                    throw unreadable("a DOCTYPE is not accepted");
                case XMLStreamConstants.ENTITY_REFERENCE:
                    throw unreadable("entity references are not accepted");
                case XMLStreamConstants.START_ELEMENT:
                    if (++depth > limits.maxDepth()) {
                        throw unreadable("the document nests deeper than " + limits.maxDepth() + " levels");
                    }
                    if (++entryElements > limits.maxElements()) {
                        throw unreadable("an entry has more than " + limits.maxElements() + " elements");
                    }
                    for (int i = 0; i < xml.getAttributeCount(); i++) {
                        if (xml.getAttributeValue(i).length() > limits.maxAttributeLength()) {
                            throw unreadable("an attribute of <" + xml.getLocalName() + "> is longer than "
                                    + limits.maxAttributeLength() + " characters");
                        }
                    }
                    break;
                case XMLStreamConstants.END_ELEMENT:
                    depth--;
                    break;
                default:
                    break;
            }
            return event;
        }

        /** The current element's name; one in a namespace never matches a protocol name. */
        private String name() {
            String ns = xml.getNamespaceURI();
            return ns == null || ns.isEmpty() ? xml.getLocalName() : "{" + ns + "}" + xml.getLocalName();
        }

        private String currentParent() {
            return xml.hasName() ? xml.getLocalName() : Wire.RESULT;
        }

        private String attribute(String local) {
            for (int i = 0; i < xml.getAttributeCount(); i++) {
                String ns = xml.getAttributeNamespace(i);
                if ((ns == null || ns.isEmpty()) && xml.getAttributeLocalName(i).equals(local)) {
                    return xml.getAttributeValue(i);
                }
            }
            return null;
        }

        private boolean nil() {
            String flag = xml.getAttributeValue(Wire.XSI_NS, Wire.XSI_NIL);
            if (flag == null) {
                return false;
            }
            String f = flag.strip();
            return Boolean.TRUE.equals(Wire.parseBoolean(f));
        }

        private Instant timestamp(String name, String value) throws EsaException {
            try {
                return ProtocolTime.parse(value);
            } catch (DateTimeException e) {
                throw unreadable("<" + name + "> is not a timestamp: '" + EsaCallReader.echo(value) + "'");
            }
        }
    }

    /** The children of a flat snippet ({@code <cursor>}, {@code <field>}, …), by name. */
    private static final class Snippet {
        final Map<String, List<String>> children = new LinkedHashMap<>();

        String text(String name, String otherwise) {
            List<String> values = children.get(name);
            return values == null ? otherwise : values.get(0);
        }

        List<String> all(String name) {
            return children.getOrDefault(name, List.of());
        }

        String required(String name) throws EsaException {
            String value = text(name, null);
            if (value == null || value.isBlank()) {
                throw unreadable("<" + name + "> is missing or empty");
            }
            return value.strip();
        }

        boolean bool(String name) throws EsaException {
            String value = required(name);
            Boolean parsed = Wire.parseBoolean(value);
            if (parsed == null) {
                throw unreadable("<" + name + "> is not a boolean: '" + EsaCallReader.echo(value) + "'");
            }
            return parsed;
        }

        long number(String name) throws EsaException {
            String value = required(name);
            try {
                long n = Long.parseLong(value);
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw unreadable("<" + name + "> is not a non-negative number: '" + EsaCallReader.echo(value) + "'");
        }

        <E extends Enum<E>> E enumValue(String name, Class<E> type) throws EsaException {
            String value = required(name);
            try {
                return Enum.valueOf(type, value);
            } catch (IllegalArgumentException e) {
                throw unreadable("<" + name + "> is not one of the protocol's values: '" + EsaCallReader.echo(value) + "'");
            }
        }
    }

    private static UnreadableResultException unreadable(String reason) {
        return new UnreadableResultException(reason);
    }
}
