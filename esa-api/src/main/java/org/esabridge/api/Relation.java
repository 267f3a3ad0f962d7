package org.esabridge.api;

import java.util.Objects;

/**
 * A relation navigable from a structure ({@code <relation>}); for the JDBC adapter, a foreign key.
 *
 * @param name            a stable name (the constraint's)
 * @param label           a human label
 * @param field           the local field holding the reference
 * @param targetStructure the referenced structure
 * @param targetField     the referenced field
 * @param multiple        whether one record may refer to many targets
 */
public record Relation(String name, String label, String field, String targetStructure, String targetField,
                       boolean multiple) {
    public Relation {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(label, "label == null");
        Objects.requireNonNull(field, "field == null");
        Objects.requireNonNull(targetStructure, "targetStructure == null");
        Objects.requireNonNull(targetField, "targetField == null");
    }
}
