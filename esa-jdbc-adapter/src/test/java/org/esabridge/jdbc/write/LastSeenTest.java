package org.esabridge.jdbc.write;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LastSeenTest {
    @Test
    void aWholeMillisecondMayHaveBeenTruncated() {
        assertEquals(Instant.parse("2026-11-23T05:46:31.124Z"), LastSeen.exclusiveBound(Instant.parse("2026-11-23T05:46:31.123Z")));
        assertEquals(Instant.parse("2026-11-23T05:46:32.001Z"), LastSeen.exclusiveBound(Instant.parse("2026-11-23T05:46:32Z")));
    }

    @Test
    void microsecondsAreComparedExactly() {
        assertEquals(Instant.parse("2026-11-23T05:46:31.123457Z"),
                LastSeen.exclusiveBound(Instant.parse("2026-11-23T05:46:31.123456Z")));
        assertEquals(Instant.parse("2026-11-23T05:46:31.123457Z"),
                LastSeen.exclusiveBound(Instant.parse("2026-11-23T05:46:31.123456789Z")));
        assertEquals(Instant.parse("2026-11-23T05:46:31.123001Z"),
                LastSeen.exclusiveBound(Instant.parse("2026-11-23T05:46:31.123000500Z")));
    }
}
