package org.esabridge.jdbc.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.changes.IndexedChanges;
import org.esabridge.jdbc.dialect.StateTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tables that join the publication while capture runs: created, recreated or first served after the start. Such a
 * table is polled (its triggers, its modification column) until the change index holds every change of it from a
 * marked moment on; then it is read from the index like the others, and for an earlier {@code after} as before the
 * index's horizon (the whole table, deletions refused: {@link IndexedChanges#JOINED}).
 *
 * <p>Two marks, each a transactional logical message the reader turns into the table's {@code J} entry: one in the
 * transaction that adds the table to the publication (so that a restart before the second still reads nothing
 * earlier from the index), and one once every transaction that ran at that moment has ended — a transaction begun
 * before the table was published may have its changes decoded as unpublished, so the index is complete only after
 * the last of them. The table is let go when the second mark is in the index.
 */
final class PgLogJoins {
    private static final Logger LOG = LoggerFactory.getLogger(PgLogJoins.class);

    /**
     * A table on its way: {@code waitXmax} the transaction ids that may have run when it joined end below this;
     * {@code firstMark} the stamp of its first mark once indexed and the second written, else null.
     */
    private record Join(long waitXmax, Instant firstMark) {
    }

    private final String publication;
    private final String schema;
    private final String changeTable;
    private final Map<String, Join> joining = new ConcurrentHashMap<>();

    PgLogJoins(String publication, String schema, StateTables state) {
        this.publication = publication;
        this.schema = schema;
        this.changeTable = state.change();
    }

    boolean contains(String table) {
        return joining.containsKey(table);
    }

    Set<String> tables() {
        return Set.copyOf(joining.keySet());
    }

    /** Adds the table to the publication, with its first mark in the same transaction. */
    void join(Connection c, String table) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("ALTER PUBLICATION " + PostgresDialect.quoteIdent(publication) + " ADD TABLE "
                    + PostgresDialect.quoteIdent(schema) + "." + PostgresDialect.quoteIdent(table));
            mark(c, table);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
        joining.put(table, new Join(snapshot(c, "pg_snapshot_xmax"), null));
        LOG.info("log capture: {} joined publication {}; it is polled until the log has every change of it", table,
                publication);
    }

    /**
     * Moves each joining table on: the second mark once the transactions of its joining moment have ended and the
     * first mark is indexed; the table let go once the second is indexed too.
     */
    void advance(Connection c) throws SQLException {
        for (Map.Entry<String, Join> e : joining.entrySet()) {
            String table = e.getKey();
            Join j = e.getValue();
            Instant marked = markedAt(c, table);
            if (j.firstMark() == null) {
                if (marked != null && snapshot(c, "pg_snapshot_xmin") >= j.waitXmax()) {
                    mark(c, table);
                    joining.put(table, new Join(j.waitXmax(), marked));
                }
            } else if (marked != null && marked.isAfter(j.firstMark())) {
                joining.remove(table);
                LOG.info("log capture: {} is read from the log from now on", table);
            }
        }
    }

    private static void mark(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_logical_emit_message(true, ?, '')")) {
            ps.setString(1, PgLogReader.JOINED_PREFIX + table);
            ps.execute();
        }
    }

    /** The stamp of the table's mark in the index (or of a TRUNCATE's, which takes its place), null when none. */
    private Instant markedAt(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(stamp) FROM " + changeTable + " WHERE table_name = ?"
                + " AND kind IN ('" + IndexedChanges.JOINED + "', '" + IndexedChanges.TRUNCATED + "')")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? ValueCodec.readInstant(rs, 1) : null;
            }
        }
    }

    private static long snapshot(Connection c, String function) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + function + "(pg_current_snapshot())::text::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
