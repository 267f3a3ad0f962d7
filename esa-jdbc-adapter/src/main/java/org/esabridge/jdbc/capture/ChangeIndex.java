package org.esabridge.jdbc.capture;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.esabridge.jdbc.cluster.Lease;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;

/**
 * The log reader's side of the change index: {@code esa_change} (the latest committed change of each row, in
 * commit order) and {@code esa_capture} (where the reader stands), always written together in one transaction, so
 * that a restart continues after the last flushed transaction and never applies one twice or skips one.
 *
 * <p>Each flush is guarded twice: the lease must still be ours ({@link Lease#stillHeld}), and the stored position
 * must be the one this reader last wrote or started from. A deposed reader, or a second reader that got in by a
 * bug, therefore fails its flush instead of writing entries out of order. The lease is checked last, just before the
 * commit: the check locks the lease's row until then, and a flush that took it first (a huge transaction's million
 * rows) kept the leader's own renewals waiting so long that the lease expired under it and its reader stopped.
 *
 * <p>Stamps: each flush gets {@code S = GREATEST(now, last_stamp + 1 µs)}, 1 µs more when that is a whole
 * millisecond, strictly increasing and in the database clock's time domain, the one {@code after} values come from.
 *
 * <p>Engine-neutral: the SQL comes from the {@link org.esabridge.jdbc.dialect.Dialect}, the log's position from a
 * {@link Head} (a GTID list and file, or a single number in {@code binlog_pos}, as the engine's log counts); the
 * progress row is named {@value #NAME} on every engine. Spilling a huge transaction ({@link Spill}) is done by the
 * binary log's reader only.
 */
public final class ChangeIndex {
    static final String NAME = "binlog";
    /** Rows per INSERT: large enough to amortise the round trip, small enough for max_allowed_packet. */
    private static final int ROWS_PER_INSERT = 1000;
    /**
     * Characters of one JSON array of entries ({@link Dialect#upsertChangesFromJson}): a 5000-entry segment of short
     * ids is one statement, and an array stays far below the 16 MiB max_allowed_packet of a default server (it ends
     * one entry past this at most: an id of 64 KiB is 128 Ki hex digits).
     */
    private static final int JSON_CHARS = 1 << 20;
    /** The binary log's server's upsert, for the spilled part of a huge transaction (only that reader spills). */
    private static final String INSERT_TAIL = " ON DUPLICATE KEY UPDATE row_id = VALUES(row_id), kind = VALUES(kind),"
            + " stamp = VALUES(stamp), seq = VALUES(seq)";

    /**
     * A row's change as the index keeps it; {@code rowId} null for the table's marker entry ({@link #marker}).
     */
    public record Key(String table, String rowId) {
        /** The marker's row hash input: not UTF-8, so no id's bytes are it. */
        private static final byte[] MARKER = {(byte) 0xFF};

        /**
         * The table's marker entry (its TRUNCATE, its join): a place of its own, which no row's entry shares — a row
         * may have the empty id, the marker's {@code row_id}.
         */
        public static Key marker(String table) {
            return new Key(table, null);
        }

        /** Whether this is the table's marker entry. */
        public boolean marker() {
            return rowId == null;
        }

        /** The id as {@code row_id} stores it: the marker's is empty (its kind tells it from a row's). */
        public String storedId() {
            return rowId == null ? "" : rowId;
        }

        /** The {@code row_hash}: of the id's UTF-8 bytes, or of bytes no id has for the marker. */
        public byte[] hash(MessageDigest rowHash) {
            return rowHash.digest(rowId == null ? MARKER : rowId.getBytes(StandardCharsets.UTF_8));
        }

        /** About the bytes it takes in memory with its map entry (two per character at most). */
        public long weight() {
            return 96 + 2L * (table.length() + storedId().length());
        }
    }

    /**
     * The part of one transaction the reader wrote to {@code esa_change_spill} while reading it, so as not to hold a
     * huge transaction in memory: nothing of it is in the index until the flush of the transaction's commit.
     *
     * @param id   the transaction's rows there (one reader's, one transaction's); later spills have larger ids
     * @param seqs the order numbers it used, 1..seqs (a row changed again in a later spill is there twice; the
     *             flush applies them in order, so its last change wins)
     */
    public record Spill(long id, long seqs) {
    }

    /** What {@code esa_capture} holds. */
    public record State(BinlogPosition position, Instant since, Instant lastStamp, long lastSeq) {
    }

