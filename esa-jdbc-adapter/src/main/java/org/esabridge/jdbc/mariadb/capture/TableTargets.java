package org.esabridge.jdbc.mariadb.capture;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.esabridge.jdbc.capture.LogCapture;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.dialect.StateTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a table of the adapter's schema means to the reader, decided at each table map: an exposed table (its row
 * events become entries, by the ids {@link RowIdDecoder} spells), {@code esa_tombstone}/{@code esa_touched}
 * (trigger-made rows naming a child row that a foreign-key cascade deleted or changed: InnoDB's cascades are not
 * in the binary log, the trigger's inserts are), {@code esa_fence} (getCurrentTime's markers), or nothing.
 */
final class TableTargets {
    private static final Logger LOG = LoggerFactory.getLogger(TableTargets.class);

    /** Receives one change: table, external id (null when it could not be spelled), 'M' or 'D'. */
    @FunctionalInterface
    interface ChangeSink {
        void change(String table, String rowId, char kind);
    }

    /** One table's handling of row events. */
    interface Target {
        default void inserted(Serializable[] row, BitSet cols, ChangeSink sink, Consumer<Long> fences) {
        }

        default void updated(Serializable[] before, BitSet beforeCols, Serializable[] after, BitSet afterCols,
                             ChangeSink sink) {
        }

        default void deleted(Serializable[] row, BitSet cols, ChangeSink sink) {
        }
    }

    static final Target IGNORED = new Target() {
    };

    private final DataSource ds;
    private final LogCapture.Tables tables;
    private final String schema;
    private final StateTables state;
    private final boolean namesFolded;
    /** Exposed tables whose ids cannot be spelled from the log, with the reason. */
    private final Map<String, String> uncapturable = new ConcurrentHashMap<>();
    private final Map<String, Layout> layouts = new HashMap<>();
    /** Table ids of unserved tables, with when to ask the catalog again (nanoTime). */
    private final Map<Long, Long> unserved = new HashMap<>();
    private static final long UNSERVED_RECHECK_NANOS = 10_000_000_000L;

    /** A table's columns in row-image order and their character sets, as of one table id. */
    private record Layout(long tableId, List<String> columns, Map<String, String> charsets, Table table, Target target) {
    }

    /**
     * @param schema      the application's schema, whose served tables are captured
     * @param state       where the adapter's own tables are
     * @param namesFolded whether the server compares schema names ignoring case ({@code lower_case_table_names} ≠ 0)
     */
    TableTargets(DataSource ds, LogCapture.Tables tables, String schema, StateTables state, boolean namesFolded) {
        this.ds = ds;
        this.tables = tables;
        this.schema = schema;
        this.state = state;
        this.namesFolded = namesFolded;
    }

    /** Exposed tables the log cannot capture, with the reason (they need polling). */
    Map<String, String> uncapturable() {
        return Collections.unmodifiableMap(uncapturable);
    }

    /**
     * Checks every given table's id columns against what {@link RowIdDecoder} spells exactly, so that the start can
     * say which tables the binary log cannot capture.
     */
    void check(Connection c, List<Table> served) throws SQLException {
        for (Table t : served) {
            try {
                RowIdDecoder.check(t, charsets(c, t.name(), new ArrayList<>()));
                uncapturable.remove(t.name());
            } catch (RowIdDecoder.UnsupportedIdException e) {
                uncapturable.put(t.name(), e.getMessage());
            }
        }
    }

