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

    /** Binds an instant for comparison or assignment with a temporal column, as a UTC wall time. */
    public static void bindInstant(PreparedStatement ps, int index, Instant i) throws SQLException {
        ps.setObject(index, LocalDateTime.ofInstant(i, ZoneOffset.UTC));
    }

    /** Binds protocol text (null for xsi:nil) as the value of a column. */
    public static void bind(PreparedStatement ps, int index, Column c, ValueKind kind, String text)
            throws SQLException, BadValueException {
        if (text == null) {
            ps.setNull(index, Types.NULL);
            return;
        }
        try {
            switch (kind) {
                case INTEGER, BITS -> ps.setBigDecimal(index, new BigDecimal(new BigInteger(text.trim())));
                case DECIMAL, FLOAT, DOUBLE -> ps.setBigDecimal(index, decimal(c, kind, text));
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

    private static BigDecimal decimal(Column c, ValueKind kind, String text) {
        BigDecimal d = new BigDecimal(text.trim());
        // DECIMAL would round extra digits silently (only a note, even in strict mode): refuse instead, so a
        // stored value is always exactly the one sent.
        if (kind == ValueKind.DECIMAL && c.scale() != null && d.stripTrailingZeros().scale() > c.scale()) {
            throw new IllegalArgumentException("more than " + c.scale() + " fractional digits");
        }
        return d;
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
