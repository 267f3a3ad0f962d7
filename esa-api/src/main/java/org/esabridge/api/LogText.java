package org.esabridge.api;

import java.nio.charset.StandardCharsets;

/**
 * Text from callers or from the database made safe for a log line. Ids, structure names and messages that
 * quote them can hold line breaks, control characters or look-alike separators; written raw, one value could
 * start a forged line ({@code ERROR FORGED …}) or hide what it is. Both forms percent-encode UTF-8 bytes, so
 * the original text can always be recovered from the log.
 */
public final class LogText {
    /** Longest value written by {@link #value}; a longer one is cut and ends in {@code ...}. */
    public static final int MAX_VALUE_CHARS = 128;
    /** Longest message written by {@link #message}. */
    public static final int MAX_MESSAGE_CHARS = 1024;

    private LogText() {
    }

    /**
     * A value for a {@code key=value} log line: everything but letters, digits and {@code ._:@+/-} is
     * percent-encoded (white space, {@code =} and quotes too, so a value cannot forge a key); {@code null} or
     * empty is {@code -}.
     */
    public static String value(String text) {
        if (text == null || text.isEmpty()) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_VALUE_CHARS) + 8);
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= MAX_VALUE_CHARS) {
                return out.append("...").toString();
            }
            char c = text.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "._:@+/-".indexOf(c) >= 0) {
                out.append(c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
                percentEncode(text.substring(i, end), out);
                i = end - 1;
            }
        }
        return out.toString();
    }

    /**
     * A message for the middle of a log line: spaces kept, but control characters (CR, LF, escape, …), the
     * Unicode line and paragraph separators and {@code %} itself percent-encoded; cut at
     * {@link #MAX_MESSAGE_CHARS}.
     */
    public static String message(String text) {
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
                percentEncode(String.valueOf(c), out);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void percentEncode(String chars, StringBuilder out) {
        for (byte b : chars.getBytes(StandardCharsets.UTF_8)) {
            out.append('%').append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
    }
}
