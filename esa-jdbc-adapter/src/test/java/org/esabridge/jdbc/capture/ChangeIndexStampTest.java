package org.esabridge.jdbc.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The change index's stamps never fall on a whole millisecond (they are modified-at of tables without a column). */
class ChangeIndexStampTest {
    @Test
    void aStampOnAWholeMillisecondMovesOneMicrosecondOn() {
        assertEquals(Instant.parse("2026-12-06T10:00:00.123001Z"),
                ChangeIndex.offWholeMillisecond(Instant.parse("2026-12-06T10:00:00.123Z")));
        assertEquals(Instant.parse("2026-12-06T10:00:00.000001Z"),
                ChangeIndex.offWholeMillisecond(Instant.parse("2026-12-06T10:00:00Z")));
        assertEquals(Instant.parse("2026-12-06T10:00:00.123456Z"),
                ChangeIndex.offWholeMillisecond(Instant.parse("2026-12-06T10:00:00.123456Z")));
    }
}
