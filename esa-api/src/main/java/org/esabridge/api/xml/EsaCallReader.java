package org.esabridge.api.xml;

import java.io.InputStream;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.esabridge.api.ControlCharacters;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.call.EsaCall;
import org.esabridge.api.call.EsaRequest;

/**
 * Turns one {@code <sync><esa-call>} document (esa-protocol.md §2, §5) into an {@link EsaRequest}.
 *
 * <p>Refusals, in the order they are checked:
 * <ul>
 *   <li>{@link ErrorCode#MALFORMED_REQUEST}, call id null (HTTP 400): not well-formed, a DOCTYPE or entity
 *       reference, XML 1.1 or an encoding other than UTF-8, a {@link XmlLimits limit} exceeded, a root other
 *       than {@code <sync>}, not exactly one {@code <esa-call>} with a {@code call-id}, a {@code call-id}
 *       holding a {@link ControlCharacters control character}, not exactly one call element inside it;</li>
 *   <li>{@link ErrorCode#UNKNOWN_CALL}, call id known: the call element names no call of §5;</li>
 *   <li>{@link ErrorCode#INVALID_VALUE}, call id known: a required child missing, empty or given twice, an
 *       unexpected child, an unparsable timestamp, number or boolean. The document was readable, so the
 *       host gets an answer addressed to its call rather than a bare 400;</li>
 *   <li>{@link ErrorCode#PAGE_OUT_OF_RANGE}, call id known: a negative page index.</li>
 * </ul>
 *
 * <p>Control values are trimmed; record field values never are. {@code locale} is optional (null when
 * absent) and {@code force} defaults to false; every other child the protocol lists is required.
 * Thread-safe.
 */
public final class EsaCallReader {
    private static final int ECHO_MAX = 64;

    private final BoundedXmlParser parser;

    public EsaCallReader(XmlLimits limits) {
        this.parser = new BoundedXmlParser(Objects.requireNonNull(limits, "limits == null"));
    }

    /** Reads the document; does not close {@code in}. */
    public EsaRequest read(InputStream in) throws EsaRequestException {
        XmlNode root;
        try {
            root = parser.parse(in);
        } catch (BoundedXmlParser.Refusal refusal) {
            throw malformed(refusal.getMessage());
        }
        if (!root.name.equals(Wire.SYNC)) {
            throw malformed("the root element must be <" + Wire.SYNC + ">");
        }
        if (root.children.size() != 1 || !root.children.get(0).name.equals(Wire.ESA_CALL) || !root.blankText()) {
            throw malformed("<" + Wire.SYNC + "> must hold exactly one <" + Wire.ESA_CALL + ">");
        }
        XmlNode envelope = root.children.get(0);
        String callId = envelope.attributes.get(Wire.CALL_ID);
        if (callId == null || callId.isBlank()) {
            throw malformed("<" + Wire.ESA_CALL + "> needs a " + Wire.CALL_ID + " attribute");
        }
        callId = callId.strip();
        if (ControlCharacters.anyIn(callId)) {
            // It could be neither repeated in response-to nor logged as sent, so it is no usable call id.
            throw malformed("the " + Wire.CALL_ID + " holds a control character");
        }
        if (envelope.children.size() != 1 || !envelope.blankText()) {
            throw malformed("<" + Wire.ESA_CALL + "> must hold exactly one call element");
        }
        return new EsaRequest(callId, new Binding(callId, envelope.children.get(0)).call());
    }

    private static EsaRequestException malformed(String message) {
        return new EsaRequestException(ErrorCode.MALFORMED_REQUEST, message, null);
    }

    /**
     * Binds one call element to its record by the {@link CallTable}, which calls back here for each child; every
     * failure is addressed to {@code callId}.
     */
    static final class Binding {
        private final String callId;
        private final XmlNode call;

        Binding(String callId, XmlNode call) {
            this.callId = callId;
            this.call = call;
        }

        EsaCall call() throws EsaRequestException {
            CallSpec<? extends EsaCall> spec = CallTable.esaCall(call.name);
            if (spec == null) {
                throw new EsaRequestException(ErrorCode.UNKNOWN_CALL, "unknown call <" + echo(call.name) + ">", callId);
            }
            return spec.bind(this);
        }

        /** Refuses children the call does not have and children given twice. */
        void only(Set<String> allowed) throws EsaRequestException {
            Set<String> seen = new java.util.HashSet<>();
            for (XmlNode child : call.children) {
                if (!allowed.contains(child.name)) {
                    throw invalid("unexpected element <" + echo(child.name) + "> in <" + call.name + ">");
                }
                if (!seen.add(child.name)) {
                    throw invalid("<" + child.name + "> appears more than once in <" + call.name + ">");
                }
            }
        }

        String optional(String name) throws EsaRequestException {
            List<XmlNode> found = call.all(name);
            return found.isEmpty() ? null : control(found.get(0));
        }

