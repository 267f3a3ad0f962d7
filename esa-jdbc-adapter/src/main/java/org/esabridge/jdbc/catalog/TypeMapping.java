package org.esabridge.jdbc.catalog;

import org.esabridge.api.FieldType;

/**
 * MariaDB column types → {@link ValueKind} and protocol {@link FieldType} (the table in esa-protocol.md §3.1).
 * A column's kind depends on its declaration and configuration only, never on the values it holds, so that a
 * field's type does not change between calls.
 */
public final class TypeMapping {
    /** Strings longer than this are TEXT (a multi-line editor on the host), shorter ones STRING. */
    static final long STRING_MAX = 255;

    private TypeMapping() {
    }

    /** The kind of a column, or null when it is not exposed. */
    public static ValueKind kind(Column c) {
        return kind(c, false);
    }

    /**
     * The kind of a column, or null when it is not exposed.
     *
     * @param declaredBoolean whether the column is listed in {@code structure.<table>.boolean-columns}: a TINYINT
     *                        column so listed is a BOOLEAN. MariaDB stores BOOLEAN as TINYINT(1), which holds
     *                        -128..127 like any TINYINT, so without the setting it is a number: a 5 read as
     *                        {@code true} would be lost.
     */
    public static ValueKind kind(Column c, boolean declaredBoolean) {
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

    /** The protocol type: strings up to {@value #STRING_MAX} characters are STRING, longer ones and JSON TEXT. */
    public static FieldType fieldType(Column c, ValueKind kind) {
        if (kind == ValueKind.STRING) {
            boolean text = c.dataType().endsWith("text") || c.dataType().equals("json")
                    || (c.charLength() != null && c.charLength() > STRING_MAX);
            return text ? FieldType.TEXT : FieldType.STRING;
        }
        return kind.fieldType();
    }

    /** The length of a field: characters of strings and times, bytes of binaries, digits of decimals; else null. */
    public static Long length(Column c, ValueKind kind) {
        return switch (kind) {
            case STRING, BINARY -> c.charLength();
            case DECIMAL -> c.precision();
            // -838:59:59 and a point with the fractional digits
            case TIME -> (long) (10 + (c.fsp() > 0 ? c.fsp() + 1 : 0));
            default -> null;
        };
    }
}
