package org.esabridge.jdbc.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.esabridge.jdbc.capture.ChangeIndex;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.changes.IndexedChanges;
import org.esabridge.jdbc.dialect.StateTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tables that join the publication while capture runs: created, recreated or first served after the start, or found
 * in the publication without a mark of when they joined it (added by hand, {@code ALTER PUBLICATION … ADD TABLE}, by
 * an administrator while they were polled). Such a table is polled (its triggers, its modification column) until the
 * change index holds every change of it from a marked moment on; then it is read from the index like the others, and
 * for an earlier {@code after} as before the index's horizon (the whole table, deletions refused:
 * {@link IndexedChanges#JOINED}).
 *
 * <p>Every table the log captures therefore has a mark in the index: the tables published when the index began get
 * one at its beginning ({@link #markFromTheStart}), the others when they join. A published table without one is not
 * known to be in the index from any moment on, and joins.
 *
 * <p>Two marks, each a transactional logical message the reader turns into the table's marker entry: one in the
 * transaction that adds the table to the publication ({@link IndexedChanges#JOIN_BEGUN}: a read still reads nothing
 * earlier from the index), and one once every transaction that ran at that moment has ended
 * ({@link IndexedChanges#JOINED}) — a transaction begun before the table was published may have its changes decoded
 * as unpublished, so the index is complete only after the last of them. The table is let go when the second mark is
 * in the index. Only the second is a horizon: a start that finds a join begun and not completed (the adapter stopped
 * between the two) joins the table again.
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

    /**
     * Marks tables published before the index began (its first start) as captured from its beginning: a mark at
     * {@link IndexedChanges#BEGINNING}, which no read's {@code after} precedes, so it changes no answer; it only tells
     * a later start that these tables need not join.
     */
    void markFromTheStart(Connection c, Collection<String> tables) throws SQLException {
        MessageDigest rowHash;
        try {
            rowHash = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + changeTable + " (table_name, row_hash, row_id,"
                + " kind, stamp, seq) VALUES (?, ?, ?, '" + IndexedChanges.JOINED + "', ?, 0) ON CONFLICT DO NOTHING")) {
            for (String table : tables) {
                ChangeIndex.Key marker = ChangeIndex.Key.marker(table);
                ps.setString(1, table);
                ps.setBytes(2, marker.hash(rowHash));
                ps.setString(3, marker.storedId());
                ps.setObject(4, LocalDateTime.ofInstant(IndexedChanges.BEGINNING, ZoneOffset.UTC));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Whether the index marks when the table joined the log (or its TRUNCATE, which takes the mark's place); a join
     * begun but not completed ({@link IndexedChanges#JOIN_BEGUN}: the adapter stopped between the two marks) is none,
     * so the table joins again.
     */
    boolean marked(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + changeTable + " WHERE table_name = ?"
                + " AND kind IN ('" + IndexedChanges.JOINED + "', '" + IndexedChanges.TRUNCATED + "') LIMIT 1")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * A table already in the publication that the index has no completed mark for (added by hand, or its join stopped
     * between the two marks): joins as one this class
     * adds, without the {@code ALTER PUBLICATION}. Its changes since it was added are in the log, but not in the
     * index, which ignored them while the table was polled.
     */
    void joinPublished(Connection c, String table) throws SQLException {
        long waitXmax = snapshot(c, "pg_snapshot_xmax");
        mark(c, table, PgLogReader.JOIN_BEGUN_PREFIX);
        joining.put(table, new Join(waitXmax, null));
        LOG.warn("log capture: {} is in publication {} but the change index has no mark of when it joined (added by"
                + " hand, or its join was stopped before it completed?); it is polled until the log has every change of it, and a read from before that reads it"
                + " whole", table, publication);
    }

    /** Adds the table to the publication, with its first mark in the same transaction. */
    void join(Connection c, String table) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("ALTER PUBLICATION " + PostgresDialect.quoteIdent(publication) + " ADD TABLE "
                    + PostgresDialect.quoteIdent(schema) + "." + PostgresDialect.quoteIdent(table));
            mark(c, table, PgLogReader.JOIN_BEGUN_PREFIX);
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
            if (j.firstMark() == null) {
                Instant begun = markedAt(c, table, IndexedChanges.JOIN_BEGUN);
                if (begun != null && snapshot(c, "pg_snapshot_xmin") >= j.waitXmax()) {
                    mark(c, table, PgLogReader.JOINED_PREFIX);
                    joining.put(table, new Join(j.waitXmax(), begun));
                }
                continue;
            }
            Instant marked = markedAt(c, table, IndexedChanges.JOINED);
            if (marked != null && marked.isAfter(j.firstMark())) {
                joining.remove(table);
                LOG.info("log capture: {} is read from the log from now on", table);
            }
        }
    }

    private static void mark(Connection c, String table, String prefix) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_logical_emit_message(true, ?, '')")) {
            ps.setString(1, prefix + table);
            ps.execute();
        }
    }

    /**
     * The stamp of the table's mark of that kind in the index (or of a TRUNCATE's, which takes its place), null when
     * none.
     */
    private Instant markedAt(Connection c, String table, char kind) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(stamp) FROM " + changeTable + " WHERE table_name = ?"
                + " AND kind IN ('" + kind + "', '" + IndexedChanges.TRUNCATED + "')")) {
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
