package org.esabridge.jdbc.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalStructure;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * The exposed tables at one moment, replaced as a whole on refresh, with each table's statements
 * ({@link TableSql}): built at a table's first use and kept for this catalog's life, so calls do not build SQL
 * and a refresh, with its new catalog, builds it afresh.
 */
public final class Catalog {
    private final Map<String, Table> tables;
    private final Dialect dialect;
    private final Map<String, TableSql> sql = new ConcurrentHashMap<>();
    private final List<ForeignKeyLink> foreignKeys;
    private final List<String> refusals;
    private final Map<String, String> unserved;

    public Catalog(Map<String, Table> tables, Dialect dialect) {
        this(tables, dialect, List.of(), List.of(), Map.of());
    }

    /**
     * @param foreignKeys every foreign key of the schema, exposed tables or not
     * @param refusals    configuration errors found while loading (tables that cannot be served as configured)
     * @param unserved    the schema's tables that are not served although no pattern leaves them out, each with
     *                    the reason and its remedy
     */
    public Catalog(Map<String, Table> tables, Dialect dialect, List<ForeignKeyLink> foreignKeys, List<String> refusals,
                   Map<String, String> unserved) {
        this.tables = Map.copyOf(tables);
        this.dialect = dialect;
        this.foreignKeys = List.copyOf(foreignKeys);
        this.refusals = List.copyOf(refusals);
        this.unserved = Map.copyOf(unserved);
    }

    /**
     * The schema's tables this catalog does not serve although no include/exclude pattern leaves them out, by
     * name, each with why and what would serve it (the start names them, see {@code CaptureSummary}).
     */
    public Map<String, String> unserved() {
        return new java.util.TreeMap<>(unserved);
    }

    /** Every foreign key of the schema, including those between tables that are not exposed. */
    public List<ForeignKeyLink> foreignKeys() {
        return foreignKeys;
    }

    /** Configuration errors of this load: a start refuses to go on with them, a later reload logs them. */
    public List<String> refusals() {
        return refusals;
    }

    /**
     * A subset of the tables with this catalog's foreign keys and refusals; each table left out must be named in
     * {@code dropped} with its reason.
     */
    public Catalog withTables(Map<String, Table> served, Map<String, String> dropped) {
        Map<String, String> all = new java.util.HashMap<>(unserved);
        all.putAll(dropped);
        return new Catalog(served, dialect, foreignKeys, refusals, all);
    }

    /** The table of a structure, or null. */
    public Table find(String structure) {
        return structure == null ? null : tables.get(structure.trim());
    }

    /** The table of a structure, or {@link ErrorCode#UNKNOWN_STRUCTURE}. */
    public Table table(String structure) throws EsaException {
        Table t = find(structure);
        if (t == null) {
            throw new EsaException(ErrorCode.UNKNOWN_STRUCTURE, "unknown structure " + quoteForMessage(structure));
        }
        return t;
    }

    /** The statements of a structure's table, or {@link ErrorCode#UNKNOWN_STRUCTURE}. */
    public TableSql sql(String structure) throws EsaException {
        Table t = table(structure);
        return sql.computeIfAbsent(t.name(), name -> TableSql.of(t, dialect));
    }

    public List<Table> tables() {
        List<Table> list = new ArrayList<>(tables.values());
        list.sort((a, b) -> a.name().compareTo(b.name()));
        return list;
    }

    public List<ExternalStructure> structures() {
        return tables().stream().map(Table::structure).toList();
    }

    /** Request text echoed into a message: bounded and without control characters. */
    public static String quoteForMessage(String s) {
        if (s == null) {
            return "(none)";
        }
        String t = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return "'" + t.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
