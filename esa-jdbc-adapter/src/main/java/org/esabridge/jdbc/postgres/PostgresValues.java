package org.esabridge.jdbc.postgres;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.catalog.ValueKind;

/**
 * PostgreSQL's values (esa-protocol.md §3.1): the type names {@link PostgresCatalog#COLUMNS} answers as kinds, NaN and
 * {@code ±Infinity} of {@code real}, {@code double precision} and {@code numeric}, {@code ±infinity} of timestamps,
 * and {@code timestamptz} read as an instant. Types without a kind of their own (uuid, json, inet, interval, enums,
 * arrays, timetz) are strings in PostgreSQL's text form, written back as untyped literals that it parses with the
 * column's type ({@link PostgresDialect#driverProperties()}).
 */
final class PostgresValues extends ValueCodec {
    static final PostgresValues INSTANCE = new PostgresValues();

    private static final String INFINITY = "infinity";
    /**
     * A {@code date} only PostgreSQL holds, in its own text (the session's DateStyle is ISO): before the common era
     * ({@code 0044-03-15 BC}), after 9999 ({@code 12345-06-07}), or {@code ±infinity}. The wire's YYYY-MM-DD would drop
     * the era or cut the year, and an unchanged write-back would store another day.
     */
    private static final java.util.regex.Pattern OWN_DATE =
            java.util.regex.Pattern.compile("\\d{4}-\\d\\d-\\d\\d BC|\\d{5,}-\\d\\d-\\d\\d( BC)?|-?infinity");

    private PostgresValues() {
    }

    /** {@inheritDoc} Booleans are {@code bool} ({@code bit(1)} in the catalog's answer); no integer is a boolean. */
    @Override
    public ValueKind kind(Column c, boolean declaredBoolean) {
        return switch (c.dataType()) {
            case "smallint", "int", "bigint" -> ValueKind.INTEGER;
            case "bit" -> c.columnType().equals("bit(1)") ? ValueKind.BOOLEAN : ValueKind.BITS;
            case "decimal" -> ValueKind.DECIMAL;
            case "float" -> ValueKind.FLOAT;
            case "double" -> ValueKind.DOUBLE;
            case "char", "varchar", "text", "enum", "json", "uuid" -> ValueKind.STRING;
            case "date" -> ValueKind.DATE;
            case "time" -> ValueKind.TIME;
            case "datetime" -> ValueKind.DATETIME;
            case "timestamp" -> ValueKind.TIMESTAMP;
            case "blob" -> ValueKind.BINARY;
            // money: its text depends on the server's locale
            default -> null;
        };
    }

    @Override
    public String read(ResultSet rs, int index, Column c, ValueKind kind) throws SQLException {
        switch (kind) {
            case DATE:
                return rs.getString(index); // whole: see OWN_DATE
            case DECIMAL: {
                // numeric's text is plain and exact (no exponent, the value's scale), as the wire wants it; only NaN
                // and ±Infinity, which end in a letter, are spelled otherwise.
                String s = rs.getString(index);
                if (s == null || s.isEmpty() || Character.isDigit(s.charAt(s.length() - 1)) || !hasSpecials(c)) {
                    return s;
                }
                String special = special(s);
                return special != null ? special : s;
            }
            case DATETIME, TIMESTAMP: {
                LocalDateTime t = utcWallTime(rs, index, c);
                return t == null ? null : infinity(t) != null ? infinity(t)
                        : formatDateTime(t, c.fsp(), kind == ValueKind.TIMESTAMP);
            }
            default:
                return super.read(rs, index, c, kind);
        }
    }

    /**
     * A {@code timestamptz} is read as an instant, which the driver will not hand over as a local time. The catalog
     * spells {@code timestamptz} (and a domain over it) {@code timestamp} ({@link PostgresCatalog#COLUMNS}); the
     * version tables' and the change index's stamps, which stand for a table's modification column
     * ({@code CatalogLoader.VERSION_COLUMN}, {@code INDEX_STAMP}), are zone-less.
     */
    @Override
    protected LocalDateTime utcWallTime(ResultSet rs, int index, Column c) throws SQLException {
        if (c.isTimestamp()) {
            OffsetDateTime t = rs.getObject(index, OffsetDateTime.class);
            if (t == null) {
                return null;
            }
            return t.equals(OffsetDateTime.MAX) ? LocalDateTime.MAX : t.equals(OffsetDateTime.MIN) ? LocalDateTime.MIN
                    : t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        }
        return super.utcWallTime(rs, index, c);
    }

    /** The wire form of a timestamp's {@code ±infinity} (the driver gives them as the largest and smallest values). */
    private static String infinity(LocalDateTime t) {
        return t.equals(LocalDateTime.MAX) ? INFINITY : t.equals(LocalDateTime.MIN) ? "-" + INFINITY : null;
    }

    /** The wire form of a numeric's text when it is not a number ({@code NaN}, {@code Infinity}), else null. */
    private static String special(String numeric) {
        return switch (numeric) {
            case "NaN" -> "NaN";
            case "Infinity" -> "INF";
            case "-Infinity" -> "-INF";
            default -> null;
        };
    }

    /**
     * Whether the column's type holds NaN and infinities beside numbers (and, for timestamps, {@code ±infinity}), as
     * {@code format_type} spells it ({@code real}, {@code double precision}, {@code numeric…},
     * {@code timestamp… time zone}); a domain over one is spelled by its own name and read as its kind's ordinary
     * values.
     */
    private static boolean hasSpecials(Column c) {
        String type = c.columnType();
        return type.equals("real") || type.startsWith("double precision") || type.startsWith("numeric")
                || type.endsWith("time zone");
    }

    /** The value to bind for a non-number or an infinity in the wire form of {@link #read}, else null. */
    @Override
    protected Object ownValue(Column c, ValueKind kind, String text) {
        if (kind == ValueKind.DATE) {
            // As text: the database reads it with the column's type.
            return OWN_DATE.matcher(text.trim()).matches() ? text.trim() : null;
        }
        if (!hasSpecials(c)) {
            return null;
        }
        String t = text.trim();
        return switch (kind) {
            case FLOAT, DOUBLE -> switch (t) {
                case "NaN" -> Double.NaN;
                case "INF" -> Double.POSITIVE_INFINITY;
                case "-INF" -> Double.NEGATIVE_INFINITY;
                default -> null;
            };
            // As text: the database reads it with the column's type.
            case DECIMAL -> switch (t) {
                case "NaN" -> "NaN";
                case "INF" -> "Infinity";
                case "-INF" -> "-Infinity";
                default -> null;
            };
            case DATETIME, TIMESTAMP -> t.equals(INFINITY) ? LocalDateTime.MAX
                    : t.equals("-" + INFINITY) ? LocalDateTime.MIN : null;
            default -> null;
        };
    }

    @Override
    protected int integerBits(Column c) {
        return switch (c.dataType()) {
            case "smallint" -> 16;
            case "int" -> 32;
            default -> 64;
        };
    }
}
