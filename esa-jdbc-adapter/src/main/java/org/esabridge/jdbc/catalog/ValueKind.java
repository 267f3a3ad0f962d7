package org.esabridge.jdbc.catalog;

import org.esabridge.api.FieldType;

/**
 * How a column's values are read, written and shown; several MariaDB types share a kind. The protocol
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
     * TIME: a signed duration up to 838 hours ({@code -838:59:58.999999}, {@code 517:51:04.77}), which no
     * {@code xs:time} holds; sent as STRING in MariaDB's own text form.
     */
    TIME(FieldType.STRING),
    /** DATETIME: zone-less, shown without offset. */
    DATETIME(FieldType.DATETIME),
    /** TIMESTAMP: an instant, shown in UTC with Z. */
    TIMESTAMP(FieldType.DATETIME),
    /** Binary strings, and geometry in MariaDB's storage form (SRID + WKB). */
    BINARY(FieldType.BINARY);

    private final FieldType fieldType;

    ValueKind(FieldType fieldType) {
        this.fieldType = fieldType;
    }

    public FieldType fieldType() {
        return fieldType;
    }
}
