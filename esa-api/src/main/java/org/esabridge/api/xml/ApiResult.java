package org.esabridge.api.xml;

import java.util.List;

/**
 * A Helper API answer ({@code <result response-to>}, esa-protocol.md §6) that was not an exception.
 *
 * @param responseTo the call id the host answered
 * @param values     the {@code <value>} entries, trimmed, in order
 * @param ids        the {@code <id>} entries, trimmed, in order
 */
public record ApiResult(String responseTo, List<String> values, List<String> ids) {
    public ApiResult {
        values = List.copyOf(values);
        ids = List.copyOf(ids);
    }

    /** The single value, or null when the answer had none. */
    public String value() {
        return values.isEmpty() ? null : values.get(0);
    }
}
