package org.esabridge.jdbc.mariadb.capture;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Where the reader stands in the binary log: MariaDB's GTID position (the last transaction per replication domain,
 * {@code 0-1-1234,1-2-7}), which is what it resumes from, and the file and offset after that transaction, kept for
 * operators and for a log that has no GTID yet.
 *
 * @param gtid the GTID list, empty when the log holds no transaction yet
 * @param file the binary log file, or null
 * @param pos  the offset in it, or 0
 */
public record BinlogPosition(String gtid, String file, long pos) {

    public BinlogPosition {
        gtid = gtid == null ? "" : gtid.trim();
    }

    /** This position after the transaction {@code domain-server-sequence}, which ended at {@code file:pos}. */
    BinlogPosition after(long domain, long server, long sequence, String file, long pos) {
        Map<Long, String> byDomain = new LinkedHashMap<>();
        if (!gtid.isEmpty()) {
            for (String part : gtid.split(",")) {
                String p = part.trim();
                byDomain.put(Long.parseLong(p.substring(0, p.indexOf('-'))), p);
            }
        }
        byDomain.put(domain, domain + "-" + server + "-" + sequence);
        StringJoiner joined = new StringJoiner(",");
        byDomain.values().forEach(joined::add);
        return new BinlogPosition(joined.toString(), file, pos);
    }

    @Override
    public String toString() {
        return (gtid.isEmpty() ? "no GTID" : "GTID " + gtid) + (file == null ? "" : " (" + file + ":" + pos + ")");
    }
}
