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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;
import org.esabridge.api.ControlCharacters;
import org.esabridge.api.xml.RecordText;

/**
 * Column values ⇄ protocol text (esa-protocol.md §3, §3.1): plain decimals at full precision, {@code true}/
 * {@code false}, base64, {@code xs:date}/{@code xs:dateTime} with as many fractional digits as the column keeps
 * (DATETIME without offset, TIMESTAMP in UTC with {@code Z}), TIME as the database's own duration text. Sessions run
 * in UTC, so a TIMESTAMP read or written as a {@code LocalDateTime} is a UTC wall time.
 *
 * <p>This class holds the forms every engine shares; each engine's {@link org.esabridge.jdbc.dialect.Dialect#values()
 * codec} extends it with its own: which of its column types is which {@link ValueKind}, the integer types' ranges,
 * and the values only it holds (dates no {@code java.time} value holds, NaN and infinities, zoned timestamps), read
 * and written in their own forms. The core reads and binds values only through an engine's codec.
 */
public abstract class ValueCodec {
    protected ValueCodec() {
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

    /**
     * The kind of a column as the engine's catalog query describes it, or null when it is not exposed.
     *
     * @param declaredBoolean whether the column is listed in {@code structure.<table>.boolean-columns}: an engine
     *                        whose booleans are small integers serves such a column as a BOOLEAN
     */
    public abstract ValueKind kind(Column c, boolean declaredBoolean);

    /** {@link #kind(Column, boolean)} without a boolean declaration. */
    public final ValueKind kind(Column c) {
        return kind(c, false);
    }

    /**
     * Reads column {@code index} of the current row as protocol text; null for SQL NULL. An engine reads the values
     * it alone holds in their own forms and leaves the rest to this.
     */
    public String read(ResultSet rs, int index, Column c, ValueKind kind) throws SQLException {
        switch (kind) {
            case INTEGER, BITS: {
                String s = kind == ValueKind.BITS ? bitsText(rs, index) : rs.getString(index);
                return rs.wasNull() ? null : s;
            }
            case DECIMAL:
                // The database's text of a DECIMAL is plain and exact (no exponent, the column's scale); a BigDecimal
                // between it and the wire cost a parse and a print per value.
                return rs.getString(index);
            case FLOAT: {
                // Selected as a DOUBLE (RecordMapper): an engine's text of a single-precision float may be cut short.
                float f = (float) rs.getDouble(index);
                return rs.wasNull() ? null : !Float.isFinite(f) ? special(f)
                        : withinDeclaredRange(c, kind, new BigDecimal(Float.toString(f)), f).toPlainString();
            }
            case DOUBLE: {
                double d = rs.getDouble(index);
                return rs.wasNull() ? null : !Double.isFinite(d) ? special(d)
                        : withinDeclaredRange(c, kind, BigDecimal.valueOf(d), d).toPlainString();
            }
            case BOOLEAN: {
                boolean b = rs.getBoolean(index);
                return rs.wasNull() ? null : Boolean.toString(b);
            }
            case STRING:
                return rs.getString(index);
            case DATE: {
                // The date's text, not a LocalDate: its first ten characters (YYYY-MM-DD) are the wire form already,
                // and an engine may hold dates that no LocalDate does.
                String s = rs.getString(index);
                return s == null ? null : s.substring(0, Math.min(10, s.length()));
            }
            case TIME:
                // A duration that may be negative or beyond 24 h: the database's own text form is the faithful one.
                return rs.getString(index);
            case DATETIME, TIMESTAMP: {
                LocalDateTime t = utcWallTime(rs, index, c);
                return t == null ? null : formatDateTime(t, c.fsp(), kind == ValueKind.TIMESTAMP);
            }
            case BINARY: {
                byte[] b = rs.getBytes(index);
                return b == null ? null : Base64.getEncoder().encodeToString(b);
            }
            default:
                throw new IllegalStateException("kind " + kind);
        }
    }

    /**
     * Writes column {@code index} of the current row as the next field of {@code out}: the text {@link #read} gives,
     * which an engine may hand over in a cheaper form (the driver's bytes of a text).
     */
    public void encode(ResultSet rs, int index, Column c, ValueKind kind, RecordText out) throws SQLException {
        out.field(c.name(), read(rs, index, c, kind));
    }

    /**
     * FLOAT(M,D)/DOUBLE(M,D) round a value to D decimals and then to the binary type, which can carry it past
     * the declared limit: 999999.9999 in a FLOAT(10,4) is stored as the float 1000000, which the column refuses
     * to take back. The limit itself is the same float, so that is the text read.
     */
    private static BigDecimal withinDeclaredRange(Column c, ValueKind kind, BigDecimal value, double stored) {
        BigDecimal v = value.stripTrailingZeros();
        if (c.scale() == null || c.precision() == null) {
            return v;
        }
        BigDecimal limit = BigDecimal.TEN.pow(Math.toIntExact(c.precision() - c.scale()))
                .subtract(BigDecimal.ONE.movePointLeft(Math.toIntExact(c.scale())));
        if (v.abs().compareTo(limit) <= 0) {
            return v;
        }
        boolean same = kind == ValueKind.FLOAT ? limit.floatValue() == (float) Math.abs(stored)
                : limit.doubleValue() == Math.abs(stored);
        return same ? (v.signum() < 0 ? limit.negate() : limit) : v;
    }

    private static String bitsText(ResultSet rs, int index) throws SQLException {
        byte[] bytes = rs.getBytes(index);
        return bytes == null ? null : new BigInteger(1, bytes).toString();
    }

    /** Reads a time of the adapter's own (a state table's column, the clock: UTC wall times) as an instant. */
    public static Instant readInstant(ResultSet rs, int index) throws SQLException {
        LocalDateTime t = rs.getObject(index, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }

    /**
     * Reads a modification column whose wall times are in {@code zone} (a zone-less DATETIME's; an instant's are UTC).
     * In a daylight-saving fall-back hour a wall time names two instants; the earlier one is taken
     * (docs/capture-modes.md, "DATETIME modification columns").
     *
     * @param c the catalog's modification column ({@link Table#modColumn()}), which says what the value is read from
     */
    public Instant readInstant(ResultSet rs, int index, Column c, java.time.ZoneId zone) throws SQLException {
        LocalDateTime t = utcWallTime(rs, index, c);
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
    public final void check(Column c, ValueKind kind, String text) throws BadValueException {
        if (text == null) {
            return;
        }
        if (ControlCharacters.anyIn(text)) {
            throw new BadValueException("field " + c.name() + " holds a control character");
        }
        checkLookup(c, kind, text);
    }

    /**
     * {@link #check} for a value that is only looked for, never stored (a part of an id in a WHERE clause): any
     * value the column can hold is found, control characters included — another writer may have stored one, and
     * the host has it from this ESA's own answers.
     */
    public final void checkLookup(Column c, ValueKind kind, String text) throws BadValueException {
        if (text == null || ownValue(c, kind, text) != null) {
            return;
        }
        switch (kind) {
            case INTEGER, BITS, DECIMAL, FLOAT, DOUBLE -> number(c, kind, text);
            default -> {
                // parsed when bound; their parsers do bounded work on bounded text
            }
        }
    }

    /** Binds protocol text (null for xsi:nil) as the value of a column. */
    public final void bind(PreparedStatement ps, int index, Column c, ValueKind kind, String text)
            throws SQLException, BadValueException {
        check(c, kind, text);
        bindChecked(ps, index, c, kind, text);
    }

    /** {@link #bind} of a value only looked for ({@link #checkLookup}): control characters are found, not refused. */
    public final void bindLookup(PreparedStatement ps, int index, Column c, ValueKind kind, String text)
            throws SQLException, BadValueException {
        checkLookup(c, kind, text);
        bindChecked(ps, index, c, kind, text);
    }

    private void bindChecked(PreparedStatement ps, int index, Column c, ValueKind kind, String text)
            throws SQLException, BadValueException {
        if (text == null) {
            ps.setNull(index, Types.NULL);
            return;
        }
        Object own = ownValue(c, kind, text);
        if (own != null) {
            ps.setObject(index, own);
            return;
        }
        try {
            switch (kind) {
                // Built from the checked digits only: a number's size is known before it is built.
                case INTEGER, BITS, DECIMAL -> bindExact(ps, index, kind, number(c, kind, text).toBigDecimal());
                // As a double: a database may read a plain decimal literal as a DECIMAL of limited digits (1e308
                // became 1e65, 1e-300 zero). A FLOAT's text is rounded to a float first, so that the double sent
                // is that float exactly: the largest FLOAT read (3.4028235E38) lies above FLT_MAX as a double.
                // FLOAT(M,D) is rounded to D decimals by the database first, so it gets the nearest double.
                case FLOAT -> ps.setDouble(index, c.scale() != null ? number(c, kind, text).toBigDecimal().doubleValue()
                        : number(c, kind, text).toBigDecimal().floatValue());
                case DOUBLE -> ps.setDouble(index, number(c, kind, text).toBigDecimal().doubleValue());
                case BOOLEAN -> ps.setBoolean(index, bool(text));
                case STRING -> ps.setString(index, text);
                case DATE, DATETIME, TIMESTAMP -> bindTemporal(ps, index, kind, text);
                case TIME -> ps.setString(index, time(text));
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
    private NumberText number(Column c, ValueKind kind, String text) throws BadValueException {
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

    /**
     * The bits of an INTEGER column's values by its type (the sign's included unless it is unsigned); 64 for a type
     * the engine does not bound more closely.
     */
    protected abstract int integerBits(Column c);

    /**
     * For an INTEGER type whose range is no number of bits (a year), the digits its values may have, the database
     * checking the range itself; else 0.
     */
    protected int integerDigits(Column c) {
        return 0;
    }

    /** The integer types' ranges in bits ({@link #integerBits}); BIT(n) holds n bits. */
    private void integerInRange(Column c, ValueKind kind, NumberText n) throws BadValueException {
        int digits = kind == ValueKind.INTEGER ? integerDigits(c) : 0;
        if (digits > 0) {
            if (n.highPower() + 1 > digits) {
                throw new BadValueException("field " + c.name() + ": out of the range of " + c.columnType());
            }
            return;
        }
        int bits = kind == ValueKind.BITS ? (c.precision() != null ? Math.toIntExact(c.precision()) : 64)
                : integerBits(c);
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

    private static final DateTimeFormatter SQL_DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT);
    private static final DateTimeFormatter SQL_DATE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT);

    /** An ordinary date or date-time. */
    private static void bindTemporal(PreparedStatement ps, int index, ValueKind kind, String text) throws SQLException {
        // DATE and DATETIME as SQL text: a driver may send a LocalDate(Time) through java.sql's Julian calendar,
        // which moves dates before 1582 (0000-01-01 became another day).
        switch (kind) {
            case DATE -> ps.setString(index, LocalDate.parse(text.trim()).format(SQL_DATE));
            case DATETIME -> ps.setString(index, localDateTime(text).format(SQL_DATE_TIME));
            default -> ps.setObject(index, LocalDateTime.ofInstant(parseInstant(text), ZoneOffset.UTC));
        }
    }

    /** TIME text: a signed duration of up to three-digit hours ({@code -838:59:59.999999}); the database checks the range. */
    private static final Pattern TIME_TEXT = Pattern.compile("-?\\d{2,3}:[0-5]\\d:[0-5]\\d(\\.\\d{1,6})?");

    private static String time(String text) {
        String t = text.trim();
        if (!TIME_TEXT.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + shorten(t) + "' is not a time ([-]hh:mm:ss[.ffffff], hours up to 838)");
        }
        return t;
    }

    /**
     * An integer that fits a long is bound as one: compared with an integer column, a DECIMAL parameter would make
     * some databases convert the column and pass its index by.
     */
    private static void bindExact(PreparedStatement ps, int index, ValueKind kind, BigDecimal value) throws SQLException {
        if (kind == ValueKind.INTEGER) {
            BigInteger integer = value.toBigIntegerExact(); // checked: no fraction
            if (integer.bitLength() < 64) {
                ps.setLong(index, integer.longValue());
                return;
            }
        }
        ps.setBigDecimal(index, value);
    }

    /**
     * A temporal column's value as a UTC wall time; the sessions run in UTC, so a column without a zone is read as it
     * is. An engine whose columns may keep their zone reads those as instants, deciding from the catalog's column
     * {@code c} (known once per table) rather than from the result set's metadata, which would be asked per value.
     */
    protected LocalDateTime utcWallTime(ResultSet rs, int index, Column c) throws SQLException {
        return rs.getObject(index, LocalDateTime.class);
    }

    /** {@code NaN}, {@code INF}, {@code -INF}: xs:double's spelling of the values a float can hold beside numbers. */
    protected static String special(double d) {
        return Double.isNaN(d) ? "NaN" : d > 0 ? "INF" : "-INF";
    }

    /**
     * The value to bind for request text that spells a value only this engine's column holds, in the form its
     * {@link #read} gives (a date no {@code java.time} value holds, NaN, an infinity), or null: then the text is an
     * ordinary value of its kind, checked and bound as such.
     */
    protected Object ownValue(Column c, ValueKind kind, String text) {
        return null;
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

    protected static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
