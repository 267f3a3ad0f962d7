package org.esabridge.api;

import java.util.Objects;

/**
 * A structure the ESA exposes ({@code <external-structure>}); for the JDBC adapter, one table.
 *
 * @param name     the name the host uses in every call
 * @param label    a human label
 * @param writable whether create, update and delete are allowed
 */
public record ExternalStructure(String name, String label, boolean writable) {
    public ExternalStructure {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(label, "label == null");
    }
}
