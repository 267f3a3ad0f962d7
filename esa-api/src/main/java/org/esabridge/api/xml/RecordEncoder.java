package org.esabridge.api.xml;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;

/**
 * The {@code <record>} snippet as UTF-8 bytes, written without a StAX writer: the hot path of every page. A
 * record's start, end and field tags are encoded once per field name and reused; texts are checked for
 * characters XML cannot carry, escaped and encoded in one pass into a scratch buffer, which reaches the stream
 * only when the whole record could be encoded. The bytes are those {@link RecordXml} writes through Woodstox
 * (a test compares them character by character): {@code &} and {@code <} escaped; U+007F..U+009F as
 * {@code &#x7f;}; a carriage return as {@code &#13;} ({@link RecordXml#text} writes the parts between carriage
 * returns as texts of their own). {@code >} follows Woodstox's guard against {@code ]]>}: escaped after
 * {@code ]} and where Woodstox starts a run of plain characters — a text's start and, in texts of 12
 * characters or more (which it copies in 512-character chunks), each chunk's start and the character after
 * one it escaped.
 *
 * <p>Profiled on a paged sync, the StAX path was over half of the server's time: per character escaping
 * checks, per element namespace bookkeeping, and an attribute written per field of every record.
 *
 * <p>Not thread-safe: one per result writer.
 */
final class RecordEncoder implements RecordText {
    private static final byte[] RECORD_START = ascii("<" + Wire.RECORD + ">");
    private static final byte[] RECORD_END = ascii("</" + Wire.RECORD + ">");
    private static final byte[] ID_START = ascii("<" + Wire.ID + ">");
    private static final byte[] ID_END = ascii("</" + Wire.ID + ">");
    private static final byte[] MODIFIED_START = ascii("<" + Wire.MODIFIED_AT + ">");
    private static final byte[] MODIFIED_END = ascii("</" + Wire.MODIFIED_AT + ">");
    private static final byte[] FIELD_END = ascii("</" + Wire.FIELD + ">");
    private static final byte[] AMP = ascii("&amp;");
    private static final byte[] LT = ascii("&lt;");
    private static final byte[] GT = ascii("&gt;");
    private static final byte[] CR = ascii("&#13;");
    private static final byte[] DEL = hexReference((char) 0x7F);

    /** Per field name: {@code <field name="…">} and {@code <field name="…" xsi:nil="true"/>}. */
    private final Map<String, byte[][]> fieldTags = new HashMap<>();
    /**
     * The tags of the previous record's fields by position, with the name strings they were found for: the records of
     * a result share their field names (the same strings, from the table's columns), so the map is asked only when a
     * name differs from the one at its position before.
     */
    private String[] lastNames = new String[0];
    private byte[][][] lastTags = new byte[0][][];
    private byte[] buf = new byte[8 * 1024];
    private int len;
    /** The position of the next field of the record begun, and whether every part so far could be encoded. */
    private int fieldAt;
    private boolean encodable;

    /**
     * Encodes the record into the scratch buffer, replacing what it held.
     *
     * @return false, with the buffer's content undefined, when a text holds a character XML cannot carry
     */
    boolean encode(ExternalRecord record) {
        begin();
        id(record.id());
        modifiedAt(record.modifiedAt());
        List<FieldValue> fields = record.fields();
        for (int k = 0; k < fields.size(); k++) {
            FieldValue field = fields.get(k);
            field(field.name(), field.text());
        }
        return end();
    }

    /** Starts a record in the scratch buffer, replacing what it held; its parts follow ({@link RecordText}). */
    void begin() {
        len = 0;
        fieldAt = 0;
        encodable = true;
        put(RECORD_START);
    }

    /**
     * Ends the record begun.
     *
     * @return false, with the buffer's content undefined, when a part held a character XML cannot carry
     */
    boolean end() {
        if (encodable) {
            put(RECORD_END);
        }
        return encodable;
    }

