package org.esabridge.jdbc.mariadb;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import org.esabridge.api.xml.RecordText;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.catalog.ValueKind;

/**
 * MariaDB's values (esa-protocol.md §3.1): its {@code information_schema} type names as kinds, zero dates in their own
 * digits ({@link ZeroDates}), ZEROFILL and YEAR text without its padding, YEAR's four digits, the integer types'
 * widths, and geometry in MariaDB's own storage form.
 */
final class MariaDbValues extends ValueCodec {
    static final MariaDbValues INSTANCE = new MariaDbValues();

    private MariaDbValues() {
    }

    /**
     * {@inheritDoc} A TINYINT listed in {@code boolean-columns} is a BOOLEAN: MariaDB stores BOOLEAN as TINYINT(1),
     * which holds -128..127 like any TINYINT, so without the setting it is a number (a 5 read as {@code true} would
     * be lost).
     */
    @Override
    public ValueKind kind(Column c, boolean declaredBoolean) {
        switch (c.dataType()) {
            case "tinyint":
                return declaredBoolean ? ValueKind.BOOLEAN : ValueKind.INTEGER;
            case "smallint": case "mediumint": case "int": case "integer": case "bigint": case "year":
                return ValueKind.INTEGER;
            case "bit":
                return c.columnType().equals("bit(1)") ? ValueKind.BOOLEAN : ValueKind.BITS;
            case "decimal": case "numeric":
                return ValueKind.DECIMAL;
            case "float":
                return ValueKind.FLOAT;
            case "double": case "real":
                return ValueKind.DOUBLE;
            case "char": case "varchar": case "tinytext": case "text": case "mediumtext": case "longtext":
            case "enum": case "set": case "json": case "uuid": case "inet4": case "inet6":
                return ValueKind.STRING;
            case "date":
                return ValueKind.DATE;
            case "time":
                return ValueKind.TIME;
            case "datetime":
                return ValueKind.DATETIME;
            case "timestamp":
                return ValueKind.TIMESTAMP;
            case "binary": case "varbinary": case "tinyblob": case "blob": case "mediumblob": case "longblob":
                return ValueKind.BINARY;
            case "geometry": case "point": case "linestring": case "polygon": case "multipoint":
            case "multilinestring": case "multipolygon": case "geometrycollection":
                // MariaDB's own storage form (4-byte SRID, then WKB), exact both ways; WKT would round coordinates.
                return ValueKind.BINARY;
            default:
                return null;
        }
    }

    /** ZEROFILL integers and YEAR: MariaDB's text of them is zero-padded ({@code 0000042}, {@code 0000}). */
    static boolean isZeroPadded(Column c) {
        return c.columnType().contains("zerofill") || c.dataType().equals("year");
    }

    @Override
    public String read(ResultSet rs, int index, Column c, ValueKind kind) throws SQLException {
        switch (kind) {
            case INTEGER: {
                String s = super.read(rs, index, c, kind);
                // Only a padded text starts with a zero and goes on; the column's type is looked at for those alone.
                return s != null && s.length() > 1 && s.charAt(0) == '0' && isZeroPadded(c) ? withoutPadding(s) : s;
            }
            case DATETIME, TIMESTAMP: {
                // The driver's text of an ordinary value is shifted into the JVM's zone, so only a value it cannot
                // decode (a zero month or day; its text is then MariaDB's own) is taken from the text.
                String s = rs.getString(index);
                if (s == null || ZeroDates.isZero(s)) {
                    return s == null ? null : ZeroDates.wire(s, kind, c.fsp());
                }
                LocalDateTime t;
                try {
                    t = rs.getObject(index, LocalDateTime.class);
                } catch (SQLException | DateTimeException e) {
                    // ALLOW_INVALID_DATES (2024-02-31 10:00): not a date the driver decodes; the text is the value.
                    return ZeroDates.wire(s, kind, c.fsp());
                }
                return formatDateTime(t, c.fsp(), kind == ValueKind.TIMESTAMP);
            }
            default:
                // A DATE's text is read as text by the shared codec: the driver cannot decode 2024-00-15 (or shifts
                // it to 2023-12-15), nor an ALLOW_INVALID_DATES 2024-02-31; its text is its wire form already.
                return super.read(rs, index, c, kind);
        }
    }

    /**
     * {@inheritDoc} A text column's value as the driver's bytes: the text protocol sends every value as UTF-8 (the
     * connection's {@code character_set_results}), which is what the driver decodes for {@link #read}.
     */
    @Override
    public void encode(ResultSet rs, int index, Column c, ValueKind kind, RecordText out) throws SQLException {
        if (kind == ValueKind.STRING) {
            out.fieldUtf8(c.name(), rs.getBytes(index));
        } else {
            super.encode(rs, index, c, kind, out);
        }
    }

    /** The plain decimal of a zero-padded text. */
    private static String withoutPadding(String s) {
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '0') {
            i++;
        }
        return i == 0 ? s : s.substring(i);
    }

    /** A zero date spelled as {@link #read} spells it: bound as MariaDB's text of it. */
    @Override
    protected Object ownValue(Column c, ValueKind kind, String text) {
        return kind == ValueKind.DATE || kind == ValueKind.DATETIME || kind == ValueKind.TIMESTAMP
                ? ZeroDates.sql(text, kind) : null;
    }

    @Override
    protected int integerBits(Column c) {
        return switch (c.dataType()) {
            case "tinyint" -> 8;
            case "smallint" -> 16;
            case "mediumint" -> 24;
            case "int", "integer" -> 32;
            default -> 64;
        };
    }

    /** YEAR: 1901..2155 and 0, which MariaDB checks; only the digits are bounded here. */
    @Override
    protected int integerDigits(Column c) {
        return c.dataType().equals("year") ? 4 : 0;
    }
}
