package org.esabridge.api.xml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * Consecutive XML documents on one byte stream, as the command-line transport exchanges them on standard
 * input and output (esa-protocol.md §1.1): each document complete in itself, with or without an XML
 * declaration, any white space between documents, no other delimiter.
 *
 * <p>A StAX reader cannot read a second root element, and it reads ahead, so it cannot be told where a
 * document ends either. {@link #next} therefore hands out each document as a stream of its own that ends
 * with the root element's end tag, found by a small lexical scan of the markup (tags with quoted attribute
 * values, comments, processing instructions, CDATA sections, a DOCTYPE with its internal subset) and a stack
 * of open element names. It never reads past that end tag, so a peer waiting for the answer is never waited
 * for. The scan decides only where a document ends; the document is read by the caller's own parser, so
 * the hardening and limits are exactly those of any other document.
 *
 * <p>When the scan sees that the document cannot be well-formed (text outside an element, an end tag that
 * does not match, input ending inside the document), it ends the document right after the offending byte
 * and marks the stream {@link #broken()}: the parser then refuses the document at the same place it would
 * have refused it whole, and the caller cannot know where the next document would begin, so it stops.
 *
 * <p>Memory is bounded by the caller's parser limits: the scan runs only on the bytes the parser pulls, and
 * holds the names of the open elements and one buffer. Not thread-safe; one reader at a time.
 */
public final class XmlDocumentStream {
    private static final int BUFFER_BYTES = 8192;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position;
    private int limit;
    private boolean eof;
    private boolean broken;
    private Document current;

    public XmlDocumentStream(InputStream in) {
        this.in = Objects.requireNonNull(in, "in == null");
    }

    /**
     * The next document, or null when the input ends before one begins (only white space was left). The
     * previous document's rest is skipped first.
     *
     * @throws IOException reading failed, or the stream is {@link #broken()}
     */
    public InputStream next() throws IOException {
        if (current != null) {
            current.skipRest();
            current = null;
        }
        if (broken) {
            throw new IOException("the previous document was not well-formed; the next one cannot be found");
        }
        while (true) {
            int b = peek();
            if (b < 0) {
                return null;
            }
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                break;
            }
            position++;
        }
        current = new Document();
        return current;
    }

    /** Whether a document was found not well-formed (or cut off): no later document can be located. */
    public boolean broken() {
        return broken;
    }

    private int peek() throws IOException {
        if (position == limit) {
            if (eof) {
                return -1;
            }
            int n = in.read(buffer, 0, buffer.length);
            while (n == 0) {
                n = in.read(buffer, 0, buffer.length);
            }
            if (n < 0) {
                eof = true;
                return -1;
            }
            position = 0;
            limit = n;
        }
        return buffer[position] & 0xff;
    }

    /** The scanner's states; each names what the next bytes belong to. */
    private enum State {
        PROLOG, LESS_THAN, TAG_NAME, TAG, TAG_QUOTED, END_TAG_NAME, END_TAG, BANG, COMMENT, PI, CDATA, DOCTYPE,
        DOCTYPE_QUOTED, CONTENT, DONE
    }

    private static final byte[] COMMENT_START = "--".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CDATA_START = "[CDATA[".getBytes(StandardCharsets.US_ASCII);
    /** A UTF-8 byte order mark, allowed before a document's first markup. */
    private static final int[] BYTE_ORDER_MARK = {0xEF, 0xBB, 0xBF};

    /** One document's bytes, ending after its root element's end tag. */
    private final class Document extends InputStream {
        private final Deque<String> open = new ArrayDeque<>();
        private final StringBuilder name = new StringBuilder();
        private final StringBuilder bang = new StringBuilder();
        private State state = State.PROLOG;
        private State afterQuote;
        private int quote;
        private int previous;
        private int tail; // how far a terminator ("-->", "]]>") has been matched
        private int bracketDepth;
        private boolean rootSeen;
        private int offset; // bytes of this document scanned so far

        @Override
        public int read() throws IOException {
            if (state == State.DONE) {
                return -1;
            }
            int b = peek();
            if (b < 0) {
                // Input ended inside the document: hand the parser what there is, it refuses it.
                broken = true;
                state = State.DONE;
                return -1;
            }
            position++;
            scan(b);
            return b;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, target.length);
            if (length == 0) {
                return 0;
            }
            int n = 0;
            // Blocks for the first byte only; afterwards hands out what is buffered, so the parser's read-ahead
            // never waits for bytes the peer has not sent.
            while (n < length && state != State.DONE && (n == 0 || position < limit)) {
                int b = read();
                if (b < 0) {
                    break;
                }
                target[offset + n++] = (byte) b;
            }
            return n == 0 ? -1 : n;
        }

        @Override
        public int available() {
            return state == State.DONE ? 0 : limit - position;
        }

        /** Skips to the end of the document, for a caller that stopped reading early. */
        void skipRest() throws IOException {
            while (read() >= 0) {
                // discarded
            }
        }

        @Override
        public void close() throws IOException {
            // The underlying stream belongs to the XmlDocumentStream; the next document begins after this one.
        }

        private void scan(int b) {
            switch (state) {
                case PROLOG:
                case CONTENT:
                    if (b == '<') {
                        state = State.LESS_THAN;
                    } else if (state == State.PROLOG && !isSpace(b) && !(offset < 3 && b == BYTE_ORDER_MARK[offset])) {
                        fail(); // text before the root element
                    }
                    break;
                case LESS_THAN:
                    if (b == '/') {
                        state = State.END_TAG_NAME;
                        name.setLength(0);
                    } else if (b == '?') {
                        state = State.PI;
                        tail = 0;
                    } else if (b == '!') {
                        state = State.BANG;
                        bang.setLength(0);
                    } else {
                        state = State.TAG_NAME;
                        name.setLength(0);
                        name.append((char) b);
                    }
                    break;
                case TAG_NAME:
                    if (isSpace(b) || b == '/' || b == '>') {
                        open.push(name.toString());
                        rootSeen = true;
                        state = State.TAG;
                        tag(b);
                    } else {
                        name.append((char) b);
                    }
                    break;
                case TAG:
                    tag(b);
                    break;
                case TAG_QUOTED:
                case DOCTYPE_QUOTED:
                    if (b == quote) {
                        state = afterQuote;
                    }
                    break;
                case END_TAG_NAME:
                    if (isSpace(b) || b == '>') {
                        if (open.isEmpty() || !open.pop().contentEquals(name)) {
                            fail(); // an end tag that closes nothing, or another element
                            return;
                        }
                        state = State.END_TAG;
                        endTag(b);
                    } else {
                        name.append((char) b);
                    }
                    break;
                case END_TAG:
                    endTag(b);
                    break;
                case BANG:
                    bang.append((char) b);
                    if (startsWith(COMMENT_START)) {
                        state = State.COMMENT;
                        tail = 0;
                    } else if (!open.isEmpty() && startsWith(CDATA_START)) {
                        state = State.CDATA;
                        tail = 0;
                    } else if (bang.length() >= CDATA_START.length) {
                        // A DOCTYPE (the parser refuses it) or a declaration only a DTD may hold.
                        state = State.DOCTYPE;
                        bracketDepth = 0;
                    }
                    break;
                case COMMENT:
                    if (closes(b, '-')) { // -->
                        afterMarkup();
                    }
                    break;
                case PI:
                    if (b == '>' && previous == '?') {
                        afterMarkup();
                    }
                    break;
                case CDATA:
                    if (closes(b, ']')) { // ]]>
                        afterMarkup();
                    }
                    break;
                case DOCTYPE:
                    if (b == '"' || b == '\'') {
                        quote = b;
                        afterQuote = State.DOCTYPE;
                        state = State.DOCTYPE_QUOTED;
                    } else if (b == '[') {
                        bracketDepth++;
                    } else if (b == ']') {
                        bracketDepth--;
                    } else if (b == '>' && bracketDepth <= 0) {
                        afterMarkup();
                    }
                    break;
                default:
                    break;
            }
            previous = b;
            offset++;
        }

        /** Whether {@code b} completes the terminator of two {@code repeated} and a {@code >}. */
        private boolean closes(int b, int repeated) {
            tail = b == repeated ? Math.min(tail + 1, 2) : b == '>' && tail == 2 ? 3 : 0;
            return tail == 3;
        }

        private void tag(int b) {
            if (b == '"' || b == '\'') {
                quote = b;
                afterQuote = State.TAG;
                state = State.TAG_QUOTED;
            } else if (b == '>') {
                if (previous == '/') {
                    open.pop(); // an empty element
                }
                afterMarkup();
            }
        }

        private void endTag(int b) {
            if (b == '>') {
                afterMarkup();
            } else if (!isSpace(b)) {
                fail();
            }
        }

        /** After a tag, comment, PI, CDATA section or DOCTYPE: the document ends when no element is open. */
        private void afterMarkup() {
            state = open.isEmpty() ? (rootSeen ? State.DONE : State.PROLOG) : State.CONTENT;
        }

        private boolean startsWith(byte[] prefix) {
            if (bang.length() < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (bang.charAt(i) != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        private void fail() {
            broken = true;
            state = State.DONE;
        }
    }

    private static boolean isSpace(int b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }
}
