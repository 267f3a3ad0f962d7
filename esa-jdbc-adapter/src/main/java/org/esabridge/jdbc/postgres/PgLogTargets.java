package org.esabridge.jdbc.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.esabridge.jdbc.capture.LogCapture;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.ValueKind;
import org.esabridge.jdbc.dialect.Dialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a relation of the stream means to the log reader: a served table (its changes become entries under the
 * external ids the rest of the adapter spells), {@code esa_fence} (getCurrentTime's markers), or nothing. Decided at
 * each Relation message, which pgoutput sends before a table's first change and after each change of its definition.
 *
 * <p>Ids are spelled as {@link Dialect#idText} spells them in SQL, so that an entry names the row a read finds: ids
 * of integer, decimal and string columns straight from pgoutput's text (the type's output function, the same text
 * {@code CAST(… AS TEXT)} gives), others (dates, times, booleans, bytes, floats) by the database from that text.
 */
final class PgLogTargets {
    private static final Logger LOG = LoggerFactory.getLogger(PgLogTargets.class);
    private static final Set<ValueKind> TEXT_AS_IS = Set.of(ValueKind.INTEGER, ValueKind.DECIMAL, ValueKind.STRING);

    /** Receives one change: table, external id (null when it could not be spelled), 'M', 'D' or 'T'. */
    @FunctionalInterface
    interface ChangeSink {
        void change(String table, String rowId, char kind);
    }

    /** One relation's handling of changes. */
    interface Target {
        default void inserted(List<String> row, ChangeSink sink, Consumer<Long> fences) throws SQLException {
        }

        default void updated(List<String> old, List<String> row, ChangeSink sink) throws SQLException {
        }

        default void deleted(List<String> old, ChangeSink sink) throws SQLException {
        }

        default void truncated(ChangeSink sink) {
        }
    }

    static final Target IGNORED = new Target() {
    };

    private final DataSource ds;
    private final Dialect dialect;
    private final String stateSchema;
    private final String servedSchema;
    private final LogCapture.Tables tables;
    /**
     * Served tables whose changes are not indexed: polled because the log cannot carry their ids. (A table the
     * account could not publish is indexed if its changes arrive all the same: someone published it by hand.)
     */
    private final Predicate<String> ignored;

    PgLogTargets(DataSource ds, Dialect dialect, String stateSchema, String servedSchema, LogCapture.Tables tables,
                 Predicate<String> ignored) {
        this.ds = ds;
        this.dialect = dialect;
        this.stateSchema = stateSchema;
        this.servedSchema = servedSchema;
        this.tables = tables;
        this.ignored = ignored;
    }

    Target target(PgOutput.Relation r) throws SQLException {
        if (r.namespace().equals(stateSchema)) {
            return r.name().equals("esa_fence") ? new FenceTarget(indexOf(r, "id")) : IGNORED;
        }
        Table table = servedTable(r);
        if (table == null || ignored.test(table.name())) {
            return IGNORED;
        }
        String name = table.name();
        int[] positions = new int[table.idColumns().size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = indexOf(r, table.idColumns().get(i).name());
            if (positions[i] < 0) {
                LOG.warn("log capture: the stream's {} has no column {}; its changes are recorded as a gap", r.name(),
                        table.idColumns().get(i).name());
                return unspellable(name);
            }
        }
        boolean asIs = table.idColumns().stream().allMatch(c -> TEXT_AS_IS.contains(table.kind(c)));
        return new RowsTarget(name, asIs ? new TextIds(positions) : new SqlIds(table, positions, types(r, positions)));
    }

    /** The served table the relation is, or whose partition it is; null when none. */
    private Table servedTable(PgOutput.Relation r) throws SQLException {
        Table table = r.namespace().equals(servedSchema) ? tables.find(r.name()) : null;
        if (table != null) {
            return table;
        }
        String root = servedRoot(r.id());
        return root == null ? null : tables.find(root);
    }

    /**
     * The served partitioned table a partition belongs to (its topmost parent in the served schema), or null. The
     * publication sends a partition's changes under the partition's own name and columns: with
     * {@code publish_via_partition_root} off, which it is, so that a TRUNCATE of one partition is sent too (under the
     * root, pgoutput leaves it out). Looked up when the Relation message arrives, not as of the change: a partition
     * detached before the reader reaches its earlier changes is no longer found, and those changes are not indexed.
     */
    private String servedRoot(int relationId) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT p.relname"
                + " FROM pg_class p JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = ?"
                + " AND p.oid = pg_partition_root(CAST(CAST(? AS BIGINT) AS OID)) AND p.relkind = 'p'")) {
            ps.setString(1, servedSchema);
            ps.setLong(2, Integer.toUnsignedLong(relationId));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static int indexOf(PgOutput.Relation r, String column) {
        for (int i = 0; i < r.columns().size(); i++) {
            if (r.columns().get(i).name().equals(column)) {
                return i;
            }
        }
        return -1;
    }

    private List<String> types(PgOutput.Relation r, int[] positions) throws SQLException {
        List<String> types = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT format_type(?, ?)")) {
            for (int p : positions) {
                ps.setInt(1, r.columns().get(p).typeOid());
                ps.setInt(2, r.columns().get(p).typmod());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    types.add(rs.getString(1));
                }
            }
        }
        return types;
    }

    /** Spells an id from a row's values. */
    private interface Ids {
        /** The external id, or null when a key value is missing (an unchanged TOASTed key, no key sent). */
        String id(List<String> row) throws SQLException;
    }

    /** Ids whose text is pgoutput's text: one column as is, several joined as {@code PostgresDialect.idText} does. */
    private record TextIds(int[] positions) implements Ids {
        @Override
        public String id(List<String> row) {
            if (positions.length == 1) {
                return value(row, positions[0]);
            }
            StringBuilder id = new StringBuilder();
            for (int i = 0; i < positions.length; i++) {
                String v = value(row, positions[i]);
                if (v == null) {
                    return null;
                }
                id.append(i == 0 ? "" : ",").append(v.replace("%", "%25").replace(",", "%2C"));
            }
            return id.toString();
        }
    }

    /** Ids of other types: the database reads pgoutput's text back into the column's type and spells it. */
    private final class SqlIds implements Ids {
        private final int[] positions;
        private final String sql;

        SqlIds(Table table, int[] positions, List<String> types) {
            this.positions = positions;
            Map<String, String> aliases = new HashMap<>();
            List<String> casts = new ArrayList<>();
            for (int i = 0; i < positions.length; i++) {
                aliases.put(table.idColumns().get(i).name(), "v.c" + i);
                casts.add("CAST(CAST(? AS TEXT) AS " + types.get(i) + ") AS c" + i);
            }
            Function<Column, String> column = c -> aliases.get(c.name());
            this.sql = "SELECT " + dialect.idText(table, column) + " FROM (SELECT " + String.join(", ", casts) + ") v";
        }

        @Override
        public String id(List<String> row) throws SQLException {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < positions.length; i++) {
                    String v = value(row, positions[i]);
                    if (v == null) {
                        return null;
                    }
                    ps.setString(i + 1, v);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        }
    }

    private static String value(List<String> row, int position) {
        String v = row == null || position >= row.size() ? null : row.get(position);
        return v == PgOutput.UNCHANGED ? null : v;
    }

    /** A served table: inserts and updates are 'M', deletes 'D', a changed key 'D' for the old id and 'M'. */
    private record RowsTarget(String table, Ids ids) implements Target {
        @Override
        public void inserted(List<String> row, ChangeSink sink, Consumer<Long> fences) throws SQLException {
            sink.change(table, ids.id(row), 'M');
        }

        @Override
        public void updated(List<String> old, List<String> row, ChangeSink sink) throws SQLException {
            String now = ids.id(row);
            if (old != null) {
                String was = ids.id(old);
                if (was == null || !was.equals(now)) {
                    sink.change(table, was, 'D');
                }
            }
            sink.change(table, now, 'M');
        }

        @Override
        public void deleted(List<String> old, ChangeSink sink) throws SQLException {
            sink.change(table, ids.id(old), 'D');
        }

        @Override
        public void truncated(ChangeSink sink) {
            sink.change(table, "", PgLogReader.TRUNCATED);
        }
    }

    /** A table whose rows cannot be mapped: each change is reported unspellable, which records a gap. */
    private static Target unspellable(String table) {
        return new Target() {
            @Override
            public void inserted(List<String> row, ChangeSink sink, Consumer<Long> fences) {
                sink.change(table, null, 'M');
            }

            @Override
            public void updated(List<String> old, List<String> row, ChangeSink sink) {
                sink.change(table, null, 'M');
            }

            @Override
            public void deleted(List<String> old, ChangeSink sink) {
                sink.change(table, null, 'D');
            }

            @Override
            public void truncated(ChangeSink sink) {
                sink.change(table, "", PgLogReader.TRUNCATED);
            }
        };
    }

    /** {@code esa_fence}: an inserted marker's id is a fence in the stream. */
    private record FenceTarget(int idColumn) implements Target {
        @Override
        public void inserted(List<String> row, ChangeSink sink, Consumer<Long> fences) {
            fences.accept(Long.parseLong(row.get(idColumn)));
        }
    }
}
