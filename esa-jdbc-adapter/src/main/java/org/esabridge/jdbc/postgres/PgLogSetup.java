package org.esabridge.jdbc.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.Table;

/**
 * What PostgreSQL's log capture needs on the server, found and made by SQL: the server's and the account's
 * readiness (each lack with its remedy), the publication over the served tables and {@code esa_fence}, the
 * logical replication slot, each table's {@code REPLICA IDENTITY}, and their removal on uninstall.
 */
final class PgLogSetup {
    /** SQLSTATE duplicate_object: another node created the publication or added the table first. */
    private static final String DUPLICATE_OBJECT = "42710";

    private PgLogSetup() {
    }

    /** The slot as pg_replication_slots shows it, or null when there is none of that name in this database. */
    record Slot(long confirmedLsn, boolean active, Integer activePid, String walStatus) {
    }

    /**
     * The slot's name: the configured one, else {@code esa_bridge_<database>} (slot names are per server, so two
     * databases of one server served by two installs do not meet).
     */
    static String slotName(Connection c, String configured) throws SQLException {
        if (!configured.isEmpty()) {
            return configured;
        }
        String db = stringOf(c, "SELECT current_database()").toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        String name = "esa_bridge_" + db;
        return name.length() <= 63 ? name : name.substring(0, 63);
    }

    /** The publication's name: the configured one, else {@code esa_bridge}. */
    static String publicationName(String configured) {
        return configured.isEmpty() ? "esa_bridge" : configured;
    }

    /** What log capture lacks here, each with its remedy (empty: it can run). */
    static List<String> missing(Connection c, String slot, String publication) throws SQLException {
        List<String> missing = new ArrayList<>();
        int version = intOf(c, "SELECT current_setting('server_version_num')::int");
        if (version < 140000) {
            missing.add("PostgreSQL " + version / 10000 + " has no logical messages in pgoutput (14 or later needed)");
            return missing;
        }
        String walLevel = stringOf(c, "SELECT current_setting('wal_level')");
        if (!"logical".equals(walLevel)) {
            missing.add("wal_level is " + walLevel + ": set wal_level = logical (Amazon RDS/Aurora: the parameter"
                    + " rds.logical_replication = 1) and restart the server");
        }
        boolean replication = boolOf(c, "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user")
                || boolOf(c, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_replication')"
                        + " AND pg_has_role(current_user, 'rds_replication', 'member')");
        if (!replication) {
            missing.add("the account has no REPLICATION attribute: ALTER ROLE " + stringOf(c, "SELECT quote_ident(current_user)")
                    + " REPLICATION (Amazon RDS: GRANT rds_replication TO it)");
        }
        if (slot(c, slot) == null && intOf(c, "SELECT current_setting('max_replication_slots')::int")
                <= intOf(c, "SELECT count(*)::int FROM pg_replication_slots")) {
            missing.add("no free replication slot: raise max_replication_slots (and max_wal_senders) and restart");
        }
        if (!publicationExists(c, publication)
                && !boolOf(c, "SELECT has_database_privilege(current_database(), 'CREATE')")) {
            missing.add("the account may not create a publication: GRANT CREATE ON DATABASE "
                    + stringOf(c, "SELECT quote_ident(current_database())") + " TO it");
        }
        return missing;
    }

