package org.esabridge.api.xml;

/** The characters XML 1.0 can carry (production Char of the XML specification). */
final class XmlChars {
    private XmlChars() {
    }

    /** The index of the first character XML 1.0 cannot carry, or -1. */
    static int firstIllegal(String text) {
        // Runs over every field of every record written: a char loop whose common case is one compare.
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0xD800) {
                continue;
            }
            if (c < 0x20) {
                if (c != 0x9 && c != 0xA && c != 0xD) {
                    return i;
                }
            } else if (c >= 0xE000) {
                if (c > 0xFFFD) {
                    return i;
                }
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++; // a pair is a code point in U+10000..U+10FFFF, all legal
            } else {
                return i; // a lone surrogate
            }
        }
        return -1;
    }

    static boolean legal(int c) {
        return c == 0x9 || c == 0xA || c == 0xD
                || c >= 0x20 && c <= 0xD7FF
                || c >= 0xE000 && c <= 0xFFFD
                || c >= 0x10000 && c <= 0x10FFFF;
    }

    /** The text with every character XML cannot carry replaced by U+FFFD; for messages only. */
    static String sanitize(String text) {
        if (firstIllegal(text) < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(legal(c) ? c : 0xFFFD));
        return out.toString();
    }
}
