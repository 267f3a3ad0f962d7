package org.esabridge.server;

import java.time.Instant;

import org.esabridge.api.LogText;
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
    static final int MAX_CHARS = LogText.MAX_VALUE_CHARS;
    /** Longest message logged by {@link #message}. */
    static final int MAX_MESSAGE_CHARS = LogText.MAX_MESSAGE_CHARS;

    private LogValues() {
    }

    static String of(Object value) {
        if (value == null) {
            return "-";
        }
        // Instant.toString() drops trailing zero groups (…20.472Z for …20.472000Z): not the host's spelling.
        return LogText.value(value instanceof Instant instant ? ProtocolTime.format(instant) : value.toString());
    }

    /** See {@link LogText#message}. */
    static String message(String text) {
        return LogText.message(text);
    }
}
