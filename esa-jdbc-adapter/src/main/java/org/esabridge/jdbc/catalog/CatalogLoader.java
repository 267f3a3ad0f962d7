package org.esabridge.jdbc.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.esabridge.api.ExternalField;
import org.esabridge.api.FieldType;
import org.esabridge.api.Relation;
import org.esabridge.jdbc.DeleteStrategy;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.StructureSettings;
import org.esabridge.jdbc.dialect.Dialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the current schema's tables with the dialect's catalog queries (the database's own catalog tells
 * what JDBC metadata does not: {@code ON UPDATE CURRENT_TIMESTAMP}, generated columns, exact column types) and applies the configuration.
 *
 * <p>A table is exposed when the include/exclude patterns select it, its name does not start with
 * {@code esa_}, it has id columns (configured, else the primary key, else the unique key over NOT NULL columns
 * with the fewest columns) and a modification time: its modification column (configured, else the first
 * TIMESTAMP/DATETIME column with {@code ON UPDATE CURRENT_TIMESTAMP}), a version table
 * ({@code change-tracking=version-table}) or, in binlog capture, the change index's stamp of the row's latest
 * change ({@link #INDEX_STAMP}). Every other table the patterns select is named in {@link Catalog#unserved()}
 * with the reason and the remedy, which the start prints once (views too: {@link #VIEW}); misconfigured ones are
 * logged at warn as well.
 */
public final class CatalogLoader {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogLoader.class);

    private final JdbcAdapterConfig config;
    private final Dialect dialect;
    private final Set<String> writableByDefault;
    /** The zone of DATETIME modification columns without {@code modified-zone}: the database's (resolved at start). */
    private volatile java.time.ZoneId databaseZone = java.time.ZoneOffset.UTC;
    /** Binlog capture: a table without a modification column takes its times from this change index, else null. */
    private volatile org.esabridge.jdbc.dialect.StateTables indexStamps;

    /**
     * @param writableByDefault tables that are writable unless configured otherwise (the demo schema)
     */
    public CatalogLoader(JdbcAdapterConfig config, Dialect dialect, Set<String> writableByDefault) {
        this.config = config;
        this.dialect = dialect;
        this.writableByDefault = Set.copyOf(writableByDefault);
    }

    private record RawFk(String name, String table, List<String> columns, String refTable, List<String> refColumns,
                         String deleteRule, String updateRule) {
    }

    /** Sets the zone DATETIME modification columns are read in unless {@code structure.<table>.modified-zone} says. */
    public void useDatabaseZone(java.time.ZoneId zone) {
        this.databaseZone = zone;
    }

    /**
     * The change index whose stamps serve tables without a modification column (binlog capture, chosen at start
     * before the first load), or null for none.
     */
    public void stampFromChangeIndex(org.esabridge.jdbc.dialect.StateTables state) {
        this.indexStamps = state;
    }

    public Catalog load(Connection c) throws SQLException {
        List<String> refusals = new ArrayList<>();
        Map<String, String> unserved = new LinkedHashMap<>();
        Map<String, List<Column>> columns = columns(c);
        Map<String, List<String>> primaryKeys = primaryKeys(c);
        List<RawFk> fks = foreignKeys(c);
        Map<String, Set<String>> triggers = userTriggers(c);
        Map<String, List<List<String>>> uniqueKeys = new HashMap<>();
        Map<String, List<List<String>>> indexes = indexes(c, uniqueKeys);
        Map<String, String> comments = comments(c);

        Map<String, Table> tables = new LinkedHashMap<>();
        // First pass without relations: a relation needs to know which targets are exposed.
        for (Map.Entry<String, List<Column>> e : columns.entrySet()) {
            List<String> key = primaryKeys.getOrDefault(e.getKey(), List.of());
            if (key.isEmpty()) {
                key = uniqueNotNullKey(dialect.values(), e.getValue(), uniqueKeys.getOrDefault(e.getKey(), List.of()));
            }
            Table t = table(e.getKey(), e.getValue(), key, fks, triggers.getOrDefault(e.getKey(), Set.of()), refusals,
                    unserved);
            if (t != null) {
                tables.put(t.name(), t);
                // Not created behind the owner's back: an index on a large table is a schema decision. The start's
                // summary names the tables without one (CaptureSummary), where it matters: polled tables.
            }
        }
        for (String view : views(c)) {
            if (mayExpose(view)) {
                unserved.put(view, VIEW);
            }
        }
        Map<String, Table> withRelations = new LinkedHashMap<>();
        for (Table t : tables.values()) {
            List<Relation> relations = new ArrayList<>();
            for (RawFk fk : fks) {
                if (fk.table().equals(t.name()) && fk.columns().size() == 1 && tables.containsKey(fk.refTable())
                        && t.fieldColumn(fk.columns().get(0)) != null) {
                    relations.add(new Relation(fk.name(), fk.refTable(), fk.columns().get(0), fk.refTable(),
                            fk.refColumns().get(0), false));
                }
            }
            withRelations.put(t.name(), new Table(t.name(), label(t, comments), t.writable(), t.idColumns(), t.modColumn(),
                    t.versionTable(), t.checkedUnderLock() ? null : modIndex(t, indexes), idIndex(t, indexes),
                    t.fieldColumns(), t.kinds(), t.readOnlyColumns(), t.deleteStrategy(), t.softDelete(), fieldLabels(t, comments),
                    List.copyOf(relations), t.cascades(), t.userTriggers(), t.hasGenerated(), t.modZone(),
                    t.changeIndex()));
        }
        List<ForeignKeyLink> links = new ArrayList<>();
        for (RawFk fk : fks) {
            links.add(new ForeignKeyLink(fk.name(), fk.table(), fk.columns(), fk.refTable(), fk.refColumns(),
                    fk.deleteRule(), fk.updateRule()));
        }
        return new Catalog(withRelations, dialect, links, refusals, unserved);
    }

    /**
     * Without a primary key, the unique key whose columns are all NOT NULL and of exact kinds with the fewest
     * columns (the first by name among equals), or none: a row's values there identify it as a primary key's would.
     */
    static List<String> uniqueNotNullKey(ValueCodec values, List<Column> columns, List<List<String>> uniqueKeys) {
        Map<String, Column> byName = new HashMap<>();
        columns.forEach(col -> byName.put(col.name(), col));
        List<String> best = List.of();
        String bestName = null;
        for (List<String> index : uniqueKeys) {
            List<String> cols = index.subList(1, index.size());
            boolean usable = cols.stream().map(byName::get).allMatch(col -> col != null && !col.nullable()
                    && values.kind(col) != null && values.kind(col) != ValueKind.FLOAT
                    && values.kind(col) != ValueKind.DOUBLE);
            if (usable && (bestName == null || cols.size() < best.size()
                    || cols.size() == best.size() && index.get(0).compareTo(bestName) < 0)) {
                best = List.copyOf(cols);
                bestName = index.get(0);
            }
        }
        return best;
    }

    /** A structure's label: {@code structure.<table>.label}, else the table's comment, else its name. */
    private String label(Table t, Map<String, String> comments) {
        String configured = config.structure(t.name()).label();
        return configured != null ? configured : comments.getOrDefault(t.name() + "\u0000", t.name());
    }

    /** The fields with their columns' comments as labels, where a column has one. */
    private static List<ExternalField> fieldLabels(Table t, Map<String, String> comments) {
        List<ExternalField> out = new ArrayList<>();
        for (ExternalField f : t.fields()) {
            String comment = comments.get(t.name() + "\u0000" + f.name());
            out.add(comment == null ? f
                    : new ExternalField(f.name(), comment, f.type(), f.length(), f.required(), f.readOnly()));
        }
        return List.copyOf(out);
    }

    /**
     * Comments by {@code table NUL column} ({@code table NUL} for the table's own), as the dialect reads them;
     * a comment with a character XML cannot carry is left out (the name serves as the label instead).
     */
    private Map<String, String> comments(Connection c) throws SQLException {
        String sql = dialect.commentsSql();
        Map<String, String> out = new HashMap<>();
        if (sql == null) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String comment = rs.getString(3);
                if (comment != null && !comment.isBlank() && !org.esabridge.api.ControlCharacters.anyIn(comment)) {
                    out.put(rs.getString(1) + "\u0000" + (rs.getString(2) == null ? "" : rs.getString(2)), comment);
                }
            }
        }
        return out;
    }

    /** Whether a table of this name may be exposed at all: never the adapter's own, else as configured. */
    public boolean mayExpose(String name) {
        return !name.toLowerCase(Locale.ROOT).startsWith("esa_") && config.selects(name);
    }

    private Table table(String name, List<Column> cols, List<String> pk, List<RawFk> fks, Set<String> triggers,
                        List<String> refusals, Map<String, String> unserved) {
        if (!mayExpose(name)) {
            return null;
        }
        StructureSettings s = config.structure(name);
        Map<String, Column> byName = new LinkedHashMap<>();
        cols.forEach(col -> byName.put(col.name(), col));

        List<String> idNames = s.idColumns().isEmpty() ? pk : s.idColumns();
        if (idNames.isEmpty()) {
            unserved.put(name, NO_KEY);
            return null;
        }
        List<Column> ids = new ArrayList<>();
        for (String id : idNames) {
            Column col = byName.get(id);
            if (col == null || kind(col, s) == null) {
                LOG.warn("table {}: id column {} does not exist or has an unsupported type: not exposed", name, id);
                unserved.put(name, "id column " + id + " does not exist or has an unsupported type - set structure."
                        + name + ".id-columns to columns that identify a row");
                return null;
            }
            if (kind(col, s) == ValueKind.FLOAT || kind(col, s) == ValueKind.DOUBLE) {
                // An approximate number has no exact text form: the host's id would never find its row again
                // (update: RECORD_NOT_FOUND; delete: "done" while the row stays), and a trigger spells it otherwise.
                String refusal = "table " + name + ": id column " + id + " is " + col.dataType().toUpperCase(Locale.ROOT)
                        + ", whose values do not round-trip as text; set structure." + name
                        + ".id-columns to a unique key of exact columns, or leave the table out (structures.exclude)";
                LOG.warn("{}: not exposed", refusal);
                refusals.add(refusal);
                unserved.put(name, "id column " + id + " is approximate (" + col.dataType().toUpperCase(Locale.ROOT)
                        + ") - set structure." + name + ".id-columns to a unique key of exact columns");
                return null;
            }
            ids.add(col);
        }
        boolean versioned = s.changeTracking() == StructureSettings.ChangeTracking.VERSION_TABLE;
        Column mod = versioned ? VERSION_COLUMN : modColumn(name, s, byName);
        org.esabridge.jdbc.dialect.StateTables changeIndex = null;
        if (mod == null) {
            if (s.modifiedColumn() != null) {
                unserved.put(name, "modified-column " + s.modifiedColumn() + " is not a TIMESTAMP or DATETIME column"
                        + " - correct structure." + name + ".modified-column");
                return null;
            }
            changeIndex = indexStamps;
            if (changeIndex == null) {
                unserved.put(name, noModificationColumn());
                return null;
            }
            mod = INDEX_STAMP;
        }
        Column softDelete = null;
        if (s.deleteStrategy().kind() == DeleteStrategy.Kind.SOFT_DELETE) {
            softDelete = byName.get(s.deleteStrategy().column());
            if (softDelete == null) {
                LOG.warn("table {}: soft-delete column {} does not exist: not exposed", name, s.deleteStrategy().column());
                unserved.put(name, "soft-delete column " + s.deleteStrategy().column() + " does not exist - correct"
                        + " structure." + name + ".delete-strategy");
                return null;
            }
        }
        boolean writable = s.writable() != null ? s.writable() : writableByDefault.contains(name);
        Set<String> hidden = new HashSet<>(idNames);
        hidden.add(mod.name());
        if (softDelete != null) {
            hidden.add(softDelete.name());
        }
        Map<String, ValueKind> kinds = new HashMap<>();
        List<Column> fieldColumns = new ArrayList<>();
        List<ExternalField> fields = new ArrayList<>();
        Set<String> readOnly = new LinkedHashSet<>();
        boolean hasGenerated = false;
        for (Column col : cols) {
            ValueKind kind = kind(col, s);
            hasGenerated |= col.generated();
            if (kind == null) {
                LOG.debug("table {}: column {} of type {} is not exposed", name, col.name(), col.dataType());
                continue;
            }
            kinds.put(col.name(), kind);
            if (hidden.contains(col.name())) {
                continue;
            }
            boolean ro = col.generated() || s.readOnlyColumns().contains(col.name());
            if (ro) {
                readOnly.add(col.name());
            }
            FieldType type = TypeMapping.fieldType(col, kind);
            fieldColumns.add(col);
            fields.add(new ExternalField(col.name(), col.name(), type, TypeMapping.length(col, kind),
                    !col.nullable() && !col.hasDefault(), ro || !writable));
        }
        for (String ro : s.readOnlyColumns()) {
            if (!byName.containsKey(ro)) {
                LOG.warn("table {}: read-only column {} does not exist", name, ro);
            }
        }
        for (String b : s.booleanColumns()) {
            Column col = byName.get(b);
            if (col == null || !col.dataType().equals("tinyint")) {
                LOG.warn("table {}: boolean column {} is not a TINYINT column of the table: ignored", name, b);
            }
        }
        List<Table.ForeignKey> cascades = new ArrayList<>();
        for (RawFk fk : fks) {
            if (fk.refTable().equals(name) && !fk.deleteRule().equals("RESTRICT") && !fk.deleteRule().equals("NO ACTION")) {
                cascades.add(new Table.ForeignKey(fk.name(), fk.table(), fk.columns(), fk.refColumns()));
            }
        }
        return new Table(name, s.label() != null ? s.label() : name, writable, List.copyOf(ids), mod,
                versioned ? versionTableName(name) : null, null, null,
                List.copyOf(fieldColumns), Map.copyOf(kinds), Set.copyOf(readOnly), s.deleteStrategy(), softDelete,
                List.copyOf(fields), List.of(), List.copyOf(cascades), Set.copyOf(triggers), hasGenerated,
                modZone(mod, versioned || changeIndex != null, s), changeIndex);
    }

    /** Why a view is not served, and what serves its rows: a view has no rows, keys or changes of its own. */
    public static final String VIEW = "no rows of their own (views) - a view is not served; serve the tables it reads"
            + " instead";
    /** Why a table without a key is not served, and what would serve it. */
    public static final String NO_KEY = "no primary key and no unique key over NOT NULL columns - add one, or set"
            + " structure.<table>.id-columns to columns that identify a row";
    /** Why a table without a modification column is not served in polling capture, and what would serve it. */
    private String noModificationColumn() {
        return "no modification column - " + dialect.modificationColumnRemedy() + ", or set"
                + " structure.<table>.change-tracking=version-table, or capture from "
                + (dialect.hasBinaryLog() ? "the binary log (change-capture=binlog)" : "the database's log (change-capture=log)")
                + ", which needs neither";
    }

    /** A column's kind, with {@code structure.<table>.boolean-columns} applied. */
    private ValueKind kind(Column col, StructureSettings s) {
        return dialect.values().kind(col, s.booleanColumns().contains(col.name()));
    }

    /**
     * The zone of a modification column's wall times: TIMESTAMP columns are UTC inside (sessions run in UTC), and
     * so are version tables, which the adapter stamps itself; a DATETIME holds whatever the writer's session
     * clock said, so its zone is configured, by default the database's.
     */
    private java.time.ZoneId modZone(Column mod, boolean versioned, StructureSettings s) {
        if (versioned || mod.isTimestamp()) {
            return java.time.ZoneOffset.UTC;
        }
        return s.modifiedZone() != null ? s.modifiedZone() : databaseZone;
    }

    /**
     * The modification "column" of a table served in binlog capture without one: the stamp of the row's latest
     * change in the change index ({@code esa_change}), never earlier than the index's horizon (a row unchanged
     * since capture started, or since a gap in the log, has the horizon's stamp). See {@code RecordMapper#mod}.
     */
    public static final Column INDEX_STAMP = new Column("esa_stamp", "datetime", "datetime(6)", null, null,
            null, 6, false, true, false, false, false);

    /** The modification column of every version table. */
    public static final Column VERSION_COLUMN = new Column("esa_modified_at", "datetime", "datetime(6)", null, null,
            null, 6, false, true, false, false, false);

    /** {@code esa_ver_<table>}, shortened with a hash when that would exceed 64 characters. */
    public static String versionTableName(String table) {
        return esaName("esa_ver_", table);
    }

    /** An {@code esa_} object name for a table: prefix + table name, hashed when longer than 64 characters. */
    public static String esaName(String prefix, String table) {
        String name = prefix + table;
        if (name.length() <= 64) {
            return name;
        }
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(table.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return prefix + table.substring(0, 40) + "_" + java.util.HexFormat.of().formatHex(h, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Column modColumn(String table, StructureSettings s, Map<String, Column> byName) {
        if (s.modifiedColumn() != null) {
            Column c = byName.get(s.modifiedColumn());
            if (c == null || !c.isTemporal()) {
                LOG.warn("table {}: modified-column {} is not a TIMESTAMP or DATETIME column: not exposed", table,
                        s.modifiedColumn());
                return null;
            }
            return c;
        }
        for (Column c : byName.values()) {
            if (c.isTemporal() && c.onUpdateNow()) {
                return c;
            }
        }
        return null;
    }

    private List<String> views(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(dialect.viewsSql()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private Map<String, List<Column>> columns(Connection c) throws SQLException {
        String sql = dialect.columnsSql();
        Map<String, List<Column>> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String extra = rs.getString(11) == null ? "" : rs.getString(11).toLowerCase(Locale.ROOT);
                boolean nullable = "YES".equals(rs.getString(9));
                boolean autoIncrement = extra.contains("auto_increment");
                boolean generated = "ALWAYS".equalsIgnoreCase(rs.getString(12)) || extra.contains("generated");
                boolean hasDefault = rs.getString(10) != null || nullable || autoIncrement || generated;
                long fsp = rs.getLong(8);
                out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Column(rs.getString(2),
                        rs.getString(3), rs.getString(4), rs.getObject(5, Long.class),
                        rs.getObject(6, Long.class), rs.getObject(7, Long.class), (int) Math.min(6, fsp),
                        nullable, hasDefault, autoIncrement, generated, extra.contains("on update"),
                        "PAD SPACE".equals(rs.getString(13))));
            }
        }
        return out;
    }

    /**
     * Per table, every index as its name followed by its columns in order; the unique ones other than the primary
     * key also go into {@code unique}.
     */
    private Map<String, List<List<String>>> indexes(Connection c, Map<String, List<List<String>>> unique)
            throws SQLException {
        String sql = dialect.indexesSql();
        Map<String, List<List<String>>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            List<String> current = null;
            String currentKey = null;
            while (rs.next()) {
                String table = rs.getString(1);
                String index = rs.getString(2);
                if (!(table + "\u0000" + index).equals(currentKey)) {
                    currentKey = table + "\u0000" + index;
                    current = new ArrayList<>(List.of(index));
                    out.computeIfAbsent(table, k -> new ArrayList<>()).add(current);
                    if (rs.getInt(4) == 0 && !index.equals("PRIMARY")) {
                        unique.computeIfAbsent(table, k -> new ArrayList<>()).add(current);
                    }
                }
                current.add(rs.getString(3));
            }
        }
        return out;
    }

    /**
     * The index that leads with the modification column, preferring one followed by the id columns (the
     * keyset's whole order), or null. Change queries name it ({@link Dialect#forceIndex}): with statistics that
     * a bulk load left stale, the optimizer was seen to sort the whole table for every page.
     */
    static String modIndex(Table t, Map<String, List<List<String>>> indexes) {
        List<String> keyset = new ArrayList<>();
        keyset.add(t.modColumn().name());
        t.idColumns().forEach(col -> keyset.add(col.name()));
        String leading = null;
        for (List<String> index : indexes.getOrDefault(t.name(), List.of())) {
            List<String> cols = index.subList(1, index.size());
            if (cols.size() >= keyset.size() && cols.subList(0, keyset.size()).equals(keyset)) {
                return index.get(0);
            }
            if (leading == null && cols.get(0).equals(t.modColumn().name())) {
                leading = index.get(0);
            }
        }
        return leading;
    }

    /**
     * The index that leads with the id columns, the primary key first, or null. Without a modification index,
     * cursors cut pages into id ranges of it and inline reads walk it (see {@link PagePlan}).
     */
    static String idIndex(Table t, Map<String, List<List<String>>> indexes) {
        List<String> ids = t.idColumns().stream().map(Column::name).toList();
        String found = null;
        for (List<String> index : indexes.getOrDefault(t.name(), List.of())) {
            List<String> cols = index.subList(1, index.size());
            if (cols.size() >= ids.size() && cols.subList(0, ids.size()).equals(ids)
                    && (found == null || index.get(0).equals("PRIMARY"))) {
                found = index.get(0);
            }
        }
        return found;
    }

    private Map<String, List<String>> primaryKeys(Connection c) throws SQLException {
        String sql = dialect.primaryKeysSql();
        Map<String, List<String>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        }
        return out;
    }

    private List<RawFk> foreignKeys(Connection c) throws SQLException {
        String sql = dialect.foreignKeysSql();
        Map<String, RawFk> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String key = rs.getString(2) + "\u0000" + rs.getString(1);
                RawFk fk = out.computeIfAbsent(key, k -> {
                    try {
                        return new RawFk(rs.getString(1), rs.getString(2), new ArrayList<>(), rs.getString(4),
                                new ArrayList<>(), rs.getString(6), rs.getString(7));
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                fk.columns().add(rs.getString(3));
                fk.refColumns().add(rs.getString(5));
            }
        }
        return new ArrayList<>(out.values());
    }

    private Map<String, Set<String>> userTriggers(Connection c) throws SQLException {
        String sql = dialect.triggersSql();
        Map<String, Set<String>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (!rs.getString(3).startsWith("esa_")) {
                    out.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
                }
            }
        }
        return out;
    }
}
