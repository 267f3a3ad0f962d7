package org.esabridge.api;

import java.util.Objects;

/**
 * A field of a structure ({@code <field>} in {@code getFieldList}). The id and modified-at are not fields.
 *
 * @param name     the field name
 * @param label    a human label
 * @param type     the protocol type
 * @param length   maximum length in characters (text) or bytes (binary), or null when unbounded or not applicable
 * @param required whether a create must give a non-null value
 * @param readOnly whether writes may not set it
 */
public record ExternalField(String name, String label, FieldType type, Long length, boolean required, boolean readOnly) {
    public ExternalField {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(label, "label == null");
        Objects.requireNonNull(type, "type == null");
    }
}
