package org.esabridge.jdbc.capture;

import java.nio.charset.StandardCharsets;

/**
 * Change-index entries as the JSON text of {@link org.esabridge.jdbc.dialect.Dialect#upsertChangesFromJson}: an array
 * of {@code [table, rowId, kind]} entries (a table's marker entry with a fourth element, 1), the table and the id as
 * the hex digits of their UTF-8 bytes. Hex, because a
 * server's JSON_TABLE may hand a string's escapes over as they are written ({@code \"} stays two characters), and an
 * id may hold any character; hex digits need no escape at all.
 */
final class ChangeArray {
    private static final char[] DIGITS = "0123456789ABCDEF".toCharArray();
    private final StringBuilder json;
    private int entries;

    /** @param capacity the characters to make room for (the array grows past it if it must) */
    ChangeArray(int capacity) {
        json = new StringBuilder(capacity).append('[');
    }

    void add(ChangeIndex.Key key, char kind) {
        if (entries++ > 0) {
            json.append(',');
        }
        json.append('[');
        hex(key.table());
        json.append(',');
        hex(key.storedId());
        json.append(",\"");
        // The kinds are letters (M, D, T): nothing to escape.
        json.append(kind).append('"');
        if (key.marker()) {
            json.append(",1");
        }
        json.append(']');
    }

    int entries() {
        return entries;
    }

    int length() {
        return json.length();
    }

    String close() {
        return json.append(']').toString();
    }

    private void hex(String s) {
        json.append('"');
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            json.append(DIGITS[(b >> 4) & 0xF]).append(DIGITS[b & 0xF]);
        }
        json.append('"');
    }
}
