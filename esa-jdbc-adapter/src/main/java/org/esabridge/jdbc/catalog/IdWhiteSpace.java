package org.esabridge.jdbc.catalog;

/**
 * Whether an id survives the trip to the host and back. Readers trim the white space around control elements, ids
 * included (esa-protocol.md §2), as {@link String#strip} does: an id with white space around it reaches the host
 * without it, and comes back so. That is harmless only where the database finds the same row by the trimmed id:
 * trailing spaces (U+0020, nothing else) under a comparison that ignores them ({@link Column#padSpace}: PAD SPACE
 * collations, blank-padded {@code char(n)} types; each dialect says which). Anywhere else — leading white space
 * always, trailing tabs or line ends always, trailing spaces under NO PAD collations, binary strings, unpadded
 * {@code text} and {@code varchar} — the host would read, write or delete another row, or none, by it (esa-protocol.md §5).
 *
 * <p>The decision is the id columns' (from the catalog, once per load), never guessed from the rows: of a composite
 * id only the first column's start and the last column's end are its surroundings.
 */
public final class IdWhiteSpace {
    private IdWhiteSpace() {
    }

    /** Why the host could not have {@code id} of {@code table} back as it is, or null when it could. */
    public static String lost(Table table, String id) {
        if (id == null || id.isEmpty()) {
            return null;
        }
        if (Character.isWhitespace(id.charAt(0))) {
            return "leading white space";
        }
        int end = id.length();
        if (!Character.isWhitespace(id.charAt(end - 1))) {
            return null;
        }
        boolean spacesOnly = true;
        for (int i = end - 1; i >= 0 && Character.isWhitespace(id.charAt(i)); i--) {
            spacesOnly &= id.charAt(i) == ' ';
        }
        boolean ignored = table.idColumns().get(table.idColumns().size() - 1).padSpace();
        return spacesOnly && ignored ? null : "trailing white space";
    }
}