    /**
     * The handling of the table a table map names: one of the adapter's own tables in the state schema, exactly as
     * the server stores it; a served table of the application's schema; or nothing (any other schema, and any other
     * {@code esa_} table, whatever its case).
     */
    Target target(TableMapEventData map) throws SQLException {
        String name = map.getTable();
        String own = state.holds(map.getDatabase(), name, schema, namesFolded);
        if (own != null) {
            return switch (own) {
                case StateTables.FENCE -> FENCE;
                case StateTables.TOMBSTONE -> new MarkerTarget(map, 'D');
                case StateTables.TOUCHED -> new MarkerTarget(map, 'M');
                default -> IGNORED;
            };
        }
        if (!inSchema(map.getDatabase()) || name.toLowerCase(Locale.ROOT).startsWith("esa_")) {
            return IGNORED;
        }
        Long ignoredUntil = unserved.get(map.getTableId());
        if (ignoredUntil != null && System.nanoTime() - ignoredUntil < 0) {
            return IGNORED;
        }
        Table table = tables.find(name);
        if (table == null) {
            // A table of the schema the catalog does not serve (no key, excluded): asked again now and then, not at
            // every statement that writes it.
            unserved.put(map.getTableId(), System.nanoTime() + UNSERVED_RECHECK_NANOS);
            return IGNORED;
        }
        Layout cached = layouts.get(name);
        if (cached != null && cached.tableId() == map.getTableId() && cached.table() == table) {
            return cached.target();
        }
        List<String> names = map.getEventMetadata() == null ? null : map.getEventMetadata().getColumnNames();
        Map<String, String> charsets;
        List<String> ordinal = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            charsets = charsets(c, name, ordinal);
        }
        List<String> columns = names != null && names.size() == map.getColumnTypes().length ? names : ordinal;
        Target target;
        if (columns.size() != map.getColumnTypes().length) {
            // The table was altered after this event was written and the log carries no column names
            // (binlog_row_metadata=MINIMAL): positions cannot be trusted.
            target = unspellable(name);
            LOG.warn("binlog capture: the columns of {} changed since this event; its changes will be recorded as a gap",
                    name);
        } else {
            try {
                RowIdDecoder ids = RowIdDecoder.of(table, columns, charsets);
                target = new RowsTarget(name, ids);
                uncapturable.remove(name);
            } catch (RowIdDecoder.UnsupportedIdException e) {
                if (uncapturable.put(name, e.getMessage()) == null) {
                    LOG.warn("binlog capture: {} is not captured from the binary log: {}", name, e.getMessage());
                }
                target = IGNORED;
            }
        }
        layouts.put(name, new Layout(map.getTableId(), columns, charsets, table, target));
        return target;
    }

    private static Map<String, String> charsets(Connection c, String table, List<String> ordinal) throws SQLException {
        Map<String, String> charsets = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, CHARACTER_SET_NAME FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ordinal.add(rs.getString(1));
                    if (rs.getString(2) != null) {
                        charsets.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        }
        return charsets;
    }

    /** An exposed table: inserts and updates are 'M', deletes 'D', a changed key 'D' for the old id and 'M'. */
    private record RowsTarget(String table, RowIdDecoder ids) implements Target {
        @Override
        public void inserted(Serializable[] row, BitSet cols, ChangeSink sink, Consumer<Long> fences) {
            sink.change(table, ids.id(row, cols), 'M');
        }

        @Override
        public void updated(Serializable[] before, BitSet beforeCols, Serializable[] after, BitSet afterCols,
                            ChangeSink sink) {
            String old = ids.id(before, beforeCols);
            String now = ids.id(after, afterCols);
            if (old != null && !old.equals(now)) {
                sink.change(table, old, 'D');
            }
            sink.change(table, now, 'M');
        }

        @Override
        public void deleted(Serializable[] row, BitSet cols, ChangeSink sink) {
            sink.change(table, ids.id(row, cols), 'D');
        }
    }

    /** A table whose row images cannot be mapped: each change is reported unspellable, which records a gap. */
    private static Target unspellable(String table) {
        return new Target() {
            @Override
            public void inserted(Serializable[] row, BitSet cols, ChangeSink sink, Consumer<Long> fences) {
                sink.change(table, null, 'M');
            }

            @Override
            public void updated(Serializable[] b, BitSet bc, Serializable[] a, BitSet ac, ChangeSink sink) {
                sink.change(table, null, 'M');
            }

            @Override
            public void deleted(Serializable[] row, BitSet cols, ChangeSink sink) {
                sink.change(table, null, 'D');
            }
        };
    }

    /** {@code esa_fence}: an inserted marker's id (its first column) is a fence in the stream. */
    private static final Target FENCE = new Target() {
        @Override
        public void inserted(Serializable[] row, BitSet cols, ChangeSink sink, Consumer<Long> fences) {
            fences.accept(((Number) row[0]).longValue());
        }
    };

    /**
     * {@code esa_tombstone} / {@code esa_touched}: (seq, table_name, row_id, …) — the inserted row names a change of
     * another table's row; found by column name when the log carries names, else by that fixed order.
     */
    private static final class MarkerTarget implements Target {
        private final char kind;
        private final int tableColumn;
        private final int idColumn;

        MarkerTarget(TableMapEventData map, char kind) {
            this.kind = kind;
            List<String> names = map.getEventMetadata() == null ? null : map.getEventMetadata().getColumnNames();
            this.tableColumn = names != null && names.contains("table_name") ? names.indexOf("table_name") : 1;
            this.idColumn = names != null && names.contains("row_id") ? names.indexOf("row_id") : 2;
        }

        @Override
        public void inserted(Serializable[] row, BitSet cols, ChangeSink sink, Consumer<Long> fences) {
            sink.change(BinlogReader.utf8(row[tableColumn]), BinlogReader.utf8(row[idColumn]), kind);
        }
    }

    /** Whether an event's schema is the application's, as the server compares schema names. */
    boolean inSchema(String eventSchema) {
        return eventSchema != null && (namesFolded ? schema.equalsIgnoreCase(eventSchema) : schema.equals(eventSchema));
    }

    /** A table name of the application's schema as the server stores it ({@code lower_case_table_names=1} folds). */
    String tableName(String name) {
        return namesFolded ? name.toLowerCase(Locale.ROOT) : name;
    }

    /** Whether SQL text names the application's schema anywhere (as a word, in any case the server would accept). */
    boolean mentionsSchema(String code) {
        String text = namesFolded ? code.toLowerCase(Locale.ROOT) : code;
        String name = namesFolded ? schema.toLowerCase(Locale.ROOT) : schema;
        return java.util.regex.Pattern.compile("(?<![\\w$])" + java.util.regex.Pattern.quote(name) + "(?![\\w$])")
                .matcher(text).find();
    }

    /** Names of tables (in the schema) whose changes the log cannot capture, for the start's summary. */
    Set<String> uncapturableNames() {
        return uncapturable.keySet();
    }
}
