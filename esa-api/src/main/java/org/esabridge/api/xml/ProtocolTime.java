package org.esabridge.api.xml;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

/**
 * The one text form of control timestamps (esa-protocol.md §3): {@code after}, {@code last-seen},
 * {@code modified-at}, {@code expires-at}, {@code getCurrentTime} and the Helper API's times.
 */
public final class ProtocolTime {
    private ProtocolTime() {
    }

    // Always six digits: the host compares the text it got back with last-seen, so a value must not
    // change its spelling with its value (…31.1Z vs …31.100000Z).
    private static final DateTimeFormatter WRITE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private static final DateTimeFormatter READ = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2).appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT);

    /** UTC, {@code Z}, exactly six fractional digits; anything below the microsecond is cut off. */
    public static String format(Instant instant) {
        return WRITE.format(instant);
    }

    /**
     * Reads an {@code xs:dateTime} with any offset; a value without offset is taken as UTC.
     *
     * @throws DateTimeException when the text is not such a timestamp (surrounding white space included)
     */
    public static Instant parse(String text) {
        TemporalAccessor parsed = READ.parse(text);
        if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
            return OffsetDateTime.from(parsed).toInstant();
        }
        return LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
    }
}
