package org.esabridge.jdbc.changes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether each table whose deletions are captured is still the one whose deletions were captured, kept in
 * {@code esa_structure} with the moment capture began ({@code tracking_since}, the deletion horizon of
 * {@link ChangeReader}).
 *
 * <p>TRUNCATE, DROP + CREATE and a RENAME swap remove rows without a single delete trigger firing. A table
 * that is not the one we knew (its creation time, or the storage's table id, changed) or whose delete trigger had
 * to be created again starts its capture afresh: a WARN, and {@code tracking_since} = now, so a
 * {@code getDeleted} asking about an earlier time answers NOT_SUPPORTED and the host compares ids.
 *
 * <p>What shows what: DROP + CREATE and a RENAME swap leave the table without our trigger (it went with the
 * dropped or renamed table) and usually with a new creation time. A TRUNCATE may keep the table's definition and
 * so its creation time (one engine's does); then only the storage's table id ({@link Dialect#tableIdsSql}) tells,
 * which an engine may show only to an account with the privilege the watermark wants too. Without it a TRUNCATE is
 * not noticed (docs/capture-modes.md, "What stays out of reach").
 */
public final class TableIdentity {
    private static final Logger LOG = LoggerFactory.getLogger(TableIdentity.class);

    private final Dialect dialect;
    private final String structure;
    private volatile boolean tableIdsReadable = true;
    private volatile boolean warnedUnreadable;

    public TableIdentity(Dialect dialect, StateTables state) {
        this.dialect = dialect;
        this.structure = state.structure();
    }

    private record Identity(LocalDateTime createTime, Long tableId) {
    }

    /**
     * Records each table's identity and, for a table that changed (or whose delete trigger was created again
     * though it was tracked before), starts its deletion horizon now. Call after the triggers are in place, so
     * that the horizon is never earlier than the first captured delete.
     *
     * @param tables   the tables whose delete trigger is in place
     * @param recreated tables whose delete trigger was just created
     * @param polled    whether any of them is polled: a log that captures a table sees its TRUNCATE itself, so only
     *                  a polled table's TRUNCATE needs the table ids, and only then are unreadable ids worth a warning
     */
    public void check(Connection c, Collection<String> tables, Set<String> recreated, boolean polled)
            throws SQLException {
        if (tables.isEmpty()) {
            return;
        }
        Map<String, Identity> now = current(c);
        if (!tableIdsReadable && polled && !warnedUnreadable) {
            warnedUnreadable = true;
            LOG.warn("without the PROCESS privilege InnoDB's table ids cannot be read, so a TRUNCATE of a synced polled"
                    + " table goes unnoticed and its emptied rows stay on the host; GRANT PROCESS ON *.* to the account");
        }
        Map<String, Identity> known = new HashMap<>();
        Map<String, Boolean> tracked = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name, create_time, table_id FROM " + structure);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tracked.put(rs.getString(1), true);
                known.put(rs.getString(1), new Identity(rs.getObject(2, LocalDateTime.class), rs.getObject(3, Long.class)));
            }
        }
        for (String table : tables) {
            Identity seen = now.getOrDefault(table, new Identity(null, null));
            if (!tracked.containsKey(table)) {
                try (PreparedStatement ps = c.prepareStatement(dialect.insertIfAbsent(structure,
                        "table_name, tracking_since, create_time, table_id", "VALUES (?, " + dialect.now() + ", ?, ?)"))) {
                    bind(ps, table, seen);
                    ps.executeUpdate();
                }
                continue;
            }
            Identity before = known.get(table);
            String change = change(before, seen, recreated.contains(table));
            if (change != null) {
                LOG.warn("table {} {}: its deletions are captured afresh from now on; a getDeleted asking about an"
                        + " earlier time answers NOT_SUPPORTED, so the host compares ids", table, change);
                update(c, "UPDATE " + structure + " SET tracking_since = " + dialect.now()
                        + ", create_time = ?, table_id = ? WHERE table_name = ?", table, seen);
            } else if (!Objects.equals(before, seen)) {
                // First seen with identity columns (an older schema), or an id that just became readable.
                update(c, "UPDATE " + structure + " SET create_time = ?, table_id = ? WHERE table_name = ?", table, seen);
            }
        }
    }

    /**
     * Forgets the capture of tables whose delete trigger is missing and could not be put back: their
     * {@code getDeleted} answers NOT_SUPPORTED (nothing on record) until a trigger is in place again, and then
     * their horizon starts at that moment.
     */
    public void forget(Connection c, Collection<String> tables) throws SQLException {
        for (String table : tables) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + structure + " WHERE table_name = ?")) {
                ps.setString(1, table);
                ps.executeUpdate();
            }
        }
    }

    /** Why the table is not the one we knew, or null. */
    private static String change(Identity before, Identity seen, boolean triggerRecreated) {
        if (triggerRecreated) {
            return "had lost its delete trigger (dropped and created again, or renamed)";
        }
        if (before.createTime() != null && seen.createTime() != null && !before.createTime().equals(seen.createTime())) {
            return "was created again (DROP + CREATE or a RENAME swap)";
        }
        if (before.tableId() != null && seen.tableId() != null && !before.tableId().equals(seen.tableId())) {
            return "was emptied or rebuilt (TRUNCATE, or a table of that name replaced it)";
        }
        return null;
    }

    private static void bind(PreparedStatement ps, String table, Identity id) throws SQLException {
        ps.setString(1, table);
        ps.setObject(2, id.createTime());
        ps.setObject(3, id.tableId());
    }

    private static void update(Connection c, String sql, String table, Identity id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id.createTime());
            ps.setObject(2, id.tableId());
            ps.setString(3, table);
            ps.executeUpdate();
        }
    }

    private Map<String, Identity> current(Connection c) throws SQLException {
        Map<String, LocalDateTime> created = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(dialect.tableCreateTimesSql()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                created.put(rs.getString(1), rs.getObject(2, LocalDateTime.class));
            }
        }
        Map<String, Long> ids = new HashMap<>();
        if (tableIdsReadable) {
            try (PreparedStatement ps = c.prepareStatement(dialect.tableIdsSql()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.put(rs.getString(1), rs.getLong(2));
                }
            } catch (SQLException e) {
                if (!dialect.isMissingPrivilege(e)) {
                    throw e;
                }
                tableIdsReadable = false;
            }
        }
        Map<String, Identity> out = new HashMap<>();
        created.forEach((table, time) -> out.put(table, new Identity(time, ids.get(table))));
        return out;
    }
}