    @Override
    public void id(String id) {
        if (id != null && encodable) {
            put(ID_START);
            encodable = text(id);
            put(ID_END);
        }
    }

    @Override
    public void modifiedAt(Instant modifiedAt) {
        if (modifiedAt != null && encodable) {
            put(MODIFIED_START);
            ensure(ProtocolTime.FIXED_LENGTH);
            if (ProtocolTime.formatInto(modifiedAt, buf, len)) {
                len += ProtocolTime.FIXED_LENGTH;
            } else {
                text(ProtocolTime.format(modifiedAt));
            }
            put(MODIFIED_END);
        }
    }

    @Override
    public void modifiedAtUtc(LocalDateTime utc) {
        if (utc != null && encodable) {
            ensure(MODIFIED_START.length + ProtocolTime.FIXED_LENGTH);
            if (!ProtocolTime.formatInto(utc, buf, len + MODIFIED_START.length)) {
                modifiedAt(utc.toInstant(ZoneOffset.UTC));
                return;
            }
            put(MODIFIED_START);
            len += ProtocolTime.FIXED_LENGTH;
            put(MODIFIED_END);
        }
    }

    @Override
    public void field(String name, String text) {
        byte[][] tags = tagsAt(name);
        if (tags == null) {
            return;
        }
        if (text == null) {
            put(tags[1]);
        } else {
            put(tags[0]);
            encodable = text(text);
            put(FIELD_END);
        }
    }

    @Override
    public void fieldUtf8(String name, byte[] utf8) {
        byte[][] tags = tagsAt(name);
        if (tags == null) {
            return;
        }
        if (utf8 == null) {
            put(tags[1]);
            return;
        }
        put(tags[0]);
        int start = len;
        if (!asciiText(utf8)) {
            len = start;
            encodable = text(new String(utf8, StandardCharsets.UTF_8));
        }
        put(FIELD_END);
    }

    /**
     * The tags of the next field, found by position ({@link #lastNames}); null, refusing the record, when a part
     * before was refused or the name is one XML cannot carry.
     */
    private byte[][] tagsAt(String name) {
        if (!encodable) {
            return null;
        }
        int k = fieldAt++;
        if (k == lastNames.length) {
            lastNames = Arrays.copyOf(lastNames, k + 1);
            lastTags = Arrays.copyOf(lastTags, k + 1);
        }
        if (lastNames[k] != name) {
            byte[][] tags = tags(name);
            if (tags == null) {
                encodable = false;
                return null;
            }
            lastNames[k] = name;
            lastTags[k] = tags;
        }
        return lastTags[k];
    }