    static Slot slot(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT confirmed_flush_lsn::text, active, active_pid, wal_status"
                + " FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                int pid = rs.getInt(3);
                return new Slot(lsn(rs.getString(1)), rs.getBoolean(2), rs.wasNull() ? null : pid, rs.getString(4));
            }
        }
    }

    /**
     * Creates the slot; its consistent point is where the stream starts. Waits for transactions running now to end
     * (PostgreSQL's own rule for a logical slot), so a start beside a long transaction waits for it.
     */
    static long createSlot(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT lsn::text FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return lsn(rs.getString(1));
            }
        }
    }

    /** Creates the publication with {@code esa_fence} in it unless it exists. */
    static void ensurePublication(Connection c, String publication, String stateSchema) throws SQLException {
        if (publicationExists(c, publication)) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE PUBLICATION " + PostgresDialect.quoteIdent(publication) + " FOR TABLE "
                    + PostgresDialect.quoteIdent(stateSchema) + ".esa_fence");
        } catch (SQLException e) {
            if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    /**
     * The tables of {@code schema} in the publication. {@code pg_publication_tables} lists a partitioned table's
     * partitions, not itself (its changes are published as theirs: {@code publish_via_partition_root} is off), so a
     * partitioned table counts as published when it is itself a member ({@code pg_publication_rel}).
     */
    static Set<String> published(Connection c, String publication, String schema) throws SQLException {
        Set<String> names = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT tablename FROM pg_publication_tables WHERE pubname = ?"
                + " AND schemaname = ? UNION SELECT t.relname FROM pg_publication_rel r"
                + " JOIN pg_publication p ON p.oid = r.prpubid JOIN pg_class t ON t.oid = r.prrelid"
                + " JOIN pg_namespace n ON n.oid = t.relnamespace WHERE p.pubname = ? AND n.nspname = ?"
                + " AND t.relkind = 'p'")) {
            ps.setString(1, publication);
            ps.setString(2, schema);
            ps.setString(3, publication);
            ps.setString(4, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    static void publish(Connection c, String publication, String schema, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER PUBLICATION " + PostgresDialect.quoteIdent(publication) + " ADD TABLE "
                    + PostgresDialect.quoteIdent(schema) + "." + PostgresDialect.quoteIdent(table));
        } catch (SQLException e) {
            if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    /** Whether the account owns the table (or is a member of the role that does), as adding it to a publication needs. */
    static boolean owns(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_has_role(current_user, c.relowner, 'USAGE')"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * The unlogged ones among the table and, for a partitioned table, its partitions: their changes never reach the
     * write-ahead log, so no publication can carry them (PostgreSQL refuses to add an unlogged table to one, and a
     * partitioned table's unlogged partition would be left out of it silently). Empty when every one is logged.
     */
    static List<String> unlogged(Connection c, String schema, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT p.relname FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " CROSS JOIN LATERAL (SELECT c.oid AS relid UNION SELECT CAST(relid AS OID) FROM pg_partition_tree(c.oid)) t"
                + " JOIN pg_class p ON p.oid = t.relid WHERE n.nspname = ? AND c.relname = ? AND p.relpersistence = 'u'"
                + " ORDER BY 1")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    /** The account's name as SQL spells it. */
    static String quotedCurrentUser(Connection c) throws SQLException {
        return stringOf(c, "SELECT quote_ident(current_user)");
    }

    /**
     * Why the table's deletes and key changes would arrive without its id ({@code REPLICA IDENTITY NOTHING}, or an
     * identity index that does not hold every id column), with the remedy; null when they arrive with it.
     */
    static String identityProblem(Connection c, String schema, Table t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relreplident, (SELECT array_agg(a.attname::text)"
                + " FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
                + " WHERE i.indrelid = c.oid AND ((c.relreplident = 'd' AND i.indisprimary)"
                + " OR (c.relreplident = 'i' AND i.indisreplident)))"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            ps.setString(1, schema);
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "not found in " + schema;
                }
                String identity = rs.getString(1);
                if ("f".equals(identity)) {
                    return null;
                }
                Set<String> keyColumns = new HashSet<>();
                Array a = rs.getArray(2);
                if (a != null) {
                    for (Object o : (Object[]) a.getArray()) {
                        keyColumns.add((String) o);
                    }
                }
                List<String> idColumns = t.idColumns().stream().map(Column::name).toList();
                if (keyColumns.containsAll(idColumns) && !keyColumns.isEmpty()) {
                    return null;
                }
                String what = switch (identity) {
                    case "n" -> "REPLICA IDENTITY NOTHING";
                    case "d" -> "REPLICA IDENTITY DEFAULT without a primary key on its id " + idColumns;
                    default -> "a REPLICA IDENTITY index without its id columns " + idColumns;
                };
                return what + ": its deletes would arrive without their id (remedy: ALTER TABLE "
                        + PostgresDialect.quoteIdent(t.name()) + " REPLICA IDENTITY FULL, or USING INDEX on its id; it"
                        + " joins the log capture at the next catalog reload (startSync))";
            }
        }
    }

    /** Ends the slot's walsender if one holds it, drops the slot and the publication; says what it removed. */
    static List<String> drop(Connection c, String slot, String publication) throws SQLException {
        List<String> removed = new ArrayList<>();
        Slot s = slot(c, slot);
        if (s != null) {
            if (s.activePid() != null) {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
                    ps.setInt(1, s.activePid());
                    ps.execute();
                }
            }
            dropSlotWhenFree(c, slot);
            removed.add("replication slot " + slot);
        }
        if (publicationExists(c, publication)) {
            try (Statement st = c.createStatement()) {
                st.execute("DROP PUBLICATION IF EXISTS " + PostgresDialect.quoteIdent(publication));
            }
            removed.add("publication " + publication);
        }
        return removed;
    }

    /** A terminated walsender lets go of its slot a moment later: retried for up to ten seconds. */
    private static void dropSlotWhenFree(Connection c, String slot) throws SQLException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                ps.setString(1, slot);
                ps.execute();
                return;
            } catch (SQLException e) {
                // 55006 object_in_use: the walsender has not exited yet.
                if (!"55006".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The server's current WAL position and the slot's confirmed one, or null when there is no slot. */
    static long[] positions(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_current_wal_lsn()::text, confirmed_flush_lsn::text"
                + " FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {lsn(rs.getString(1)), lsn(rs.getString(2))} : null;
            }
        }
    }

    /** An LSN's number from its text form {@code X/Y}. */
    static long lsn(String text) {
        if (text == null) {
            return 0;
        }
        int slash = text.indexOf('/');
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    private static boolean publicationExists(Connection c, String publication) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static int intOf(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static boolean boolOf(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static String stringOf(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
