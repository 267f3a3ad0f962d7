package org.esabridge.jdbc.catalog;

import org.esabridge.api.FieldType;

/**
 * How a column's values are read, written and shown; several column types share a kind. The protocol
 * {@link FieldType} is derived from it (with TEXT vs STRING decided by length).
 */
public enum ValueKind {
    INTEGER(FieldType.INTEGER),
    DECIMAL(FieldType.DECIMAL),
    FLOAT(FieldType.DECIMAL),
    DOUBLE(FieldType.DECIMAL),
    BOOLEAN(FieldType.BOOLEAN),
    /** BIT(n) with n > 1: a number. */
    BITS(FieldType.INTEGER),
    STRING(FieldType.STRING),
    DATE(FieldType.DATE),
    /**
     * TIME: a time of day or, in some engines, a signed duration beyond a day ({@code -838:59:58.999999},
     * {@code 517:51:04.77}), which no {@code xs:time} holds; sent as STRING in the database's own text form.
     */
    TIME(FieldType.STRING),
    /** DATETIME: zone-less, shown without offset. */
    DATETIME(FieldType.DATETIME),
    /** TIMESTAMP: an instant, shown in UTC with Z. */
    TIMESTAMP(FieldType.DATETIME),
    /** Binary strings, and whatever an engine serves as its bytes (geometry in its storage form, SRID + WKB). */
    BINARY(FieldType.BINARY);

    private final FieldType fieldType;

    ValueKind(FieldType fieldType) {
        this.fieldType = fieldType;
    }

    public FieldType fieldType() {
        return fieldType;
    }
}