    /** Writes what {@link #encode} produced. */
    void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, len);
    }

    /** A field's two start tags (made once per name), or null for a name XML cannot carry. */
    private byte[][] tags(String name) {
        byte[][] tags = fieldTags.get(name);
        if (tags == null) {
            if (XmlChars.firstIllegal(name) >= 0) {
                return null;
            }
            tags = startTags(name);
            if (tags == null) {
                return null;
            }
            fieldTags.put(name, tags);
        }
        return tags;
    }

    /**
     * A field's two start tags, written by Woodstox itself so that the attribute is escaped as it escapes; null when
     * Woodstox refuses the name (the record then goes to the writer, which refuses it as it refuses any).
     */
    private static byte[][] startTags(String name) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            XMLStreamWriter xml = Stax.outputFactory().createXMLStreamWriter(bytes, "UTF-8");
            xml.writeStartElement("x");
            xml.writeNamespace(Wire.XSI_PREFIX, Wire.XSI_NS);
            xml.writeCharacters("");
            xml.flush();
            int prefix = bytes.size();
            xml.writeStartElement(Wire.FIELD);
            xml.writeAttribute(Wire.FIELD_NAME, name);
            xml.writeCharacters("");
            xml.flush();
            int open = bytes.size();
            xml.writeEndElement();
            xml.flush();
            int close = bytes.size();
            xml.writeEmptyElement(Wire.FIELD);
            xml.writeAttribute(Wire.FIELD_NAME, name);
            xml.writeAttribute(Wire.XSI_PREFIX, Wire.XSI_NS, Wire.XSI_NIL, "true");
            xml.writeEndElement();
            xml.flush();
            byte[] all = bytes.toByteArray();
            int end = all.length - "</x>".length();
            return new byte[][] {Arrays.copyOfRange(all, prefix, open), Arrays.copyOfRange(all, close, end)};
        } catch (XMLStreamException e) {
            return null;
        }
    }

    /** Woodstox writes a text this long or longer from a copy, chunk by chunk (BaseStreamWriter). */
    private static final int COPIED_FROM = 12;
    private static final int CHUNK = 512;

    /**
     * ASCII characters written as they are: printable ones but {@code & < >}, and tab and line feed. Digits,
     * spaces and punctuation are most of a record's text; one look-up instead of a chain of tests. Indexed by a
     * UTF-8 byte too, whose values from 0x80 are never plain.
     */
    private static final boolean[] PLAIN = new boolean[0x100];

    static {
        for (char c = 0x20; c < 0x7F; c++) {
            PLAIN[c] = c != '&' && c != '<' && c != '>';
        }
        PLAIN['\t'] = true;
        PLAIN['\n'] = true;
    }

    /**
     * Escapes and encodes a text; false at the first character XML cannot carry. Runs of {@link #PLAIN} characters
     * (most of a record's text) are found first and copied in bulk: the per-character store was most of the page's
     * CPU in the encoder.
     */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int): the low byte of each char, exact for ASCII
    private boolean text(String s) {
        int n = s.length();
        ensure(n * 3 + 16);
        byte[] b = buf;
        int at = len;
        int segment = 0;
        int segmentEnd = segmentEnd(s, 0);
        boolean copied = segmentEnd >= COPIED_FROM;
        // Where Woodstox starts a run of plain characters after one it escaped (copied texts only).
        int afterEscape = -1;
        for (int i = 0; i < n; i++) {
            int plainEnd = plainEnd(s, i, n);
            if (plainEnd > i) {
                s.getBytes(i, plainEnd, b, at);
                at += plainEnd - i;
                i = plainEnd;
                if (i == n) {
                    break;
                }
            }
            char c = s.charAt(i);
            if (c < 0x80) {
                byte[] entity;
                if (c < 0x20) {
                    if (c != 0xD) {
                        return false;
                    }
                    entity = CR;
                    segment = i + 1;
                    segmentEnd = segmentEnd(s, segment);
                    copied = segmentEnd - segment >= COPIED_FROM;
                } else if (c == '&') {
                    entity = AMP;
                } else if (c == '<') {
                    entity = LT;
                } else if (c == '>') {
                    boolean runStart = i == segment || s.charAt(i - 1) == ']'
                            || copied && (i == afterEscape || (i - segment) % CHUNK == 0);
                    if (!runStart) {
                        b[at++] = (byte) c;
                        continue;
                    }
                    entity = GT;
                } else {
                    entity = hexReference(c); // DEL
                }
                if (copied && c != 0xD) {
                    afterEscape = i + 1;
                }
                at = putEntity(at, entity, n - i);
                b = buf;
            } else if (c <= 0x9F) {
                if (copied) {
                    afterEscape = i + 1;
                }
                at = putEntity(at, hexReference(c), n - i);
                b = buf;
            } else if (c < 0x800) {
                b[at++] = (byte) (0xC0 | (c >> 6));
                b[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (c < 0xD800 || (c >= 0xE000 && c <= 0xFFFD)) {
                b[at++] = (byte) (0xE0 | (c >> 12));
                b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[at++] = (byte) (0xF0 | (cp >> 18));
                b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[at++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                return false; // a lone surrogate, U+FFFE or U+FFFF
            }
        }
        len = at;
        return true;
    }

    /**
     * {@link #text} for a value given as UTF-8 bytes, while they are ASCII (one byte a character, so that positions
     * are the same): the same escapes, refusals and {@code >} guard, without a string. False, with the buffer from
     * the text's start undefined, at a byte of 0x80 or above (the caller decodes the bytes and calls {@link #text})
     * and at a character XML cannot carry ({@link #encodable} then false).
     */
    private boolean asciiText(byte[] s) {
        int n = s.length;
        int first = plainEnd(s, 0);
        if (first == n) {
            put(s); // most values: nothing to escape
            return true;
        }
        ensure(n * 6 + 16);
        byte[] b = buf;
        int at = len;
        int segment = 0;
        // A carriage return is not plain: the first lies at or after the first byte that is not.
        int segmentEnd = segmentEnd(s, first);
        boolean copied = segmentEnd >= COPIED_FROM;
        int afterEscape = -1;
        for (int i = 0; i < n; i++) {
            int plainEnd = plainEnd(s, i);
            if (plainEnd > i) {
                System.arraycopy(s, i, b, at, plainEnd - i);
                at += plainEnd - i;
                i = plainEnd;
                if (i == n) {
                    break;
                }
            }
            int c = s[i];
            if (c < 0) {
                return false; // not ASCII: decoded and written by text()
            }
            byte[] entity;
            if (c < 0x20) {
                if (c != 0xD) {
                    encodable = false;
                    return true;
                }
                entity = CR;
                segment = i + 1;
                segmentEnd = segmentEnd(s, segment);
                copied = segmentEnd - segment >= COPIED_FROM;
            } else if (c == '&') {
                entity = AMP;
            } else if (c == '<') {
                entity = LT;
            } else if (c == '>') {
                boolean runStart = i == segment || s[i - 1] == ']'
                        || copied && (i == afterEscape || (i - segment) % CHUNK == 0);
                if (!runStart) {
                    b[at++] = (byte) c;
                    continue;
                }
                entity = GT;
            } else {
                entity = DEL;
            }
            if (copied && c != 0xD) {
                afterEscape = i + 1;
            }
            // Six bytes a character reserved above: the longest entity (&#x7f;) fits without growing.
            System.arraycopy(entity, 0, b, at, entity.length);
            at += entity.length;
        }
        len = at;
        return true;
    }

    /** The end of the run of {@link #PLAIN} bytes that starts at {@code from}. */
    private static int plainEnd(byte[] s, int from) {
        int i = from;
        while (i < s.length && PLAIN[s[i] & 0xFF]) {
            i++;
        }
        return i;
    }

    /** {@link #segmentEnd(String, int)} of ASCII bytes. */
    private static int segmentEnd(byte[] s, int from) {
        for (int i = from; i < s.length; i++) {
            if (s[i] == '\r') {
                return i;
            }
        }
        return s.length;
    }

    /** The end of the run of {@link #PLAIN} characters that starts at {@code from}. */
    private static int plainEnd(String s, int from, int n) {
        int i = from;
        while (i < n) {
            char c = s.charAt(i);
            if (c >= 0x80 || !PLAIN[c]) {
                break;
            }
            i++;
        }
        return i;
    }

    /** Where the text part starting at {@code from} ends: at the next carriage return, or the end. */
    private static int segmentEnd(String s, int from) {
        int cr = s.indexOf('\r', from);
        return cr < 0 ? s.length() : cr;
    }

    /** DEL and the C1 controls, as Woodstox writes them: legal in XML 1.0, but escaped. */
    private static byte[] hexReference(char c) {
        return ascii("&#x" + Integer.toHexString(c) + ";");
    }

    /** An entity at {@code at}, growing the buffer so that the rest of the text still fits. */
    private int putEntity(int at, byte[] entity, int remaining) {
        len = at;
        ensure(entity.length + remaining * 3 + 16);
        System.arraycopy(entity, 0, buf, len, entity.length);
        return len + entity.length;
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
