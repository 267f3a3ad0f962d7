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
}
