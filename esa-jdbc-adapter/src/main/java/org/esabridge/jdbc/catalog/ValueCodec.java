package org.esabridge.jdbc.catalog;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Base64;
import java.util.Locale;
import org.esabridge.api.ControlCharacters;

/**
 * Column values ⇄ protocol text (esa-protocol.md §3): plain decimals at full precision, {@code true}/
 * {@code false}, base64, {@code xs:date}/{@code xs:time}/{@code xs:dateTime} with as many fractional digits
 * as the column keeps; DATETIME without offset, TIMESTAMP in UTC with {@code Z}. Sessions run in UTC, so a
 * TIMESTAMP read or written as a {@code LocalDateTime} is a UTC wall time.
 */
public final class ValueCodec {
    private ValueCodec() {
    }

    /** Thrown for request text that does not fit the column; becomes INVALID_VALUE. */
    public static final class BadValueException extends Exception {
        private static final long serialVersionUID = 1L;

        public BadValueException(String message) {
            super(message);
        }
    }

    /** DECIMAL's largest precision and scale, for a column whose catalog entry lacks them. */
    private static final long MAX_DECIMAL_PRECISION = 65;
    private static final long MAX_DECIMAL_SCALE = 38;
    /** FLOAT/DOUBLE: digits kept beyond these are rounded away by the database anyway. */
    private static final int MAX_FLOAT_DIGITS = 100;

    private static final DateTimeFormatter[] DATE_TIME = new DateTimeFormatter[7];
    private static final DateTimeFormatter[] TIME = new DateTimeFormatter[7];

    static {
        for (int fsp = 0; fsp <= 6; fsp++) {
            DATE_TIME[fsp] = withFraction(new DateTimeFormatterBuilder().appendPattern("uuuu-MM-dd'T'HH:mm:ss"), fsp);
            TIME[fsp] = withFraction(new DateTimeFormatterBuilder().appendPattern("HH:mm:ss"), fsp);
        }
    }

    private static DateTimeFormatter withFraction(DateTimeFormatterBuilder b, int fsp) {
        if (fsp > 0) {
            b.appendFraction(ChronoField.MICRO_OF_SECOND, fsp, fsp, true);
        }
        return b.toFormatter(Locale.ROOT);
    }

    /** A control timestamp (modified-at …): UTC with Z and 6 fractional digits. */
    public static String formatInstant(Instant i) {
        return DATE_TIME[6].format(LocalDateTime.ofInstant(i, ZoneOffset.UTC)) + "Z";
    }

    /**
     * A DATETIME or TIMESTAMP value as {@link #read} spells it: {@code fsp} fractional digits, and {@code Z} for a
     * TIMESTAMP (a UTC wall time). For values that do not come from a result set (the binary log's row images).
     */
    public static String formatDateTime(LocalDateTime t, int fsp, boolean timestamp) {
        return DATE_TIME[fsp].format(t) + (timestamp ? "Z" : "");
    }

    /** Reads column {@code index} of the current row as protocol text; null for SQL NULL. */
    public static String read(ResultSet rs, int index, Column c, ValueKind kind) throws SQLException {
        switch (kind) {
            case INTEGER, BITS: {
                String s = kind == ValueKind.BITS ? bitsText(rs, index) : rs.getString(index);
                return rs.wasNull() ? null : s;
            }
            case DECIMAL: {
                BigDecimal d = rs.getBigDecimal(index);
                return d == null ? null : d.toPlainString();
            }
            case FLOAT: {
                float f = rs.getFloat(index);
                return rs.wasNull() ? null : new BigDecimal(Float.toString(f)).stripTrailingZeros().toPlainString();
            }
            case DOUBLE: {
                double d = rs.getDouble(index);
                return rs.wasNull() ? null : BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
            }
            case BOOLEAN: {
                boolean b = rs.getBoolean(index);
                return rs.wasNull() ? null : Boolean.toString(b);
            }
            case STRING:
                return rs.getString(index);
            case DATE: {
                LocalDate d = rs.getObject(index, LocalDate.class);
                return d == null ? null : d.toString();
            }
            case TIME:
                // TIME may be negative or beyond 24 h in MariaDB; its own text form is the faithful one.
                return rs.getString(index);
            case DATETIME: {
                LocalDateTime t = rs.getObject(index, LocalDateTime.class);
                return t == null ? null : DATE_TIME[c.fsp()].format(t);
            }
            case TIMESTAMP: {
                LocalDateTime t = rs.getObject(index, LocalDateTime.class);
                return t == null ? null : DATE_TIME[c.fsp()].format(t) + "Z";
            }
            case BINARY: {
                byte[] b = rs.getBytes(index);
                return b == null ? null : Base64.getEncoder().encodeToString(b);
            }
            default:
                throw new IllegalStateException("kind " + kind);
        }
    }

