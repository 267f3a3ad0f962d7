package org.esabridge.jdbc.mariadb.capture;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.esabridge.jdbc.capture.BinlogPosition;
import org.esabridge.jdbc.capture.LogHead;

/**
 * The binary log's end as the position fence reads it: {@code @@GLOBAL.gtid_binlog_pos} (the last transaction
 * logged in each replication domain; no privilege needed) and {@code @@server_id}, the identity the binlog client
 * reads on its own connection too. A commit acknowledged to its client is in the binary log (it is written there
 * before the engine commits), so it is at or before the position read after it.
 *
 * <p>The reader has passed a position when, in each of its domains, it has written a transaction whose sequence
 * number is at least that domain's there. That holds as long as sequence numbers grow within a domain in the log's
 * order; the reader checks that at each transaction and switches the fast path off for good at the first one that
 * does not ({@link BinlogReader}).
 */
final class GtidHead implements LogHead {
    static final GtidHead INSTANCE = new GtidHead();

    private GtidHead() {
    }

    @Override
    public Head now(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@GLOBAL.gtid_binlog_pos, @@GLOBAL.server_id")) {
            rs.next();
            return new Head(new BinlogPosition(rs.getString(1), null, 0), rs.getString(2));
        }
    }

    @Override
    public boolean covers(BinlogPosition written, BinlogPosition head) {
        Map<Long, Long> through = GtidPositions.sequences(written);
        for (Map.Entry<Long, Long> domain : GtidPositions.sequences(head).entrySet()) {
            Long seq = through.get(domain.getKey());
            if (seq == null || seq < domain.getValue()) {
                return false;
            }
        }
        return true;
    }
}
