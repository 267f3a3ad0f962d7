package org.esabridge.jdbc.capture;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Where the reader stands in the database's log, as {@code esa_capture} stores it: a GTID list (the last transaction
 * per replication domain, {@code 0-1-1234,1-2-7}) where the log has one, which is what the reader resumes from, and
 * the file and offset after that transaction, kept for operators and for a log that has no GTID yet. A log counted by
 * one number alone (a write-ahead log's LSN) keeps it in {@code pos}, with no GTID and no file.
 *
 * @param gtid the GTID list, empty when the log holds no transaction yet (or has no GTIDs)
 * @param file the log file, or null
 * @param pos  the offset in it (or the one number), or 0
 */
public record BinlogPosition(String gtid, String file, long pos) {

    public BinlogPosition {
        gtid = gtid == null ? "" : gtid.trim();
    }

    @Override
    public String toString() {
        return (gtid.isEmpty() ? "no GTID" : "GTID " + gtid) + (file == null ? "" : " (" + file + ":" + pos + ")");
    }
}
