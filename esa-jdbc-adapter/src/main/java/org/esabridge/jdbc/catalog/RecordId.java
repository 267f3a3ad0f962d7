package org.esabridge.jdbc.catalog;

import java.util.ArrayList;
import java.util.List;

/**
 * The external id of a row: the text form of its id column, or for a composite key the text forms of its
 * columns in key order joined with {@code ,}, each with {@code %} written {@code %25} and {@code ,} written
 * {@code %2C} first. So {@code ("a,b", "50%")} is {@code a%2Cb,50%25}: reversible for any values, readable
 * for the usual ones, and a single-column id is the plain value. The tombstone trigger builds the same text
 * in SQL ({@code changes.CaptureTriggers}).
 */
public final class RecordId {
    private RecordId() {
    }

    public static String encode(List<String> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(escape(parts.get(i)));
        }
        return sb.toString();
    }

    static String escape(String part) {
        return part.replace("%", "%25").replace(",", "%2C");
    }

    /**
     * Splits an id into {@code columns} parts.
     *
     * @throws IllegalArgumentException when the id does not have that many parts or has a bad escape
     */
    public static List<String> decode(String id, int columns) {
        if (columns == 1) {
            return List.of(id);
        }
        List<String> parts = new ArrayList<>(columns);
        for (String raw : id.split(",", -1)) {
            parts.add(unescape(raw));
        }
        if (parts.size() != columns) {
            throw new IllegalArgumentException("the id needs " + columns + " comma-separated parts");
        }
        return parts;
    }

    private static String unescape(String raw) {
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                sb.append(c);
            } else if (raw.startsWith("%25", i)) {
                sb.append('%');
                i += 2;
            } else if (raw.regionMatches(true, i, "%2C", 0, 3)) {
                sb.append(',');
                i += 2;
            } else {
                throw new IllegalArgumentException("a % in an id part must be written %25");
            }
        }
        return sb.toString();
    }
}
