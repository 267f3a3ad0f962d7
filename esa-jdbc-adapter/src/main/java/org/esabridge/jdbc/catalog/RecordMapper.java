package org.esabridge.jdbc.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.xml.RecordText;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * Rows of one table ⇄ records, and the SQL fragments that address a row by id. Every query that returns
 * records selects {@link #selectList()} so that {@link #map} reads columns by position: the id columns,
 * the modification column, then the fields. Shared by reads, change capture and cursors, which find the
 * statements built from these fragments in {@link TableSql}.
 */
public final class RecordMapper {
    private final Table table;
    private final Dialect dialect;
    private final ValueCodec values;
    private final String selectList;
    private final String idWhere;
    private final String idOrder;
    /** The field columns and their kinds, and the id columns' kinds, as arrays: read for every row. */
    private final Column[] fieldColumns;
    private final ValueKind[] fieldKinds;
    private final ValueKind[] idKinds;
    /** Whether the modification column's wall times are UTC's ({@link Table#modZone()}): read without an instant. */
    private final boolean modUtc;

    public RecordMapper(Table table, Dialect dialect) {
        this.table = table;
        this.dialect = dialect;
        this.values = dialect.values();
        StringJoiner select = new StringJoiner(", ");
        StringJoiner where = new StringJoiner(" AND ");
        StringJoiner order = new StringJoiner(", ");
        for (Column c : table.idColumns()) {
            select.add(col(c));
            where.add(col(c) + " = ?");
            order.add(col(c));
        }
        select.add(mod());
        for (Column c : table.fieldColumns()) {
            // An engine's text of a single-precision float may have six significant digits (3.40282e38); as a double
            // it is exact.
            select.add(table.kind(c) == ValueKind.FLOAT ? dialect.asDouble(col(c)) : col(c));
        }
        this.selectList = select.toString();
        this.idWhere = where.toString();
        this.idOrder = order.toString();
        this.fieldColumns = table.fieldColumns().toArray(new Column[0]);
        this.fieldKinds = new ValueKind[fieldColumns.length];
        for (int k = 0; k < fieldColumns.length; k++) {
            fieldKinds[k] = table.kind(fieldColumns[k]);
        }
        this.idKinds = table.idColumns().stream().map(table::kind).toArray(ValueKind[]::new);
        this.modUtc = table.modZone() != null && ZoneOffset.UTC.equals(table.modZone().normalized());
    }

    public Table table() {
        return table;
    }

    /** The engine's values, which read and bind this table's columns. */
    public ValueCodec values() {
        return values;
    }

    /** The quoted table name, unqualified (for INSERT). */
    public String tableName() {
        return dialect.quote(table.name());
    }

    /**
     * {@link #from()} for the queries that walk changes in (modification time, id) order: pinned to the
     * table's modification index when it has one ({@link Table#modIndex()}).
     */
    public String changesFrom() {
        return table.modIndex() == null ? from() : dialect.forceIndex(from(), table.modIndex());
    }

    /**
     * The FROM clause: the table as {@code t}, joined with its version table as {@code v} when it has one
     * (a LEFT JOIN, so that a row whose version is missing is still read and written).
     */
    public String from() {
        return from(dialect.quote(table.name()) + " t");
    }

    /**
     * {@link #from()} for the queries that walk the table in id order ({@link PagePlan#ID_RANGES}): the table
     * pinned to its id index, so that neither stale statistics nor another index turn a walk into a sort.
     */
    public String idOrderFrom() {
        String t = dialect.quote(table.name()) + " t";
        return from(table.idIndex() == null ? t : dialect.forceIndex(t, table.idIndex()));
    }

    private String from(String t) {
        if (table.indexStamped()) {
            // The row's entry by its primary key (table, hash of the id's text as the reader spells it), and the
            // index's horizon.
            return t + " LEFT JOIN " + table.changeIndex().change() + " e ON e.table_name = " + dialect.literal(table.name())
                    + " AND e.row_hash = " + dialect.rowHash(dialect.idText(table, c -> "t." + dialect.quote(c.name())))
                    + " LEFT JOIN " + table.changeIndex().capture() + " s ON s.name = 'binlog'";
        }
        if (table.versionTable() == null) {
            return t;
        }
        StringJoiner on = new StringJoiner(" AND ");
        for (Column c : table.idColumns()) {
            on.add("t." + dialect.quote(c.name()) + " = v." + dialect.quote(c.name()));
        }
        return t + " LEFT JOIN " + dialect.quote(table.versionTable()) + " v ON " + on;
    }

    /** A column of the table, qualified with the alias {@code t}. */
    public String col(Column c) {
        return "t." + dialect.quote(c.name());
    }

    /** A column of the table as the target of {@code UPDATE <table> t SET <target> = …}. */
    public String target(Column c) {
        return dialect.assignTarget("t", dialect.quote(c.name()));
    }

    /**
     * The modification column, qualified ({@code t.} or, for a version table, {@code v.}); for a table stamped by
     * the change index, the stamp of the row's entry, never earlier than the index's horizon {@code since} (a row
     * without an entry has not changed since capture started, or since the last gap, when any row may have).
     */
    public String mod() {
        if (table.indexStamped()) {
            String floor = dialect.earliestTimestamp();
            return "GREATEST(COALESCE(e.stamp, s.since, " + floor + "), COALESCE(s.since, " + floor + "))";
        }
        return (table.versionTable() == null ? "t." : "v.") + dialect.quote(table.modColumn().name());
    }

    /** Id columns, modification column, fields. */
    public String selectList() {
        return selectList;
    }

    /** {@code t.`a` = ? AND t.`b` = ?} over the id columns. */
    public String idWhere() {
        return idWhere;
    }

    /** {@link #idWhere()} with every column qualified by a table alias. */
    public String idWhere(String alias) {
        StringJoiner where = new StringJoiner(" AND ");
        for (Column c : table.idColumns()) {
            where.add(alias + "." + dialect.quote(c.name()) + " = ?");
        }
        return where.toString();
    }

    /** The id columns, comma-separated, for ORDER BY. */
    public String idOrder() {
        return idOrder;
    }

    /** Position of the modification column in {@link #selectList()}. */
    public int modIndex() {
        return table.idColumns().size() + 1;
    }

    /** Maps the current row of a result selected with {@link #selectList()}. */
    public ExternalRecord map(ResultSet rs) throws SQLException {
        String id = readId(rs, 1);
        FieldValue[] fields = new FieldValue[fieldColumns.length];
        int mod = modIndex();
        for (int k = 0; k < fields.length; k++) {
            Column c = fieldColumns[k];
            fields[k] = new FieldValue(c.name(), values.read(rs, mod + 1 + k, c, fieldKinds[k]));
        }
        // An immutable list, which ExternalRecord keeps as it is: a wrapped array would be copied once more per row.
        return new ExternalRecord(id, readMod(rs, mod), List.of(fields));
    }

    /**
     * Writes the current row of a result selected with {@link #selectList()} into {@code out}: the parts of the record
     * {@link #map} gives, without building it.
     *
     * @return the record's id
     */
    public String encode(ResultSet rs, RecordText out) throws SQLException {
        String id = readId(rs, 1);
        out.id(id);
        int mod = modIndex();
        if (modUtc) {
            out.modifiedAtUtc(values.utcWallTime(rs, mod, table.modColumn()));
        } else {
            out.modifiedAt(readMod(rs, mod));
        }
        for (int k = 0; k < fieldColumns.length; k++) {
            values.encode(rs, mod + 1 + k, fieldColumns[k], fieldKinds[k], out);
        }
        return id;
    }

    /** Reads a modification time, in the zone of the table's modification column ({@link Table#modZone()}). */
    public Instant readMod(ResultSet rs, int index) throws SQLException {
        return values.readInstant(rs, index, table.modColumn(), table.modZone());
    }

    /** Binds an instant compared with or stored into the modification column, in that column's zone. */
    public void bindMod(PreparedStatement ps, int index, Instant i) throws SQLException {
        ValueCodec.bindInstant(ps, index, i, table.modZone());
    }

    /** Reads the id columns starting at {@code first} and encodes them. */
    public String readId(ResultSet rs, int first) throws SQLException {
        List<Column> ids = table.idColumns();
        if (ids.size() == 1) {
            return values.read(rs, first, ids.get(0), idKinds[0]); // RecordId: a single column's id is its value
        }
        List<String> parts = new ArrayList<>(ids.size());
        for (int k = 0; k < ids.size(); k++) {
            parts.add(values.read(rs, first + k, ids.get(k), idKinds[k]));
        }
        return RecordId.encode(parts);
    }

    /**
     * Checks an external id against the id columns ({@link ValueCodec#checkLookup}: an id is found by any value its
     * columns can hold, control characters included) without touching the database:
     * callers do this before they take a connection, so an id that cannot exist (a million digits for a
     * BIGINT) costs a scan of its text and nothing more. Refused the way any unusable id is: INVALID_VALUE.
     */
    public void checkId(String id) throws ValueCodec.BadValueException {
        checkId(values, table, id);
    }

    /** {@link #checkId(String)} for a table without a mapper. */
    public static void checkId(ValueCodec values, Table table, String id) throws ValueCodec.BadValueException {
        List<String> parts = decode(table, id);
        for (int k = 0; k < parts.size(); k++) {
            Column c = table.idColumns().get(k);
            values.checkLookup(c, table.kind(c), parts.get(k));
        }
    }

    /**
     * Binds an external id to the placeholders of {@link #idWhere()} starting at {@code first}.
     *
     * @return the next placeholder index
     */
    public int bindId(PreparedStatement ps, int first, String id) throws SQLException, ValueCodec.BadValueException {
        List<String> parts = decode(table, id);
        int i = first;
        for (int k = 0; k < parts.size(); k++) {
            Column c = table.idColumns().get(k);
            values.bindLookup(ps, i++, c, table.kind(c), parts.get(k));
        }
        return i;
    }

    private static List<String> decode(Table table, String id) throws ValueCodec.BadValueException {
        try {
            return RecordId.decode(id, table.idColumns().size());
        } catch (IllegalArgumentException e) {
            throw new ValueCodec.BadValueException("bad id " + Catalog.quoteForMessage(id) + ": " + e.getMessage());
        }
    }
}
