package org.esabridge.jdbc.dialect;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the adapter's own tables ({@code esa_change}, {@code esa_lease}, …) are, as every statement names them:
 * the one place that does. With a state schema ({@code state-schema}) each name is qualified by it through the
 * dialect's identifier quoting; without one the names stay bare and resolve in the connection's schema (the
 * application's), exactly as before the setting existed. Statements, migrations, the capture triggers (which
 * live in the application's schema and write into the state schema's {@code esa_tombstone}/{@code esa_touched})
 * and the binlog reader's recognition of {@code esa_fence}/{@code esa_tombstone}/{@code esa_touched} all go
 * through here.
 *
 * <p>The adapter creates every state table with these lower-case names, so the server stores them so whatever
 * its {@code lower_case_table_names}; only the schema's spelling may differ in case (see {@link #holds}).
 */
public final class StateTables {
    public static final String SCHEMA_VERSION = "esa_schema_version";
    public static final String LEASE = "esa_lease";
    public static final String CONFIG = "esa_config";
    public static final String STRUCTURE = "esa_structure";
    public static final String TOMBSTONE = "esa_tombstone";
    public static final String WATERMARK = "esa_watermark";
    public static final String CURSOR = "esa_cursor";
    public static final String CURSOR_PAGE = "esa_cursor_page";
    public static final String SYNC_AGAIN = "esa_sync_again";
    public static final String CHANGE = "esa_change";
    public static final String CAPTURE = "esa_capture";
    public static final String FENCE = "esa_fence";
    public static final String TOUCHED = "esa_touched";
    public static final String CHANGE_SPILL = "esa_change_spill";

    /** Every state table; the binlog reader and the start-up check of grants name them from here. */
    public static final List<String> ALL = List.of(SCHEMA_VERSION, LEASE, CONFIG, STRUCTURE, TOMBSTONE, WATERMARK,
            CURSOR, CURSOR_PAGE, SYNC_AGAIN, CHANGE, CAPTURE, FENCE, TOUCHED, CHANGE_SPILL);

    private final Dialect dialect;
    /** The separate state schema, or null: the connection's own. */
    private final String schema;

    private StateTables(Dialect dialect, String schema) {
        this.dialect = dialect;
        this.schema = schema;
    }

    /** The state tables in the connection's schema, named bare (the default, and every install before the setting). */
    public static StateTables inConnectionSchema(Dialect dialect) {
        return new StateTables(dialect, null);
    }

    /** The state tables in {@code schema}, or in the connection's schema when it is null or empty. */
    public static StateTables in(Dialect dialect, String schema) {
        return new StateTables(dialect, schema == null || schema.isEmpty() ? null : schema);
    }

    /** The dialect the names are quoted in. */
    public Dialect dialect() {
        return dialect;
    }

    /** The separate state schema, empty when the state lives in the application's schema. */
    public Optional<String> schema() {
        return Optional.ofNullable(schema);
    }

    /** The state table {@code table} (one of the constants) as a statement names it. */
    public String of(String table) {
        return schema == null ? table : dialect.quote(schema) + "." + dialect.quote(table);
    }

    public String schemaVersion() {
        return of(SCHEMA_VERSION);
    }

    public String lease() {
        return of(LEASE);
    }

    public String config() {
        return of(CONFIG);
    }

    public String structure() {
        return of(STRUCTURE);
    }

    public String tombstone() {
        return of(TOMBSTONE);
    }

    public String watermark() {
        return of(WATERMARK);
    }

    public String cursor() {
        return of(CURSOR);
    }

    public String cursorPage() {
        return of(CURSOR_PAGE);
    }

    public String syncAgain() {
        return of(SYNC_AGAIN);
    }

    public String change() {
        return of(CHANGE);
    }

    public String capture() {
        return of(CAPTURE);
    }

    public String fence() {
        return of(FENCE);
    }

    public String touched() {
        return of(TOUCHED);
    }

    public String changeSpill() {
        return of(CHANGE_SPILL);
    }

    /**
     * The state table that a table event of the binary log names, or null when it names none of ours: the
     * event's schema must be the state schema ({@code connectionSchema} without one) — compared ignoring case
     * only when the server folds names ({@code lower_case_table_names} ≠ 0) — and its table one of {@link #ALL}
     * exactly as the server stores it.
     */
    public String holds(String eventSchema, String eventTable, String connectionSchema, boolean namesFolded) {
        String ours = schema == null ? connectionSchema : schema;
        if (ours == null || eventSchema == null || eventTable == null) {
            return null;
        }
        boolean sameSchema = namesFolded
                ? ours.toLowerCase(Locale.ROOT).equals(eventSchema.toLowerCase(Locale.ROOT))
                : ours.equals(eventSchema);
        return sameSchema && ALL.contains(eventTable) ? eventTable : null;
    }
}
