package org.esabridge.jdbc;

import java.util.Objects;

/**
 * How {@code getDeleted} learns about deletions of one structure ({@code structure.<table>.delete-strategy}).
 *
 * @param kind   the strategy
 * @param column the soft-delete column for {@link Kind#SOFT_DELETE}, otherwise null
 */
public record DeleteStrategy(Kind kind, String column) {
    public enum Kind {
        /** An {@code AFTER DELETE} trigger the adapter installs writes a tombstone row. */
        TOMBSTONE,
        /** Rows are never removed; a non-null, non-zero column marks them deleted. */
        SOFT_DELETE,
        /**
         * No trigger: the host lists the ids it knows ({@code enumerateKnownIDs}) and {@code getDeleted}
         * answers those no longer in the table; needs {@code helper-url}.
         */
        HELPER,
        /** Deletions are not tracked; {@code getDeleted} answers NOT_SUPPORTED so the host compares ids. */
        NONE
    }

    public static final DeleteStrategy TOMBSTONE = new DeleteStrategy(Kind.TOMBSTONE, null);
    public static final DeleteStrategy NONE = new DeleteStrategy(Kind.NONE, null);
    public static final DeleteStrategy HELPER = new DeleteStrategy(Kind.HELPER, null);

    public DeleteStrategy {
        Objects.requireNonNull(kind, "kind == null");
        if ((kind == Kind.SOFT_DELETE) != (column != null)) {
            throw new IllegalArgumentException("a soft-delete strategy, and only it, names a column");
        }
    }

    /** Parses {@code tombstone}, {@code helper}, {@code none} or {@code soft-delete:<column>}. */
    static DeleteStrategy parse(String text) {
        String t = text.trim();
        if (t.equals("tombstone")) {
            return TOMBSTONE;
        }
        if (t.equals("helper")) {
            return HELPER;
        }
        if (t.equals("none")) {
            return NONE;
        }
        if (t.startsWith("soft-delete:") && t.length() > "soft-delete:".length()) {
            return new DeleteStrategy(Kind.SOFT_DELETE, t.substring("soft-delete:".length()).trim());
        }
        throw new IllegalArgumentException("expected tombstone, helper, none or soft-delete:<column>");
    }
}
