package org.esabridge.jdbc.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalStructure;

/** The exposed tables at one moment; immutable, replaced as a whole on refresh. */
public final class Catalog {
    private final Map<String, Table> tables;

    public Catalog(Map<String, Table> tables) {
        this.tables = Map.copyOf(tables);
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
