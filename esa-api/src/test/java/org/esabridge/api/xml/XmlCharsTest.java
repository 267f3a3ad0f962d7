package org.esabridge.api.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class XmlCharsTest {
    /** The code point definition firstIllegal's char loop replaces. */
    private static int reference(String text) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (!XmlChars.legal(c)) {
                return i;
            }
            i += Character.charCount(c);
        }
        return -1;
    }

    @Test
    void findsTheSameFirstIllegalCharacterAsTheCodePointDefinition() {
        SplittableRandom random = new SplittableRandom(42);
        // Edges of every range, surrogates in and out of pairs, and ordinary text, in random mixes.
        char[] pool = {'a', ' ', '\t', '\n', '\r', 0x0, 0x1F, 0x7F, 0xD7FF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF,
            0xE000, 0xFFFD, 0xFFFE, 0xFFFF, 'é', '€'};
        for (int i = 0; i < 200_000; i++) {
            char[] text = new char[random.nextInt(0, 8)];
            for (int j = 0; j < text.length; j++) {
                text[j] = random.nextInt(4) == 0 ? (char) random.nextInt(0x10000) : pool[random.nextInt(pool.length)];
            }
            String s = new String(text);
            assertEquals(reference(s), XmlChars.firstIllegal(s), () -> s.chars()
                    .mapToObj(c -> String.format("%04X", c)).reduce("", (a, b) -> a + " " + b));
        }
        assertEquals(-1, XmlChars.firstIllegal("\uD83D\uDE00 ok"));
        assertEquals(0, XmlChars.firstIllegal("\uDE00\uD83D"));
        assertEquals(2, XmlChars.firstIllegal("ab\uD83D"));
    }
}