        String required(String name) throws EsaRequestException {
            String value = optional(name);
            if (value == null) {
                throw invalid("<" + call.name + "> needs <" + name + ">");
            }
            return value;
        }

        /** A control value: trimmed, text only, not empty. */
        private String control(XmlNode node) throws EsaRequestException {
            if (!node.children.isEmpty()) {
                throw invalid("<" + node.name + "> must hold text only");
            }
            String value = node.text.strip();
            if (value.isEmpty()) {
                throw invalid("<" + node.name + "> is empty");
            }
            return value;
        }

        Instant instant(String name) throws EsaRequestException {
            return timestamp(name, required(name));
        }

        private Instant timestamp(String name, String text) throws EsaRequestException {
            try {
                return ProtocolTime.parse(text);
            } catch (DateTimeException e) {
                throw invalid("<" + name + "> is not a timestamp: '" + echo(text) + "'");
            }
        }

        boolean optionalBoolean(String name) throws EsaRequestException {
            String text = optional(name);
            if (text == null) {
                return false;
            }
            Boolean value = Wire.parseBoolean(text);
            if (value == null) {
                throw invalid("<" + name + "> is not a boolean: '" + echo(text) + "'");
            }
            return value;
        }

        long pageIndex(String name) throws EsaRequestException {
            String text = required(name);
            long index;
            try {
                index = Long.parseLong(text);
            } catch (NumberFormatException e) {
                if (text.matches("-?[0-9]+")) {
                    // A number, just beyond long: certainly past the last page.
                    throw new EsaRequestException(ErrorCode.PAGE_OUT_OF_RANGE,
                            "<" + name + "> is out of range: " + echo(text), callId);
                }
                throw invalid("<" + name + "> is not a number: '" + echo(text) + "'");
            }
            if (index < 0) {
                throw new EsaRequestException(ErrorCode.PAGE_OUT_OF_RANGE,
                        "<" + name + "> must not be negative: " + index, callId);
            }
            return index;
        }

        /** The record child; an update's record must carry the id it updates. */
        ExternalRecord record(boolean idRequired) throws EsaRequestException {
            List<XmlNode> found = call.all(Wire.RECORD);
            if (found.isEmpty()) {
                throw invalid("<" + call.name + "> needs <" + Wire.RECORD + ">");
            }
            XmlNode record = found.get(0);
            String id = null;
            Instant modifiedAt = null;
            List<FieldValue> fields = new ArrayList<>();
            Set<String> seenFields = new java.util.HashSet<>();
            boolean seenId = false;
            boolean seenModifiedAt = false;
            for (XmlNode child : record.children) {
                switch (child.name) {
                    case Wire.ID:
                        if (seenId) {
                            throw invalid("<" + Wire.ID + "> appears more than once in <" + Wire.RECORD + ">");
                        }
                        seenId = true;
                        id = control(child);
                        break;
                    case Wire.MODIFIED_AT:
                        if (seenModifiedAt) {
                            throw invalid("<" + Wire.MODIFIED_AT + "> appears more than once in <"
                                    + Wire.RECORD + ">");
                        }
                        seenModifiedAt = true;
                        modifiedAt = timestamp(Wire.MODIFIED_AT, control(child));
                        break;
                    case Wire.FIELD:
                        fields.add(field(child, seenFields));
                        break;
                    default:
                        throw invalid("unexpected element <" + echo(child.name) + "> in <" + Wire.RECORD + ">");
                }
            }
            if (idRequired && id == null) {
                throw invalid("the <" + Wire.RECORD + "> of <" + call.name + "> needs <" + Wire.ID + ">");
            }
            return new ExternalRecord(id, modifiedAt, fields);
        }

        private FieldValue field(XmlNode node, Set<String> seen) throws EsaRequestException {
            String name = node.attributes.get(Wire.FIELD_NAME);
            if (name == null || name.isBlank()) {
                throw invalid("a <" + Wire.FIELD + "> of the record has no " + Wire.FIELD_NAME + " attribute");
            }
            name = name.strip();
            if (!seen.add(name)) {
                throw invalid("field '" + echo(name) + "' appears more than once in the record");
            }
            if (!node.children.isEmpty()) {
                throw invalid("field '" + echo(name) + "' must hold text only");
            }
            if (node.nil) {
                if (!node.text.isEmpty()) {
                    throw invalid("field '" + echo(name) + "' is nil but has a value");
                }
                return new FieldValue(name, null);
            }
            // Never trimmed: white space is part of a text value.
            return new FieldValue(name, node.text);
        }

        private EsaRequestException invalid(String message) {
            return new EsaRequestException(ErrorCode.INVALID_VALUE, message, callId);
        }
    }

    /** A value from the request, shortened and made printable, for a message. */
    static String echo(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(ECHO_MAX).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        if (text.codePointCount(0, text.length()) > ECHO_MAX) {
            out.append('…');
        }
        return out.toString();
    }
}
