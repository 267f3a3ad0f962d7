package org.esabridge.server;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.esabridge.api.xml.ProtocolTime;

/**
 * Values of the key=value log lines (call log, audit log). Structure names, ids and call ids come from the
 * request, so anything that could forge a line or a key — white space, '=', quotes, control characters —
 * is percent-encoded, and a value is cut at {@link #MAX_CHARS}. A timestamp is spelled as on the wire, so
 * an audit line can be matched against the last-seen and modified-at the host saw. A message that quotes such
 * values — an id read from the database in "record … could not be written" — keeps its spaces but not its line
 * breaks or other control characters ({@link #message}): no value can start a forged line.
 */
final class LogValues {
    static final int MAX_CHARS = 128;
    /** Longest message logged by {@link #message}. */
    static final int MAX_MESSAGE_CHARS = 1024;

    private LogValues() {
    }

    static String of(Object value) {
        if (value == null) {
            return "-";
        }
        // Instant.toString() drops trailing zero groups (…20.472Z for …20.472000Z): not the host's spelling.
        String text = value instanceof Instant instant ? ProtocolTime.format(instant) : value.toString();
        if (text.isEmpty()) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 8);
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= MAX_CHARS) {
                return out.append("...").toString();
            }
            char c = text.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "._:@+/-".indexOf(c) >= 0) {
                out.append(c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
                for (byte b : text.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
                }
                i = end - 1;
            }
        }
        return out.toString();
    }

    /**
     * A message for the middle of a log line: control characters (CR, LF, escape, …) and the Unicode line and
     * paragraph separators percent-encoded, {@code %} too so that the encoding is unambiguous, cut at
     * {@link #MAX_MESSAGE_CHARS}.
     */
    static String message(String text) {
        if (text == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_MESSAGE_CHARS) + 8);
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= MAX_MESSAGE_CHARS) {
                return out.append("...").toString();
            }
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '%') {
                for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
