package org.esabridge.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A record ({@code <record>}): id, modification time and fields in their protocol text form.
 *
 * <p>On writes, a field that is absent means "leave unchanged"; a field with a null value stores null.
 *
 * @param id         the external id as a string (a composite key is encoded reversibly into one
 *                   string); null for a create that lets the database choose
 * @param modifiedAt the stored modification time to the microsecond; null in requests that do not carry it
 * @param fields     the fields in the order they are written
 */
public record ExternalRecord(String id, Instant modifiedAt, List<FieldValue> fields) {
    public ExternalRecord {
        fields = List.copyOf(Objects.requireNonNull(fields, "fields == null"));
    }

    /** The field of that name, or null when the record does not carry it. */
    public FieldValue field(String name) {
        for (FieldValue field : fields) {
            if (field.name().equals(name)) {
                return field;
            }
        }
        return null;
    }
}