    private static String bitsText(ResultSet rs, int index) throws SQLException {
        byte[] bytes = rs.getBytes(index);
        return bytes == null ? null : new BigInteger(1, bytes).toString();
    }

    /** Reads a modification column as an instant (a zone-less DATETIME is taken as UTC). */
    public static Instant readInstant(ResultSet rs, int index) throws SQLException {
        LocalDateTime t = rs.getObject(index, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }

    /**
     * Reads a DATETIME modification column whose wall times are in {@code zone}. In a daylight-saving fall-back
     * hour a wall time names two instants; the earlier one is taken (docs/capture-modes.md, "DATETIME modification columns").
     */
    public static Instant readInstant(ResultSet rs, int index, java.time.ZoneId zone) throws SQLException {
        LocalDateTime t = rs.getObject(index, LocalDateTime.class);
        return t == null ? null : t.atZone(zone).toInstant();
    }

    /** Binds an instant as a wall time of {@code zone}, for a DATETIME modification column in that zone. */
    public static void bindInstant(PreparedStatement ps, int index, Instant i, java.time.ZoneId zone)
            throws SQLException {
        ps.setObject(index, LocalDateTime.ofInstant(i, zone));
    }

    /** Binds an instant for comparison or assignment with a temporal column, as a UTC wall time. */
    public static void bindInstant(PreparedStatement ps, int index, Instant i) throws SQLException {
        ps.setObject(index, LocalDateTime.ofInstant(i, ZoneOffset.UTC));
    }

    /**
     * Checks request text against a column without building anything from it and without touching the
     * database: no refused {@link ControlCharacters control character}, and a number within the column's
     * type (digits, precision and scale, range). {@link #bind} checks again; call this first so that a write
     * or lookup with a bad value is refused before it takes a connection.
     */
    public static void check(Column c, ValueKind kind, String text) throws BadValueException {
        if (text == null) {
            return;
        }
        if (ControlCharacters.anyIn(text)) {
            throw new BadValueException("field " + c.name() + " holds a control character");
        }
        switch (kind) {
            case INTEGER, BITS, DECIMAL, FLOAT, DOUBLE -> number(c, kind, text);
            default -> {
                // parsed when bound; their parsers do bounded work on bounded text
            }
        }
    }

    /** Binds protocol text (null for xsi:nil) as the value of a column. */
    public static void bind(PreparedStatement ps, int index, Column c, ValueKind kind, String text)
            throws SQLException, BadValueException {
        if (text == null) {
            ps.setNull(index, Types.NULL);
            return;
        }
        check(c, kind, text);
        try {
            switch (kind) {
                // Built from the checked digits only: a number's size is known before it is built.
                case INTEGER, BITS, DECIMAL -> ps.setBigDecimal(index, number(c, kind, text).toBigDecimal());
                // As a double: MariaDB reads a plain decimal literal as DECIMAL, capped at 65 digits (1e308
                // became 1e65, 1e-300 zero).
                case FLOAT, DOUBLE -> ps.setDouble(index, number(c, kind, text).toBigDecimal().doubleValue());
                case BOOLEAN -> ps.setBoolean(index, bool(text));
                case STRING -> ps.setString(index, text);
                case DATE -> ps.setObject(index, LocalDate.parse(text.trim()));
                case TIME -> ps.setString(index, LocalTime.parse(text.trim()).toString());
                case DATETIME -> ps.setObject(index, localDateTime(text));
                case TIMESTAMP -> ps.setObject(index, LocalDateTime.ofInstant(parseInstant(text), ZoneOffset.UTC));
                case BINARY -> ps.setBytes(index, Base64.getDecoder().decode(text.replaceAll("\\s", "")));
                default -> throw new IllegalStateException("kind " + kind);
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new BadValueException("'" + shorten(text) + "' is not a valid " + kind.fieldType().name().toLowerCase(Locale.ROOT)
                    + " for field " + c.name());
        } catch (IllegalArgumentException e) {
            throw new BadValueException("field " + c.name() + ": " + e.getMessage());
        }
    }

    /**
     * Scans a number and checks it against the column before anything is built (see {@link NumberText}); the
     * message names the field, never the value, which may be a megabyte long.
     */
    private static NumberText number(Column c, ValueKind kind, String text) throws BadValueException {
        boolean integer = kind == ValueKind.INTEGER || kind == ValueKind.BITS;
        NumberText n = NumberText.scan(text, !integer);
        if (n == null) {
            throw new BadValueException("field " + c.name() + " needs " + (integer ? "an integer" : "a decimal number"));
        }
        if (n.isZero()) {
            return n;
        }
        if (n.negative && (c.isUnsigned() || kind == ValueKind.BITS)) {
            throw new BadValueException("field " + c.name() + " is unsigned: a negative value is out of range");
        }
        switch (kind) {
            case INTEGER, BITS -> integerInRange(c, kind, n);
            case DECIMAL -> {
                // DECIMAL would round extra fractional digits silently (only a note, even in strict mode):
                // refuse instead, so a stored value is always exactly the one sent.
                long precision = c.precision() != null ? c.precision() : MAX_DECIMAL_PRECISION;
                long scale = c.scale() != null ? c.scale() : MAX_DECIMAL_SCALE;
                if (n.fractionDigits() > scale) {
                    throw new BadValueException("field " + c.name() + ": more than " + scale + " fractional digits");
                }
                if (n.integerDigits() > precision - scale) {
                    throw new BadValueException("field " + c.name() + ": more than " + (precision - scale)
                            + " digits before the decimal point");
                }
            }
            default -> {
                // FLOAT, DOUBLE: a magnitude the type can hold, with no more digits than could matter.
                int maxPower = kind == ValueKind.FLOAT ? 38 : 308;
                int minPower = kind == ValueKind.FLOAT ? -45 : -324;
                if (n.significand.length() > MAX_FLOAT_DIGITS) {
                    throw new BadValueException("field " + c.name() + ": more than " + MAX_FLOAT_DIGITS
                            + " significant digits");
                }
                if (n.highPower() > maxPower || n.highPower() < minPower) {
                    throw new BadValueException("field " + c.name() + ": out of the range of " + c.dataType());
                }
                double d = n.toBigDecimal().doubleValue(); // at most 100 digits: cheap
                if (Double.isInfinite(kind == ValueKind.FLOAT ? (float) d : d)) {
                    throw new BadValueException("field " + c.name() + ": out of the range of " + c.dataType());
                }
            }
        }
        return n;
    }

    /** The integer types' ranges in bits; BIT(n) holds n bits, YEAR four digits. */
    private static void integerInRange(Column c, ValueKind kind, NumberText n) throws BadValueException {
        if (c.dataType().equals("year")) {
            // 1901..2155 and 0: the database checks the range; only the digits are bounded here.
            if (n.highPower() + 1 > 4) {
                throw new BadValueException("field " + c.name() + ": out of the range of " + c.columnType());
            }
            return;
        }
        int bits;
        if (kind == ValueKind.BITS) {
            bits = c.precision() != null ? Math.toIntExact(c.precision()) : 64;
        } else {
            bits = switch (c.dataType()) {
                case "tinyint" -> 8;
                case "smallint" -> 16;
                case "mediumint" -> 24;
                case "int", "integer" -> 32;
                default -> 64;
            };
        }
        boolean signed = kind == ValueKind.INTEGER && !c.isUnsigned();
        int valueBits = signed ? bits - 1 : bits;
        // Digits first (2^64 has 20), so that no long digit string is ever parsed.
        if (n.highPower() + 1 > 20) {
            throw new BadValueException("field " + c.name() + ": out of the range of " + c.columnType());
        }
        BigInteger value = n.toBigDecimal().toBigIntegerExact().abs();
        BigInteger limit = BigInteger.ONE.shiftLeft(valueBits); // |min| for a negative signed value
        if (n.negative ? value.compareTo(limit) > 0 : value.compareTo(limit) >= 0) {
            throw new BadValueException("field " + c.name() + ": out of the range of " + c.columnType());
        }
    }

    private static boolean bool(String text) {
        return switch (text.trim()) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    private static LocalDateTime localDateTime(String text) {
        String t = text.trim();
        // A DATETIME has no zone: an offset would have to be dropped or guessed away, so refuse it.
        if (t.endsWith("Z") || t.matches(".*T.*[+-]\\d\\d:\\d\\d$")) {
            throw new IllegalArgumentException("a zone-less datetime must not carry an offset");
        }
        return LocalDateTime.parse(t);
    }

    /** Parses a control timestamp or TIMESTAMP value: {@code xs:dateTime} with an offset or Z. */
    public static Instant parseInstant(String text) {
        String t = text.trim();
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + shorten(t) + "' needs an offset or Z");
        }
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
