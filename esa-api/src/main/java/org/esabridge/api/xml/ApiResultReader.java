package org.esabridge.api.xml;

import java.io.InputStream;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaRecordDelayedException;
import org.esabridge.api.EsaRecordException;

/**
 * Reads the host's answer to a Helper API call: a {@code <sync><result response-to>} document, hardened
 * and bounded like {@link EsaCallReader}. A host {@code <exception>} is thrown as the matching
 * {@link EsaException} type with its code ({@link ErrorCode#INTERNAL} for a code this ESA does not know).
 * An unreadable answer is thrown as {@link UnreadableAnswerException}. Thread-safe.
 */
public final class ApiResultReader {
    private final BoundedXmlParser parser;

    public ApiResultReader(XmlLimits limits) {
        this.parser = new BoundedXmlParser(Objects.requireNonNull(limits, "limits == null"));
    }

    /** Reads the answer; does not close {@code in}. */
    public ApiResult read(InputStream in) throws EsaException {
        XmlNode root;
        try {
            root = parser.parse(in);
        } catch (BoundedXmlParser.Refusal refusal) {
            throw unreadable(refusal.getMessage());
        }
        if (!root.name.equals(Wire.SYNC) || root.children.size() != 1
                || !root.children.get(0).name.equals(Wire.RESULT)) {
            throw unreadable("the answer is not a <" + Wire.SYNC + "><" + Wire.RESULT + "> document");
        }
        XmlNode result = root.children.get(0);
        String responseTo = result.attributes.get(Wire.RESPONSE_TO);
        List<String> values = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (XmlNode child : result.children) {
            switch (child.name) {
                case Wire.VALUE:
                    values.add(child.text.strip());
                    break;
                case Wire.ID:
                    ids.add(child.text.strip());
                    break;
                case Wire.EXCEPTION:
                    throw fault(child);
                default:
                    break; // result forms the Helper API does not use
            }
        }
        if (responseTo == null || responseTo.isBlank()) {
            throw unreadable("the answer has no " + Wire.RESPONSE_TO);
        }
        return new ApiResult(responseTo.strip(), values, ids);
    }

    private static EsaException fault(XmlNode exception) {
        String codeText = exception.attributes.getOrDefault(Wire.EXCEPTION_CODE, "").strip();
        ErrorCode code;
        try {
            code = ErrorCode.valueOf(codeText);
        } catch (IllegalArgumentException e) {
            code = ErrorCode.INTERNAL;
        }
        String message = text(exception, Wire.MESSAGE);
        if (message == null || message.isEmpty()) {
            message = "the host answered " + code;
        }
        String type = exception.attributes.getOrDefault(Wire.EXCEPTION_TYPE, "").strip();
        String structure = text(exception, Wire.STRUCTURE);
        String id = text(exception, Wire.ID);
        if (type.equals("EsaRecordDelayedException")) {
            return new EsaRecordDelayedException(message, structure, id, text(exception, Wire.TOKEN));
        }
        if (type.equals("EsaRecordException")) {
            return new EsaRecordException(code, message, structure, id, modifiedAt(exception));
        }
        return new EsaException(code, message);
    }

    private static Instant modifiedAt(XmlNode exception) {
        String text = text(exception, Wire.MODIFIED_AT);
        if (text == null) {
            return null;
        }
        try {
            return ProtocolTime.parse(text);
        } catch (DateTimeException e) {
            return null; // an unreadable detail of a fault does not hide the fault itself
        }
    }

    private static String text(XmlNode parent, String name) {
        List<XmlNode> found = parent.all(name);
        return found.isEmpty() ? null : found.get(0).text.strip();
    }

    private static UnreadableAnswerException unreadable(String reason) {
        return new UnreadableAnswerException(reason);
    }
}
