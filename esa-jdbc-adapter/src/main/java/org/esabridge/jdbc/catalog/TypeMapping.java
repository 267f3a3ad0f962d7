package org.esabridge.jdbc.catalog;

import org.esabridge.api.FieldType;

/**
 * A column's protocol {@link FieldType} and length from its {@link ValueKind} (the table in esa-protocol.md §3.1);
 * the kind is the engine's ({@link ValueCodec#kind}). Both depend on the column's declaration and configuration only,
 * never on the values it holds, so that a field's type does not change between calls.
 */
public final class TypeMapping {
    /** Strings longer than this are TEXT (a multi-line editor on the host), shorter ones STRING. */
    static final long STRING_MAX = 255;

    private TypeMapping() {
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
            // a sign, three digits of hours (-838:59:59), and a point with the fractional digits
            case TIME -> (long) (10 + (c.fsp() > 0 ? c.fsp() + 1 : 0));
            default -> null;
        };
    }
}
