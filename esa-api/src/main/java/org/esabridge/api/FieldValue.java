package org.esabridge.api;

import java.util.Objects;

/**
 * One field of a record in its protocol text form (esa-protocol.md §3): plain decimals, {@code xs:dateTime},
 * base64 for binary, {@code true}/{@code false}. A null {@code text} is the protocol's {@code xsi:nil}.
 *
 * @param name the field name as the structure's field list spells it
 * @param text the value in protocol text form, never trimmed; null for a null value
 */
public record FieldValue(String name, String text) {
    public FieldValue {
        Objects.requireNonNull(name, "name == null");
    }

    /** Whether this is the protocol's null value. */
    public boolean isNull() {
        return text == null;
    }
}
