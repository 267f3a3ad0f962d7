package org.esabridge.jdbc.changes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.esabridge.jdbc.DeleteStrategy;
import org.esabridge.jdbc.catalog.Catalog;
import org.esabridge.jdbc.catalog.CatalogLoader;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.ForeignKeyLink;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides which triggers the adapter keeps in the schema, and keeps them there. They are
 * needed in every capture mode: InnoDB runs foreign-key cascades inside the storage engine, where they fire
 * no trigger and write no binary-log row, so only a trigger on the <em>parent</em>, run before the cascade,
 * can record what the cascade will do. Rows inserted into {@code esa_tombstone} mean "deleted", rows inserted
 * into {@code esa_touched} "changed without its modification column"; in binlog capture those inserts are
 * themselves row events.
 *
 * <ul>
 *   <li>{@code esa_del_<t>} AFTER DELETE on every exposed table with delete strategy {@code tombstone}: a
 *       tombstone for the deleted row (also for the delete half of {@code REPLACE INTO}). Only on tables that are
 *       polled: for a table the binary log captures the log has every delete, and the trigger would only cost
 *       each of the user's DELETEs a write (one left by an earlier polling run keeps firing, harmlessly). A table
 *       whose ids the log cannot spell ({@code capture.RowIdDecoder}) is polled in binlog mode too.</li>
 *   <li>{@code esa_key_<t>} AFTER UPDATE on the same tables: when the id changes, a tombstone for the old id
 *       and a touch for the new one (its modification column need not move). Polled tables only: the log's
 *       before and after images show a key change.</li>
 *   <li>{@code esa_cd_<p>} BEFORE DELETE on every table {@code p} whose deletion cascades into an exposed
 *       structure, followed through chains of {@code ON DELETE CASCADE} up to {@value #MAX_DEPTH} levels:
 *       tombstones for the children it deletes, touches for those it sets to NULL.</li>
 *   <li>{@code esa_cu_<p>} BEFORE UPDATE on every table whose referenced columns an exposed child follows
 *       ({@code ON UPDATE CASCADE / SET NULL}): when they change, a touch for each child, and when the child's
 *       own id changes with them, a tombstone for its old id.</li>
 * </ul>
 *
 * <p>Children in tables that are not exposed are passed through (a chain may lead through them) but never
 * recorded. A trigger whose text differs from the plan (the schema's keys changed) is replaced in one step;
 * one of ours found on another table (a RENAME swap carried it away) is moved back. Every {@link #ensure}
 * reads the schema's triggers afresh: nothing is remembered in memory.
 */
public final class CaptureTriggers {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureTriggers.class);
    /** How many levels of ON DELETE CASCADE a parent's trigger follows (a self-referencing tree: its depth). */
    static final int MAX_DEPTH = 4;

    /** One trigger as planned. */
    public record Trigger(String name, String table, String timing, String event, String body) {
    }

    /**
     * What {@link #ensure} found and did.
     *
     * @param failed      tables without a delete trigger, which could not be installed, with the database's
     *                    error code
     * @param created     tables whose delete trigger was created now: new ones, and ones whose trigger was
     *                    missing (the table was dropped and created again, or renamed away)
     * @param otherFailed the other triggers (cascade, key-change) missing and not installable, by name, with the
     *                    database's error code
     */
    public record Outcome(Map<String, Integer> failed, Set<String> created, Map<String, Integer> otherFailed) {
    }

    private final Dialect dialect;
    private final StateTables state;

    public CaptureTriggers(Dialect dialect, StateTables state) {
        this.dialect = dialect;
        this.state = state;
    }

    /** {@code esa_del_<table>}: the delete trigger whose presence means a table's deletions are captured. */
    public static String deleteTriggerName(String table) {
        return CatalogLoader.esaName("esa_del_", table);
    }

    /**
     * Every trigger the catalog calls for, by name.
     *
     * @param logged whether a table's changes come from the binary log (binlog mode, and ids the log can spell)
     */
    public Map<String, Trigger> plan(Catalog catalog, Predicate<Table> logged) {
        Map<String, Trigger> plan = new LinkedHashMap<>();
        for (Table t : catalog.tables()) {
            if (logged.test(t) || t.deleteStrategy().kind() != DeleteStrategy.Kind.TOMBSTONE) {
                continue;
            }
            String old = dialect.idText(t, c -> "OLD." + dialect.quote(c.name()));
            String fresh = dialect.idText(t, c -> "NEW." + dialect.quote(c.name()));
            add(plan, new Trigger(deleteTriggerName(t.name()), t.name(), "AFTER", "DELETE",
                    dialect.triggerBody(null, List.of(tombstoneValues(t, old)))));
            List<String> olds = new ArrayList<>();
            List<String> news = new ArrayList<>();
            for (Column c : t.idColumns()) {
                olds.add("OLD." + dialect.quote(c.name()));
                news.add("NEW." + dialect.quote(c.name()));
            }
            // The new id needs a touch only when the modification column stayed as it was (set explicitly, or no
            // ON UPDATE): otherwise getModified finds it anyway, and a touch would only repeat it.
            String touch = touchedValues(t, fresh);
            if (t.versionTable() == null) {
                String mod = dialect.quote(t.modColumn().name());
                touch = dialect.conditional("NOT " + dialect.differ(List.of("OLD." + mod), List.of("NEW." + mod)), touch);
            }
            add(plan, new Trigger(CatalogLoader.esaName("esa_key_", t.name()), t.name(), "AFTER", "UPDATE",
                    dialect.triggerBody(dialect.differ(olds, news), List.of(tombstoneValues(t, old), touch))));
            if (dialect.truncateTriggers()) {
                // The deletion horizon moves as the TRUNCATE happens (TableIdentity finds it only afterwards).
                add(plan, new Trigger(CatalogLoader.esaName("esa_tr_", t.name()), t.name(), "AFTER", "TRUNCATE",
                        dialect.triggerBody(null, List.of("UPDATE " + state.structure() + " SET tracking_since = " + dialect.now()
                                + " WHERE table_name = " + dialect.literal(t.name())))));
            }
        }
        Set<String> parents = new TreeSet<>();
        catalog.foreignKeys().forEach(fk -> parents.add(fk.refTable()));
        for (String parent : parents) {
            if (parent.toLowerCase(java.util.Locale.ROOT).startsWith("esa_")) {
                continue;
            }
            List<String> onDelete = new ArrayList<>();
            followDeletes(catalog, parent, List.of(), onDelete, logged);
            if (!onDelete.isEmpty()) {
                add(plan, new Trigger(CatalogLoader.esaName("esa_cd_", parent), parent, "BEFORE", "DELETE",
                        dialect.triggerBody(null, onDelete)));
            }
            Trigger onUpdate = updateTrigger(catalog, parent, logged);
            if (onUpdate != null) {
                add(plan, onUpdate);
            }
        }
        return plan;
    }

    private static void add(Map<String, Trigger> plan, Trigger t) {
        plan.put(t.name(), t);
    }

    private String tombstoneValues(Table t, String id) {
        return "INSERT INTO " + state.tombstone() + " (table_name, row_id, deleted_at) VALUES (" + dialect.literal(t.name())
                + ", " + id + ", " + dialect.now() + ")";
    }

    private String touchedValues(Table t, String id) {
        return "INSERT INTO " + state.touched() + " (table_name, row_id, touched_at) VALUES (" + dialect.literal(t.name())
                + ", " + id + ", " + dialect.now() + ")";
    }

    /**
     * Statements recording what deleting a row of {@code parent} (reached by {@code path}, the keys followed
     * from the trigger's table, empty at the start) does to the tables that refer to it.
     */
    private void followDeletes(Catalog catalog, String parent, List<ForeignKeyLink> path, List<String> out,
                               Predicate<Table> logged) {
        if (path.size() >= MAX_DEPTH) {
            return;
        }
        for (ForeignKeyLink fk : catalog.foreignKeys()) {
            if (!fk.refTable().equals(parent) || !(fk.deletesChildren() || fk.changesChildrenOnDelete())) {
                continue;
            }
            List<ForeignKeyLink> longer = new ArrayList<>(path);
            longer.add(fk);
            Table child = catalog.find(fk.table());
            if (child != null && child.name().equals(fk.table()) && !cascadeInTheLog(child, logged)) {
                if (fk.deletesChildren() && child.deleteStrategy().kind() == DeleteStrategy.Kind.TOMBSTONE) {
                    if (!dialect.cascadesFireTriggers()) {
                        // Otherwise the child's own delete trigger records the cascaded delete.
                        out.add(insertSelect(state.tombstone(), "deleted_at", child, longer));
                    }
                } else if (fk.changesChildrenOnDelete()) {
                    out.add(insertSelect(state.touched(), "touched_at", child, longer));
                }
            }
            if (fk.deletesChildren()) {
                followDeletes(catalog, fk.table(), longer, out, logged);
            }
        }
    }

    /**
     * Whether the log itself has what a cascade does to {@code child}: where a cascade runs as the child's own row
     * changes (its triggers fire, its rows are in the log), a logged child needs no parent's trigger. InnoDB's
     * cascades fire no trigger and write no binary-log row, so there the parent's triggers stay.
     */
    private boolean cascadeInTheLog(Table child, Predicate<Table> logged) {
        return dialect.cascadesFireTriggers() && logged.test(child);
    }

    /**
     * {@code INSERT INTO <into> SELECT '<child>', <child's id>, now FROM <child> c<n> JOIN … c1 WHERE c1 refers
     * to OLD}: the rows at the end of {@code path}, joined back to the trigger's row.
     */
    private String insertSelect(String into, String timeColumn, Table child, List<ForeignKeyLink> path) {
        int last = path.size();
        StringBuilder from = new StringBuilder(dialect.quote(path.get(last - 1).table()) + " c" + last);
        for (int i = last - 1; i >= 1; i--) {
            // c(i+1) refers to c(i) through path[i].
            ForeignKeyLink fk = path.get(i);
            from.append(" JOIN ").append(dialect.quote(fk.refTable())).append(" c").append(i).append(" ON ")
                    .append(match("c" + (i + 1), fk.columns(), "c" + i, fk.refColumns()));
        }
        ForeignKeyLink first = path.get(0);
        String where = match("c1", first.columns(), "OLD", first.refColumns());
        String id = dialect.idText(child, c -> "c" + last + "." + dialect.quote(c.name()));
        return "INSERT INTO " + into + " (table_name, row_id, " + timeColumn + ") SELECT " + dialect.literal(child.name())
                + ", " + id + ", " + dialect.now() + " FROM " + from + " WHERE " + where;
    }

    private String match(String alias, List<String> columns, String refAlias, List<String> refColumns) {
        List<String> parts = new ArrayList<>();
        for (int k = 0; k < columns.size(); k++) {
            parts.add(alias + "." + dialect.quote(columns.get(k)) + " = " + refAlias + "." + dialect.quote(refColumns.get(k)));
        }
        return String.join(" AND ", parts);
    }

    /**
     * The BEFORE UPDATE trigger of a parent whose referenced columns exposed children follow, or null. One level:
     * a child's columns changed by the cascade are not followed further.
     */
    private Trigger updateTrigger(Catalog catalog, String parent, Predicate<Table> logged) {
        List<String> statements = new ArrayList<>();
        Set<String> watched = new TreeSet<>();
        for (ForeignKeyLink fk : catalog.foreignKeys()) {
            Table child = catalog.find(fk.table());
            if (!fk.refTable().equals(parent) || !fk.changesChildrenOnUpdate() || child == null
                    || !child.name().equals(fk.table()) || cascadeInTheLog(child, logged)) {
                continue;
            }
            watched.addAll(fk.refColumns());
            String where = match("c1", fk.columns(), "OLD", fk.refColumns());
            List<String> old = new ArrayList<>();
            List<String> fresh = new ArrayList<>();
            for (int k = 0; k < fk.columns().size(); k++) {
                old.add("OLD." + dialect.quote(fk.refColumns().get(k)));
                fresh.add("NEW." + dialect.quote(fk.refColumns().get(k)));
            }
            boolean keyMoves = child.idColumns().stream().anyMatch(c -> fk.columns().contains(c.name()));
            String from = " FROM " + dialect.quote(child.name()) + " c1 WHERE " + where + " AND " + dialect.differ(old, fresh);
            String oldId = dialect.idText(child, c -> "c1." + dialect.quote(c.name()));
            if (keyMoves && child.deleteStrategy().kind() == DeleteStrategy.Kind.TOMBSTONE) {
                statements.add("INSERT INTO " + state.tombstone() + " (table_name, row_id, deleted_at) SELECT "
                        + dialect.literal(child.name()) + ", " + oldId + ", " + dialect.now() + from);
            }
            // The id the child has after the cascade: its referring columns take the parent's new values.
            Map<String, String> moved = new HashMap<>();
            for (int k = 0; k < fk.columns().size(); k++) {
                moved.put(fk.columns().get(k), fk.updateRule().equals("CASCADE")
                        ? "NEW." + dialect.quote(fk.refColumns().get(k)) : "NULL");
            }
            String newId = dialect.idText(child, c -> moved.getOrDefault(c.name(), "c1." + dialect.quote(c.name())));
            statements.add("INSERT INTO " + state.touched() + " (table_name, row_id, touched_at) SELECT "
                    + dialect.literal(child.name()) + ", " + newId + ", " + dialect.now() + from);
        }
        if (statements.isEmpty()) {
            return null;
        }
        List<String> olds = new ArrayList<>();
        List<String> news = new ArrayList<>();
        for (String col : watched) {
            olds.add("OLD." + dialect.quote(col));
            news.add("NEW." + dialect.quote(col));
        }
        return new Trigger(CatalogLoader.esaName("esa_cu_", parent), parent, "BEFORE", "UPDATE",
                dialect.triggerBody(dialect.differ(olds, news), statements));
    }

    /**
     * Makes the schema's adapter triggers match the plan: creates missing ones, replaces changed ones, moves ones
     * found on another table. A trigger that cannot be created (most often: no TRIGGER privilege) is logged and
     * reported; the others go on.
     */
    public Outcome ensure(Connection c, Catalog catalog, Predicate<Table> logged) throws SQLException {
        Outcome[] outcome = new Outcome[1];
        TriggerDdl.run(c, dialect, () -> outcome[0] = ensureUnderTriggerMode(c, catalog, logged));
        return outcome[0];
    }

    private Outcome ensureUnderTriggerMode(Connection c, Catalog catalog, Predicate<Table> logged) throws SQLException {
        Map<String, String[]> existing = existing(c);
        Map<String, Integer> failed = new LinkedHashMap<>();
        Map<String, Integer> otherFailed = new java.util.TreeMap<>();
        Set<String> created = new TreeSet<>();
        for (Trigger t : plan(catalog, logged).values()) {
            String[] found = existing.get(t.name());
            boolean deleteTrigger = t.name().equals(deleteTriggerName(t.table()));
            if (inPlace(t, found)) {
                continue;
            }
            try (Statement s = c.createStatement()) {
                if (found != null && !found[0].equals(t.table())) {
                    LOG.warn("trigger {} was found on table {} instead of {} (renamed tables?); moved back", t.name(),
                            found[0], t.table());
                    s.execute(dialect.dropTriggerSql(t.name()));
                    found = null;
                }
                s.execute(dialect.createTriggerSql(t.name(), t.timing(), t.event(), t.table(), t.body(), found != null));
                if (found == null && deleteTrigger) {
                    created.add(t.table());
                }
            } catch (SQLException e) {
                if (deleteTrigger && found == null) {
                    // Missing, not merely out of date: the table's deletions are not being captured.
                    failed.put(t.table(), e.getErrorCode());
                } else if (found == null) {
                    otherFailed.put(t.name(), e.getErrorCode());
                }
                // Most often the TRIGGER privilege is missing; the adapter says so once (its start summary, or a
                // warning for a table that fails later), not at every reload.
                LOG.debug("could not install trigger {} on {}: {}", t.name(), t.table(), e.getMessage());
            }
        }
        return new Outcome(failed, created, otherFailed);
    }

    /**
     * Whether every planned trigger is in place as planned, so that {@link #ensure} would change nothing: a
     * catalog reload then needs no DDL (and no cluster-wide lease for it).
     */
    public boolean inPlace(Connection c, Catalog catalog, Predicate<Table> logged) throws SQLException {
        Map<String, String[]> existing = existing(c);
        return plan(catalog, logged).values().stream().allMatch(t -> inPlace(t, existing.get(t.name())));
    }

    private boolean inPlace(Trigger t, String[] found) {
        return found != null && found[0].equals(t.table()) && found[1].trim().equals(t.body().trim())
                && TriggerDdl.modeInPlace(dialect, found[2]);
    }

    /** Whether the table's delete trigger is in place, so that its tombstones record every delete. */
    public boolean deleteTriggerInPlace(Connection c, String table) throws SQLException {
        String[] found = existing(c).get(deleteTriggerName(table));
        return found != null && found[0].equals(table);
    }

    /** The schema's adapter triggers now: name → (table, body, sql_mode). */
    private Map<String, String[]> existing(Connection c) throws SQLException {
        Map<String, String[]> existing = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(dialect.adapterTriggersSql()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                existing.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
            }
        }
        return existing;
    }
}