    /** The stored position is not the one this reader expects, or the lease is lost: stop reading. */
    public static final class LostLeadershipException extends Exception {
        private static final long serialVersionUID = 1L;

        LostLeadershipException(String message) {
            super(message);
        }
    }

    /** How long a fence's marker row may stay unseen before its stamp is given up on (its waiters are long gone). */
    private static final long LATE_FENCE_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(10);

    /** A fence passed by a flush that could not see its marker row yet: the stamp it answers. */
    private record LateFence(Instant stamp, long sinceNanos) {
    }

    private final Map<Long, LateFence> lateFences = new java.util.concurrent.ConcurrentHashMap<>();
    private final Lease lease;
    private final StateTables state;
    private final Dialect dialect;
    private final Head head;
    /** Locks the progress row and reads it with the next stamp: one round trip of each flush's several. */
    private final String lockSql;
    private final String insertUpdates;
    /** The row hash of every table's marker entry ({@link Key#marker}), a parameter of the JSON upsert. */
    private final byte[] markerHash;
    /** The dialect's {@link Dialect#upsertChangesFromJson} for this server, or null; asked at the first flush. */
    private String upsertFromJson;
    private boolean upsertChosen;

    /**
     * @param lease the reader's lease, checked in every write; null only in tests of a single reader
     * @param head  reads the log's current end (for the first start and for a gap)
     */
    public ChangeIndex(Lease lease, StateTables state, Head head) {
        this.lease = lease;
        this.state = state;
        this.dialect = state.dialect();
        this.head = head;
        this.lockSql = "SELECT gtid_position, binlog_file, binlog_pos, since, last_stamp, last_seq, GREATEST("
                + dialect.now() + ", " + dialect.plus("last_stamp", "1", java.time.temporal.ChronoUnit.MICROS) + ") FROM "
                + state.capture() + " WHERE name = ? FOR UPDATE";
        this.insertUpdates = "row_id = " + dialect.inserted("row_id") + ", kind = " + dialect.inserted("kind")
                + ", stamp = " + dialect.inserted("stamp") + ", seq = " + dialect.inserted("seq");
        this.markerHash = Key.marker("").hash(rowHash());
    }

    /** The log's current end, as the engine spells it. */
    @FunctionalInterface
    public interface Head {
        BinlogPosition read(Connection c) throws SQLException;
    }

