package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class LogValuesTest {

    @Test
    void timestampsAreSpelledAsOnTheWireWhateverTheirTrailingZeros() {
        assertEquals("2026-12-01T11:00:20.472000Z", LogValues.of(Instant.parse("2026-12-01T11:00:20.472Z")));
        assertEquals("2026-12-01T11:00:20.000000Z", LogValues.of(Instant.parse("2026-12-01T11:00:20Z")));
        assertEquals("2026-12-01T11:00:20.110879Z", LogValues.of(Instant.parse("2026-12-01T11:00:20.110879Z")));
    }

    @Test
    void requestTextCannotForgeAKey() {
        assertEquals("a%20outcome%3dok", LogValues.of("a outcome=ok"));
        assertEquals("-", LogValues.of(""));
        assertEquals("-", LogValues.of(null));
    }

    @Test
    void aMessageKeepsItsSpacesButCannotBreakTheLine() {
        assertEquals("record P9%0d%0aERROR FORGED, field name holds 100%25",
                LogValues.message("record P9\r\nERROR FORGED, field name holds 100%"));
        assertEquals("a%e2%80%a8b%1b[2J", LogValues.message("a\u2028b\u001b[2J"));
        assertEquals("-", LogValues.message(null));
    }
}
