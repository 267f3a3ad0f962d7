package org.esabridge.jdbc.mariadb;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.esabridge.jdbc.catalog.ValueKind;

/**
 * MariaDB's zero and partly zero dates — {@code 0000-00-00}, {@code 2024-00-15}, {@code 1000-01-00},
 * {@code 0000-00-00 00:00:00} — which a DATE, DATETIME or TIMESTAMP column holds whenever a writer's
 * {@code sql_mode} lacks NO_ZERO_DATE / NO_ZERO_IN_DATE. No {@code java.time} value and no {@code xs:date} holds
 * them, so on the wire they keep the column's shape with MariaDB's own digits (esa-protocol.md §3): DATE
 * {@code 2024-00-15}; DATETIME {@code 0000-00-00T00:00:00} with the column's fractional digits; TIMESTAMP the same
 * with {@code Z}. A host writes such a text back to store the value again.
 */
public final class ZeroDates {
    private static final Pattern DATE = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})");
    private static final Pattern DATE_TIME = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?)(Z?)");

    private ZeroDates() {
    }

    /**
     * Whether MariaDB's text of a temporal value ({@code YYYY-MM-DD…}) has a zero month or day. A year 0000 with a
     * month and a day is a date java.time holds ({@code 0000-01-01}), read as any other.
     */
    static boolean isZero(String mariaDbText) {
        return mariaDbText.length() >= 10 && (mariaDbText.startsWith("00", 5) || mariaDbText.startsWith("00", 8));
    }

    /**
     * The wire form of a date from MariaDB's text ({@code YYYY-MM-DD[ hh:mm:ss[.ffffff]]}): for an ordinary DATE
     * or DATETIME the same text as {@code xs:date} / a zone-less {@code xs:dateTime}, for a zero date its digits.
     */
    static String wire(String mariaDbText, ValueKind kind, int fsp) {
        if (kind == ValueKind.DATE) {
            return mariaDbText.substring(0, 10);
        }
        String time = mariaDbText.length() >= 19 ? mariaDbText.substring(11, 19) : "00:00:00";
        String fraction = mariaDbText.length() > 20 ? mariaDbText.substring(20) : "";
        return mariaDbText.substring(0, 10) + "T" + time + fraction(fraction, fsp) + (kind == ValueKind.TIMESTAMP ? "Z" : "");
    }

    /** The wire form of a zero date from its fields, as the binary log carries them. */
    public static String wire(int year, int month, int day, int hour, int minute, int second, int micros,
                              ValueKind kind, int fsp) {
        String date = String.format("%04d-%02d-%02d", year, month, day);
        if (kind == ValueKind.DATE) {
            return date;
        }
        String digits = fsp == 0 ? "" : String.format("%06d", micros);
        return date + String.format("T%02d:%02d:%02d", hour, minute, second) + fraction(digits, fsp)
                + (kind == ValueKind.TIMESTAMP ? "Z" : "");
    }

    /** Exactly {@code fsp} digits (the column holds no more, so only zeros are cut). */
    private static String fraction(String digits, int fsp) {
        if (fsp == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder(".").append(digits, 0, Math.min(digits.length(), fsp));
        while (sb.length() < fsp + 1) {
            sb.append('0');
        }
        return sb.toString();
    }

    /**
     * MariaDB's text for request text that spells a zero date of the column's kind, or null when the text does
     * not (then it is an ordinary value, parsed as such). The database checks the rest (month 13, a zero
     * TIMESTAMP other than all zeros) and refuses what it cannot store.
     */
    static String sql(String text, ValueKind kind) {
        String t = text.trim();
        if (kind == ValueKind.DATE) {
            Matcher m = DATE.matcher(t);
            return m.matches() && isZero(t) ? t : null;
        }
        Matcher m = DATE_TIME.matcher(t);
        if (!m.matches() || !isZero(t) || m.group(5).isEmpty() != (kind == ValueKind.DATETIME)) {
            return null;
        }
        return m.group(1) + "-" + m.group(2) + "-" + m.group(3) + " " + m.group(4);
    }
}