    /** The stored state, or null before the first start. */
    public State load(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT gtid_position, binlog_file, binlog_pos, since, last_stamp,"
                + " last_seq FROM " + state.capture() + " WHERE name = ?")) {
            ps.setString(1, NAME);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new State(new BinlogPosition(rs.getString(1), rs.getString(2), rs.getLong(3)), instant(rs, 4),
                        instant(rs, 5), rs.getLong(6));
            }
        }
    }

    /**
     * The stored state; on the first start the binary log's current end, with {@code since} read after it: every
     * transaction the reader will see commits after {@code since}, every earlier one is older than it.
     */
    public State loadOrStart(Connection c) throws SQLException {
        State stored = load(c);
        if (stored != null) {
            return stored;
        }
        BinlogPosition head = this.head.read(c);
        String now = dialect.now();
        try (PreparedStatement ps = c.prepareStatement(dialect.insertIfAbsent(state.capture(), "name, gtid_position,"
                + " binlog_file, binlog_pos, since, last_stamp, last_seq, updated_at",
                "SELECT ?, ?, ?, ?, " + now + ", " + now + ", 0, " + now))) {
            ps.setString(1, NAME);
            ps.setString(2, head.gtid());
            ps.setString(3, head.file());
            ps.setLong(4, head.pos());
            ps.executeUpdate();
        }
        return load(c);
    }

    /**
     * Records that the binary log between the stored position and now cannot be read (purged, or unreadable): the
     * reader goes on from the log's current end and {@code since} moves to a new stamp, so answers for an older
     * {@code after} become a full read (or NOT_SUPPORTED for deletions), never a silent miss.
     */
    public State recordGap(Connection c, State expected) throws SQLException, LostLeadershipException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            Locked locked = lockAndCheck(c, expected);
            State current = locked.current();
            Instant stamp = locked.stamp();
            BinlogPosition head = this.head.read(c);
            writeState(c, new State(head, stamp, stamp, current.lastSeq()));
            // Fences set before the new head will never be read: they are answered with the gap's stamp, which is
            // right, since an 'after' older than since is a full read. The head is read first, so every fence before
            // it has an id at most the one read next. A fence set between the two reads is answered here too, early:
            // still right, because what was committed before it and after the head is stamped later than since,
            // and an 'after' of since reads it from the index. (Read the other way round, such a fence was answered
            // by no one and its getCurrentTime timed out.)
            long lastFenceBeforeHead;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + state.fence())) {
                rs.next();
                lastFenceBeforeHead = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + state.fence() + " SET reached_stamp = ? WHERE reached_stamp IS NULL"
                    + " AND id <= ?")) {
                ps.setObject(1, LocalDateTime.ofInstant(stamp, ZoneOffset.UTC));
                ps.setLong(2, lastFenceBeforeHead);
                ps.executeUpdate();
            }
            checkLease(c);
            c.commit();
            return new State(head, stamp, stamp, current.lastSeq());
        } catch (SQLException | LostLeadershipException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /**
     * Writes one batch: its entries (seq in the order given), its fences reached at the batch's stamp, and the
     * position after its last transaction, in one transaction.
     *
     * @param expected what this reader last wrote (or started from)
     * @return the new state
     */
    public State flush(Connection c, State expected, Map<Key, Character> entries, List<Long> fences, BinlogPosition end,
                boolean gap) throws SQLException, LostLeadershipException {
        return flush(c, expected, null, entries, fences, end, gap);
    }

    /**
     * {@link #flush(Connection, State, Map, List, BinlogPosition, boolean)} of a transaction whose first entries were
     * spilled: they come first (seq in their spilled order), then {@code entries}, which replace any of them.
     */
    public State flush(Connection c, State expected, Spill spill, Map<Key, Character> entries, List<Long> fences,
                BinlogPosition end, boolean gap) throws SQLException, LostLeadershipException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            Locked locked = lockAndCheck(c, expected);
            State current = locked.current();
            Instant stamp = locked.stamp();
            long seq = current.lastSeq();
            if (spill != null) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + state.change() + " (table_name, row_hash,"
                        + " row_id, kind, stamp, seq) SELECT table_name, row_hash, row_id, kind, ?, ? + seq FROM "
                        + state.changeSpill()
                        + " WHERE spill_id = ? ORDER BY seq" + INSERT_TAIL)) {
                    ps.setObject(1, LocalDateTime.ofInstant(stamp, ZoneOffset.UTC));
                    ps.setLong(2, seq);
                    ps.setLong(3, spill.id());
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + state.changeSpill() + " WHERE spill_id = ?")) {
                    ps.setLong(1, spill.id());
                    ps.executeUpdate();
                }
                seq += spill.seqs();
            }
            seq = upsertEntries(c, entries, stamp, seq);
            boolean fencesUnseen = false;
            if (!fences.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + state.fence() + " SET reached_stamp = ? WHERE id IN ("
                        + String.join(",", Collections.nCopies(fences.size(), "?")) + ")")) {
                    ps.setObject(1, LocalDateTime.ofInstant(stamp, ZoneOffset.UTC));
                    for (int i = 0; i < fences.size(); i++) {
                        ps.setLong(i + 2, fences.get(i));
                    }
                    fencesUnseen = ps.executeUpdate() < fences.size();
                }
            }
            State next = new State(end, gap ? stamp : current.since(), stamp, seq);
            writeState(c, next);
            checkLease(c);
            c.commit();
            if (fencesUnseen) {
                for (Long id : fences) {
                    lateFences.putIfAbsent(id, new LateFence(stamp, System.nanoTime()));
                }
            }
            return next;
        } catch (SQLException | LostLeadershipException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Upserts the entries, seq in their order after {@code seq}; returns the last seq used. */
    private long upsertEntries(Connection c, Map<Key, Character> entries, Instant stamp, long seq) throws SQLException {
        LocalDateTime at = LocalDateTime.ofInstant(stamp, ZoneOffset.UTC);
        if (!upsertChosen) {
            upsertFromJson = dialect.upsertChangesFromJson(state.change(), c.getMetaData());
            upsertChosen = true;
        }
        if (upsertFromJson != null) {
            return upsertAsJson(c, entries, at, seq);
        }
        List<Map.Entry<Key, Character>> list = new ArrayList<>(entries.entrySet());
        MessageDigest rowHash = rowHash();
        for (int from = 0; from < list.size(); from += ROWS_PER_INSERT) {
            List<Map.Entry<Key, Character>> chunk = list.subList(from, Math.min(list.size(), from + ROWS_PER_INSERT));
            try (PreparedStatement ps = c.prepareStatement(dialect.upsert(state.change(),
                    "table_name, row_hash, row_id, kind, stamp, seq",
                    String.join("), (", Collections.nCopies(chunk.size(), "?, ?, ?, ?, ?, ?")), "table_name, row_hash",
                    insertUpdates))) {
                int i = 1;
                for (Map.Entry<Key, Character> e : chunk) {
                    ps.setString(i++, e.getKey().table());
                    ps.setBytes(i++, e.getKey().hash(rowHash));
                    ps.setString(i++, e.getKey().storedId());
                    ps.setString(i++, String.valueOf(e.getValue()));
                    ps.setObject(i++, at);
                    ps.setLong(i++, ++seq);
                }
                ps.executeUpdate();
            }
        }
        return seq;
    }

    /** {@link #upsertEntries} as arrays of at most about {@value #JSON_CHARS} characters, one statement each. */
    private long upsertAsJson(Connection c, Map<Key, Character> entries, LocalDateTime at, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(upsertFromJson)) {
            // Room for short ids (a table name and an integer id take about 40 characters): no copying while it grows.
            int capacity = (int) Math.min(JSON_CHARS + 1024L, 64L + 48L * entries.size());
            ChangeArray array = new ChangeArray(capacity);
            long first = seq;
            for (Map.Entry<Key, Character> e : entries.entrySet()) {
                array.add(e.getKey(), e.getValue());
                seq++;
                if (array.length() >= JSON_CHARS) {
                    upsert(ps, at, first, array.close());
                    array = new ChangeArray(capacity);
                    first = seq;
                }
            }
            if (array.entries() > 0) {
                upsert(ps, at, first, array.close());
            }
        }
        return seq;
    }

    private void upsert(PreparedStatement ps, LocalDateTime at, long seqBefore, String array) throws SQLException {
        ps.setBytes(1, markerHash);
        ps.setObject(2, at);
        ps.setLong(3, seqBefore);
        ps.setString(4, array);
        ps.executeUpdate();
    }

    /**
     * Writes part of a transaction being read to {@code esa_change_spill} (auto-commit: nothing of it is visible in
     * the index until its commit's flush, and a reader that stops before that leaves rows that
     * {@link #clearSpills} removes).
     *
     * @param seqsBefore the order numbers the transaction's earlier spills used
     * @return the order numbers used now
     */
    public long spill(Connection c, long spillId, Map<Key, Character> entries, long seqsBefore) throws SQLException {
        long seq = seqsBefore;
        List<Map.Entry<Key, Character>> list = new ArrayList<>(entries.entrySet());
        MessageDigest rowHash = rowHash();
        for (int from = 0; from < list.size(); from += ROWS_PER_INSERT) {
            List<Map.Entry<Key, Character>> chunk = list.subList(from, Math.min(list.size(), from + ROWS_PER_INSERT));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + state.changeSpill() + " (spill_id, table_name,"
                    + " row_hash, row_id, kind, seq) VALUES " + String.join(",", Collections.nCopies(chunk.size(), "(?, ?, ?, ?, ?, ?)")))) {
                int i = 1;
                for (Map.Entry<Key, Character> e : chunk) {
                    ps.setLong(i++, spillId);
                    ps.setString(i++, e.getKey().table());
                    ps.setBytes(i++, e.getKey().hash(rowHash));
                    ps.setString(i++, e.getKey().storedId());
                    ps.setString(i++, String.valueOf(e.getValue()));
                    ps.setLong(i++, ++seq);
                }
                ps.executeUpdate();
            }
        }
        return seq;
    }

    /** Removes these spills (a reader's own, once it has stopped). */
    public void dropSpills(Connection c, List<Long> spillIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + state.changeSpill() + " WHERE spill_id IN ("
                + String.join(",", Collections.nCopies(spillIds.size(), "?")) + ")")) {
            for (int i = 0; i < spillIds.size(); i++) {
                ps.setLong(i + 1, spillIds.get(i));
            }
            ps.executeUpdate();
        }
    }

    /** Removes what earlier readers spilled and never flushed; a new reader reads those transactions again. */
    public void clearSpills(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM " + state.changeSpill());
        }
    }

    /** Deletes fence markers answered more than an hour ago; their waiters are long gone. */
    /**
     * Writes the stamps of fences whose marker row the flush that passed them could not see yet, and drops those
     * given up on. A log may hold a commit before the transaction is visible (a synchronous standby, which
     * the reader may be, holds it invisible until the reader confirms it): the flush's update missed such a marker
     * row. Its local waiter was woken all the same; this answers the waiters that read the row (other nodes). The
     * writer calls it at each turn (at least once a second); one row at a time, committed by the writer right after.
     */
    public void stampLateFences(Connection c) throws SQLException {
        if (lateFences.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + state.fence() + " SET reached_stamp = ? WHERE id = ?")) {
            for (Map.Entry<Long, LateFence> e : lateFences.entrySet()) {
                ps.setObject(1, LocalDateTime.ofInstant(e.getValue().stamp(), ZoneOffset.UTC));
                ps.setLong(2, e.getKey());
                if (ps.executeUpdate() == 1 || System.nanoTime() - e.getValue().sinceNanos() > LATE_FENCE_NANOS) {
                    lateFences.remove(e.getKey());
                }
            }
        }
    }

    public void purgeFences(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.deleteFirst(state.fence(), "requested_at < "
                + dialect.minus(dialect.now(), "3600", java.time.temporal.ChronoUnit.SECONDS), "id", 10000))) {
            ps.executeUpdate();
        }
    }

    /** Last in a flush's transaction: the lease's row stays locked only from here to the commit. */
    private void checkLease(Connection c) throws SQLException, LostLeadershipException {
        if (lease != null && !lease.stillHeld(c)) {
            throw new LostLeadershipException("the capture lease is no longer held by this node");
        }
    }

    /** The stored state, locked until the commit, and the stamp of the batch written now. */
    private record Locked(State current, Instant stamp) {
    }

    /**
     * Locks the stored state and checks that it is the one this reader expects; the batch's stamp is
     * {@code GREATEST(now, last_stamp + 1 µs)}, off a whole millisecond.
     */
    private Locked lockAndCheck(Connection c, State expected) throws SQLException, LostLeadershipException {
        try (PreparedStatement ps = c.prepareStatement(lockSql)) {
            ps.setString(1, NAME);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new LostLeadershipException("esa_capture has no position row");
                }
                State current = new State(new BinlogPosition(rs.getString(1), rs.getString(2), rs.getLong(3)),
                        instant(rs, 4), instant(rs, 5), rs.getLong(6));
                if (!current.position().equals(expected.position()) || current.lastSeq() != expected.lastSeq()) {
                    throw new LostLeadershipException("another reader moved the capture position (stored "
                            + current.position() + ", expected " + expected.position() + ")");
                }
                return new Locked(current, offWholeMillisecond(instant(rs, 7)));
            }
        }
    }

    /**
     * A stamp moved 1 µs off a whole millisecond: a table without a modification column shows its rows' stamps as
     * modified-at, and a last-seen on a whole millisecond reads as cut by the host ({@code write.LastSeen}).
     */
    static Instant offWholeMillisecond(Instant stamp) {
        return stamp.getNano() % 1_000_000 == 0 ? stamp.plus(1, java.time.temporal.ChronoUnit.MICROS) : stamp;
    }

    private void writeState(Connection c, State s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + state.capture() + " SET gtid_position = ?, binlog_file = ?,"
                + " binlog_pos = ?, since = ?, last_stamp = ?, last_seq = ?, updated_at = " + dialect.now() + " WHERE name = ?")) {
            ps.setString(1, s.position().gtid());
            ps.setString(2, s.position().file());
            ps.setLong(3, s.position().pos());
            ps.setObject(4, LocalDateTime.ofInstant(s.since(), ZoneOffset.UTC));
            ps.setObject(5, LocalDateTime.ofInstant(s.lastStamp(), ZoneOffset.UTC));
            ps.setLong(6, s.lastSeq());
            ps.setString(7, NAME);
            ps.executeUpdate();
        }
    }

    private static Instant instant(ResultSet rs, int index) throws SQLException {
        LocalDateTime t = rs.getObject(index, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }

    /** The row hash of {@code esa_change} ({@link Dialect#rowHashAlgorithm()}). */
    private MessageDigest rowHash() {
        try {
            return MessageDigest.getInstance(dialect.rowHashAlgorithm());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + dialect.rowHashAlgorithm(), e);
        }
    }
}
