package org.esabridge.jdbc.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.esabridge.jdbc.capture.BinlogPosition;
import org.esabridge.jdbc.capture.LogHead;

/**
 * The write-ahead log's end as the position fence reads it ({@code capture/PositionFence}): the WAL <em>insert</em>
 * position, the slot's walsender and the database's clock, in one statement.
 *
 * <p>Why the insert position: a transaction's commit record is inserted before the transaction becomes visible to
 * other snapshots, while with {@code synchronous_commit=off} (set by any session, for itself) it is visible before it
 * is written or flushed — {@code pg_current_wal_lsn()} (the write position) and the flush position may lie before a
 * commit the caller has seen. Records reserved and not yet flushed are sent once the server flushes them (at the
 * latest by the WAL writer, within a few {@code wal_writer_delay}); the fence waits for that. An insert position at
 * the first byte after a page header is the page's start: no record ends in the header, and the reader's positions
 * (commit ends, the walsender's keepalives) name the page boundary.
 *
 * <p>Which server: the backend pid of the walsender holding the slot there ({@code pg_replication_slots.active_pid}),
 * which the reader knows as its replication connection's backend pid. Another server, or no walsender on the slot
 * (another node reads, or none): no head, and the fence sets a marker. A standby (in recovery) has no insert
 * position: no head either.
 *
 * <p>Positions are LSNs ({@link BinlogPosition#pos()}); the reader has written through the head once it has written
 * a position at or after it.
 */
final class WalHead implements LogHead {
    /** {@code SizeOfXLogShortPHD}: every WAL page's header. */
    private static final long SHORT_PAGE_HEADER = 24;
    /** {@code SizeOfXLogLongPHD}: the first page of a segment's. */
    private static final long LONG_PAGE_HEADER = 40;

    private final String sql;
    private final String slot;

    /** @param now the dialect's clock, as the change index's stamps read it */
    WalHead(String slot, String now) {
        this.slot = slot;
        this.sql = "SELECT CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_insert_lsn() - '0/0' END,"
                + " current_setting('wal_block_size')::bigint, pg_size_bytes(current_setting('wal_segment_size')),"
                + " (SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?), " + now;
    }

    @Override
    public Head now(Connection c) throws SQLException {
        try {
            return read(c);
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                return null; // a function the account may not call (a hardened server): the fence sets a marker
            }
            throw e;
        }
    }

    private Head read(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long lsn = rs.getLong(1);
                if (rs.wasNull()) {
                    return null;
                }
                long pid = rs.getLong(4);
                if (rs.wasNull()) {
                    return null;
                }
                return new Head(new BinlogPosition("", null, pageStart(lsn, rs.getLong(2), rs.getLong(3))),
                        String.valueOf(pid), rs.getObject(5, LocalDateTime.class).toInstant(ZoneOffset.UTC));
            }
        }
    }

    /** The page's start for a position just after a page header (where an insert position at a boundary points). */
    static long pageStart(long lsn, long pageSize, long segmentSize) {
        if (lsn % segmentSize == LONG_PAGE_HEADER) {
            return lsn - LONG_PAGE_HEADER;
        }
        if (lsn % pageSize == SHORT_PAGE_HEADER) {
            return lsn - SHORT_PAGE_HEADER;
        }
        return lsn;
    }

    @Override
    public boolean covers(BinlogPosition written, BinlogPosition head) {
        return Long.compareUnsigned(written.pos(), head.pos()) >= 0;
    }

    @Override
    public BinlogPosition advance(BinlogPosition written, BinlogPosition end) {
        return Long.compareUnsigned(end.pos(), written.pos()) >= 0 ? end : written;
    }
}
