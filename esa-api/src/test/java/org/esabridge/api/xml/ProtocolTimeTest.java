package org.esabridge.api.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProtocolTimeTest {
    // The general formatter ProtocolTime.format used to be; the hand-written one must spell every instant alike.
    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void formatsEveryInstantAsTheFormatterDoes() {
        SplittableRandom random = new SplittableRandom(20261123);
        long min = Instant.parse("-2000-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("+12000-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(min, max), random.nextInt(1_000_000_000));
            assertEquals(REFERENCE.format(instant), ProtocolTime.format(instant), instant::toString);
        }
    }

    @Test
    void formatsTheEdgesAsTheFormatterDoes() {
        String[] edges = {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z", "0001-01-01T00:00:00Z",
            "0000-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z",
            "2000-02-29T12:00:00.000001Z", "2100-03-01T00:00:00Z", "2026-11-23T05:50:02.0000019Z"};
        for (String edge : edges) {
            Instant instant = Instant.parse(edge);
            assertEquals(REFERENCE.format(instant), ProtocolTime.format(instant), edge);
        }
    }

    @Test
    void readsWhatItWrites() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(0, 253_402_300_799L), random.nextInt(1_000_000) * 1000);
            assertEquals(instant, ProtocolTime.parse(ProtocolTime.format(instant)));
        }
    }
}
