package org.esabridge.api.xml;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
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

    private static final long YEAR_1_DAY = LocalDate.of(1, 1, 1).toEpochDay();
    private static final long YEAR_10000_DAY = LocalDate.of(10_000, 1, 1).toEpochDay();

    /** UTC, {@code Z}, exactly six fractional digits; anything below the microsecond is cut off. */
    public static String format(Instant instant) {
        byte[] text = new byte[FIXED_LENGTH];
        if (!formatInto(instant, text, 0)) {
            return WRITE.format(instant); // signs and five-digit years: the formatter's business
        }
        return new String(text, StandardCharsets.US_ASCII);
    }

    /** The length of {@link #format}'s text for the years 1-9999. */
    static final int FIXED_LENGTH = 27;

    /**
     * Writes {@link #format}'s text as ASCII at {@code at} ({@link #FIXED_LENGTH} bytes), for the record encoder,
     * which writes one per record; false, with nothing written, for an instant outside the years 1-9999.
     */
    static boolean formatInto(Instant instant, byte[] c, int at) {
        long seconds = instant.getEpochSecond();
        long day = Math.floorDiv(seconds, 86_400);
        if (day < YEAR_1_DAY || day >= YEAR_10000_DAY) {
            return false;
        }
        // Every record carries a modified-at; the formatter's general machinery was a visible share of a
        // page's CPU. Years 1-9999 have one fixed-width form, written here digit by digit.
        LocalDate date = LocalDate.ofEpochDay(day);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        digits(c, at, date.getYear(), 4);
        c[at + 4] = '-';
        digits(c, at + 5, date.getMonthValue(), 2);
        c[at + 7] = '-';
        digits(c, at + 8, date.getDayOfMonth(), 2);
        c[at + 10] = 'T';
        digits(c, at + 11, secondOfDay / 3600, 2);
        c[at + 13] = ':';
        digits(c, at + 14, secondOfDay / 60 % 60, 2);
        c[at + 16] = ':';
        digits(c, at + 17, secondOfDay % 60, 2);
        c[at + 19] = '.';
        digits(c, at + 20, instant.getNano() / 1000, 6);
        c[at + 26] = 'Z';
        return true;
    }

    private static void digits(byte[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
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
