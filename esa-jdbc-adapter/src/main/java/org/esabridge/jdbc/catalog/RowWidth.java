package org.esabridge.jdbc.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How many rows of a table the database driver may hold at once. A driver streams a forward-only
 * result set with a fetch size in batches of that many rows, each held whole as bytes; a fixed fetch size
 * lets a table of large values fill the heap inside the driver before one record reaches the transport. So the
 * fetch size follows the widest row the table's column types allow: at most {@link #BUDGET} bytes of rows,
 * and never less than one row (whose size the server bounds by {@code max_allowed_packet}).
 */
public final class RowWidth {
    /** The bytes of rows one statement's driver buffer may hold, unless a single row is wider. */
    public static final long BUDGET = 16L << 20;
    /** Never more rows at once than this, however narrow the rows: beyond it a larger batch gains nothing. */
    public static final int MOST_ROWS = 1000;
    /** A value whose width the type does not bound (LONGBLOB beyond its declared 4 GiB, geometry): 4 GiB. */
    static final long UNBOUNDED = 1L << 32;
    /** The length prefix of a value in a result row. */
    private static final long PREFIX = 9;
    /** Types whose text form is a few dozen bytes at most (DECIMAL(65,30) is the longest, 67 characters). */
    private static final Set<String> SHORT = Set.of("tinyint", "smallint", "mediumint", "int", "integer", "bigint",
            "decimal", "numeric", "float", "double", "real", "bit", "bool", "boolean", "date", "time", "datetime",
            "timestamp", "year", "uuid", "inet4", "inet6");
    private static final long SHORT_WIDTH = 80;

    private RowWidth() {
    }

    /** The most bytes one of the table's rows can take in a result set, as its column types declare. */
    public static long maxBytes(Table t) {
        List<Column> columns = new ArrayList<>(t.idColumns());
        columns.addAll(t.fieldColumns());
        columns.add(t.modColumn());
        if (t.softDelete() != null) {
            columns.add(t.softDelete());
        }
        long width = 0;
        for (Column c : columns) {
            width = Math.min(UNBOUNDED, width + PREFIX + maxBytes(c));
        }
        return width;
    }

    /** The rows of the table a statement fetches at once: {@link #BUDGET} bytes of them, 1..{@link #MOST_ROWS}. */
    public static int fetchRows(Table t) {
        return (int) Math.max(1, Math.min(MOST_ROWS, BUDGET / maxBytes(t)));
    }

    static long maxBytes(Column c) {
        if (c == null) {
            return 0;
        }
        String type = c.dataType();
        if (SHORT.contains(type)) {
            return SHORT_WIDTH;
        }
        if (c.charLength() == null) {
            return UNBOUNDED; // geometry, MySQL's JSON and anything unknown: take the worst
        }
        long length = Math.min(UNBOUNDED, c.charLength());
        // TEXT, BLOB and binary lengths count bytes; CHAR, VARCHAR, ENUM and SET count characters of up to 4 bytes.
        boolean bytes = type.endsWith("text") || type.endsWith("blob") || type.endsWith("binary");
        return bytes ? length : Math.min(UNBOUNDED, length * 4);
    }
}
