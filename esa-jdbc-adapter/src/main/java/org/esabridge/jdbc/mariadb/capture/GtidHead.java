package org.esabridge.jdbc.mariadb.capture;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.StringJoiner;
import org.esabridge.jdbc.capture.BinlogPosition;
import org.esabridge.jdbc.capture.LogHead;
import org.esabridge.jdbc.mariadb.MariaDbDialect;

/**
 * The binary log's end as the position fence reads it: {@code @@GLOBAL.gtid_binlog_pos} (the last transaction
 * logged in each replication domain; no privilege needed) and {@code @@server_id}, the identity the binlog client
 * reads on its own connection too. A commit acknowledged to its client is in the binary log (it is written there
 * before the engine commits), so it is at or before the position read after it.
 *
 * <p>What the reader has written is kept as the last sequence number of each domain <em>and server</em> (as
 * {@code gtid_binlog_state} does), from the segment ends it has written: it has passed the head when, for each
 * domain's last transaction {@code d-s-n} there, it has written a transaction {@code d-s-m} with {@code m >= n}.
 * That needs each server's sequence numbers to grow within a domain in the log's order — not the domain's as a
 * whole, which a replica of two sources in one domain breaks. The reader checks it at each transaction and switches
 * the fast path off for good at the first that does not ({@link BinlogReader}); {@code gtid_strict_mode} forbids it.
 */
final class GtidHead implements LogHead {
    static final GtidHead INSTANCE = new GtidHead();

    private GtidHead() {
    }

    @Override
    public Head now(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@GLOBAL.gtid_binlog_pos, @@GLOBAL.server_id, "
                     + MariaDbDialect.INSTANCE.now())) {
            rs.next();
            return new Head(new BinlogPosition(rs.getString(1), null, 0), rs.getString(2),
                    rs.getObject(3, LocalDateTime.class).toInstant(ZoneOffset.UTC));
        }
    }

    @Override
    public boolean covers(BinlogPosition written, BinlogPosition head) {
        Map<String, Long> through = GtidPositions.byDomainAndServer(written);
        for (Map.Entry<String, Long> last : GtidPositions.byDomainAndServer(head).entrySet()) {
            Long seq = through.get(last.getKey());
            if (seq == null || seq < last.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public BinlogPosition advance(BinlogPosition written, BinlogPosition end) {
        Map<String, Long> state = GtidPositions.byDomainAndServer(written);
        GtidPositions.byDomainAndServer(end).forEach((domainServer, seq) -> state.merge(domainServer, seq, Math::max));
        StringJoiner joined = new StringJoiner(",");
        state.forEach((domainServer, seq) -> joined.add(domainServer + "-" + seq));
        return new BinlogPosition(joined.toString(), end.file(), end.pos());
    }
}
