package org.esabridge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ControlCharactersTest {

    @Test
    void refusesC0ExceptTabLineFeedAndCarriageReturn() {
        for (char c = 0; c < 0x20; c++) {
            int expected = c == '\t' || c == '\n' || c == '\r' ? -1 : 1;
            assertEquals(expected, ControlCharacters.firstRefused("a" + c + "b"), "U+" + Integer.toHexString(c));
        }
    }

    @Test
    void refusesDelAndC1() {
        for (char c = 0x7F; c <= 0x9F; c++) {
            assertEquals(2, ControlCharacters.firstRefused("ab" + c), "U+" + Integer.toHexString(c));
        }
    }

    @Test
    void refusesNonCharactersAndLoneSurrogates() {
        assertEquals(0, ControlCharacters.firstRefused("\uFFFE"));
        assertEquals(1, ControlCharacters.firstRefused("x\uFFFF"));
        assertEquals(0, ControlCharacters.firstRefused("\uDE00\uD83D"));
        assertEquals(2, ControlCharacters.firstRefused("ab\uD83D"));
    }

    @Test
    void acceptsPrintableTextOfEveryPlane() {
        assertEquals(-1, ControlCharacters.firstRefused("Müller\t€ 12,50\r\n\u00A0\uD83D\uDE00 \uFFFD \uE000 ~"));
        assertEquals(-1, ControlCharacters.firstRefused(""));
    }
}
