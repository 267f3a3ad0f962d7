package org.esabridge.api;

/**
 * The characters no value of a call may carry, checked before anything is stored: the C0 controls except
 * TAB, LF and CR, DEL and the C1 controls (U+007F–U+009F), U+FFFE, U+FFFF and unpaired surrogates.
 *
 * <p>Why this set: XML 1.0 cannot carry the C0 controls, U+FFFE/U+FFFF or a lone surrogate at all, so a
 * value holding one could be stored but never written back (the structure's sync would be stuck on it). DEL
 * and the C1 controls are legal XML 1.0 but XML 1.1 readers treat them differently (U+0085 is a line end),
 * terminals obey them (U+009B starts an escape sequence) and no person types them; text that holds one is
 * almost always text decoded with the wrong charset, so it is refused rather than kept.
 */
public final class ControlCharacters {
    private ControlCharacters() {
    }

    /** The index of the first refused character of {@code text}, or -1 when there is none. */
    public static int firstRefused(String text) {
        // Runs over every value of every write: a char loop whose common case is one compare.
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0xA0 && c < 0xD800 || c >= 0x20 && c < 0x7F) {
                continue;
            }
            if (c < 0x20) {
                if (c != '\t' && c != '\n' && c != '\r') {
                    return i;
                }
            } else if (c < 0xA0) {
                return i; // DEL and C1
            } else if (c >= 0xE000) {
                if (c >= 0xFFFE) {
                    return i;
                }
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++; // a pair: a code point in U+10000..U+10FFFF
            } else {
                return i; // a lone surrogate
            }
        }
        return -1;
    }

    /** Whether {@code text} holds a refused character. */
    public static boolean anyIn(String text) {
        return text != null && firstRefused(text) >= 0;
    }
}
