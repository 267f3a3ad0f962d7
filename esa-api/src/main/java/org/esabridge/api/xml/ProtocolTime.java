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
        // page's CPU. Years 1-9999 have one fixed-width form, written here two digits at a time.
        LocalDate date = LocalDate.ofEpochDay(day);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        int year = date.getYear();
        pair(c, at, year / 100);
        pair(c, at + 2, year % 100);
        c[at + 4] = '-';
        pair(c, at + 5, date.getMonthValue());
        c[at + 7] = '-';
        pair(c, at + 8, date.getDayOfMonth());
        c[at + 10] = 'T';
        pair(c, at + 11, secondOfDay / 3600);
        c[at + 13] = ':';
        pair(c, at + 14, secondOfDay / 60 % 60);
        c[at + 16] = ':';
        pair(c, at + 17, secondOfDay % 60);
        c[at + 19] = '.';
        int micros = instant.getNano() / 1000;
        pair(c, at + 20, micros / 10_000);
        pair(c, at + 22, micros / 100 % 100);
        pair(c, at + 24, micros % 100);
        c[at + 26] = 'Z';
        return true;
    }

    /**
     * {@link #formatInto(Instant, byte[], int)} for the instant whose UTC wall time is {@code utc}, read without an
     * {@code Instant} (a page's modification times come from the database as wall times).
     */
    static boolean formatInto(LocalDateTime utc, byte[] c, int at) {
        int year = utc.getYear();
        if (year < 1 || year > 9999) {
            return false;
        }
        pair(c, at, year / 100);
        pair(c, at + 2, year % 100);
        c[at + 4] = '-';
        pair(c, at + 5, utc.getMonthValue());
        c[at + 7] = '-';
        pair(c, at + 8, utc.getDayOfMonth());
        c[at + 10] = 'T';
        pair(c, at + 11, utc.getHour());
        c[at + 13] = ':';
        pair(c, at + 14, utc.getMinute());
        c[at + 16] = ':';
        pair(c, at + 17, utc.getSecond());
        c[at + 19] = '.';
        int micros = utc.getNano() / 1000;
        pair(c, at + 20, micros / 10_000);
        pair(c, at + 22, micros / 100 % 100);
        pair(c, at + 24, micros % 100);
        c[at + 26] = 'Z';
        return true;
    }

    /** "00" … "99": two digits a look-up, half the divisions of one digit at a time. */
    private static final byte[] PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private static void pair(byte[] c, int at, int value) {
        c[at] = PAIRS[2 * value];
        c[at + 1] = PAIRS[2 * value + 1];
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
