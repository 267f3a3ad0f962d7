package org.esabridge.jdbc.mariadb.capture;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.esabridge.jdbc.capture.BinlogPosition;

/** MariaDB's binary log positions: its GTID list, advanced a transaction at a time, and the log's current end. */
final class GtidPositions {
    private GtidPositions() {
    }

    /** {@code position} after the transaction {@code domain-server-sequence}, which ended at {@code file:pos}. */
    static BinlogPosition after(BinlogPosition position, long domain, long server, long sequence, String file, long pos) {
        Map<Long, String> byDomain = new LinkedHashMap<>();
        if (!position.gtid().isEmpty()) {
            for (String part : position.gtid().split(",")) {
                String p = part.trim();
                byDomain.put(Long.parseLong(p.substring(0, p.indexOf('-'))), p);
            }
        }
        byDomain.put(domain, domain + "-" + server + "-" + sequence);
        StringJoiner joined = new StringJoiner(",");
        byDomain.values().forEach(joined::add);
        return new BinlogPosition(joined.toString(), file, pos);
    }

    /**
     * The sequence number of each {@code domain-server} in a GTID list (the largest where a pair comes twice): a
     * position's list has one per domain, a state's (as {@code gtid_binlog_state}) one per domain and server.
     */
    static Map<String, Long> byDomainAndServer(BinlogPosition p) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (!p.gtid().isEmpty()) {
            for (String part : p.gtid().split(",")) {
                String gtid = part.trim();
                int last = gtid.lastIndexOf('-');
                out.merge(gtid.substring(0, last), Long.parseLong(gtid.substring(last + 1)), Math::max);
            }
        }
        return out;
    }

    /** The binary log's current end: MariaDB's GTID position, then the file and offset. */
    static BinlogPosition head(Connection c) throws SQLException {
        String gtid;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@GLOBAL.gtid_binlog_pos")) {
            rs.next();
            gtid = rs.getString(1);
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            return rs.next() ? new BinlogPosition(gtid, rs.getString(1), rs.getLong(2)) : new BinlogPosition(gtid, null, 0);
        }
    }
}
