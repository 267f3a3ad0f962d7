package org.esabridge.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.esabridge.jdbc.capture.CaptureMode;
import org.esabridge.jdbc.catalog.Catalog;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.changes.Watermark;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * The start's account of change capture, for an operator who reads two lines: what is captured and how, what
 * is not, and what would remedy it (a grant, a server setting, a configuration key).
 */
final class CaptureSummary {
    /** MariaDB's refusal of CREATE TRIGGER to an account without SUPER while the binary log is on. */
    static final int NEEDS_TRUST_FUNCTION_CREATORS = 1419;

    /**
     * Polling on a Galera node: warned, not refused. Its watermark sees the open transactions of this database
     * node only; a change whose transaction stays open on another node longer than the watermark's margin is
     * found only if some esa-bridge node on that database node read changes meanwhile (the watermark rows are
     * shared). Refusing would leave a cluster without capture until commit-ordered capture is configured, and
     * with short write transactions the gap is narrow (GaleraReplicaSoakTest); the operator is told which.
     */
    static final String GALERA_POLLING = "change capture on a Galera node by polling: a change written through"
            + " another database node in a transaction open longer than about 2 s can be missed unless an esa-bridge"
            + " node on that database node reads changes meanwhile; commit-ordered capture from the binary log"
            + " (change-capture=binlog, log_slave_updates=ON) has no such gap";

    private CaptureSummary() {
    }

    /**
     * @param mode            the capture mode chosen at start
     * @param binlogMissing   in polling mode chosen by {@code change-capture=auto}: what binlog mode lacks, each with
     *                        its remedy (a GRANT, a my.cnf line)
     * @param uncapturable    in binlog mode: served tables whose ids the binary log cannot spell, with the reason
     * @param missingTriggers tables whose delete trigger could not be installed, with the database's error code
     * @param galeraNode      whether the database is a Galera node (polling then says what it cannot see)
     */
    static List<String> of(Catalog catalog, CaptureMode mode, List<String> binlogMissing, Map<String, String> uncapturable,
                           Watermark.Mode watermark, int fallbackLagSeconds, Map<String, Integer> missingTriggers,
                           boolean galeraNode, Dialect dialect) {
        int byColumn = 0;
        int byVersionTable = 0;
        Map<DeleteStrategy.Kind, Integer> deletions = new TreeMap<>();
        for (Table t : catalog.tables()) {
            if (t.versionTable() != null) {
                byVersionTable++;
            } else {
                byColumn++;
            }
            deletions.merge(t.deleteStrategy().kind(), 1, Integer::sum);
        }
        List<String> lines = new ArrayList<>();
        String log = logName(dialect);
        if (mode == CaptureMode.BINLOG) {
            StringBuilder changes = new StringBuilder("change capture: ")
                    .append(dialect.hasBinaryLog() ? "binlog - " : "log - ").append(byColumn + byVersionTable)
                    .append(" structure(s), every committed change in commit order from ").append(log);
            if (!uncapturable.isEmpty()) {
                StringJoiner tables = new StringJoiner(", ");
                uncapturable.forEach((table, why) -> tables.add(table + " (" + why + ")"));
                changes.append("; polled by their modification column instead: ").append(tables);
            }
            lines.add(changes.toString());
            lines.add(deletions(deletions, missingTriggers, true, watermark, dialect));
            return lines;
        }
        StringBuilder changes = new StringBuilder("change capture: ").append(byColumn)
                .append(" structure(s) by their modification column");
        if (byVersionTable > 0) {
            changes.append(", ").append(byVersionTable).append(" by version tables");
        }
        if (watermark == Watermark.Mode.FIXED_LAG) {
            changes.append("; without the ").append(dialect.openTransactionsPrivilege())
                    .append(" privilege late commits are caught only within ").append(fallbackLagSeconds).append(" s (")
                    .append(dialect.openTransactionsGrant()).append(" to remove the limit)");
        } else {
            changes.append("; late commits found through open transactions (")
                    .append(dialect.openTransactionsPrivilege()).append(")");
        }
        if (!binlogMissing.isEmpty()) {
            changes.append("; exact capture in commit order from ").append(log).append(" is off (polling misses the")
                    .append(" interleavings the README names), because ").append(String.join("; ", binlogMissing));
        }
        lines.add(changes.toString());
        lines.add(deletions(deletions, missingTriggers, false, watermark, dialect));
        if (galeraNode) {
            lines.add(GALERA_POLLING);
        }
        return lines;
    }

    private static String deletions(Map<DeleteStrategy.Kind, Integer> deletions, Map<String, Integer> missingTriggers,
                                    boolean binlog, Watermark.Mode watermark, Dialect dialect) {
        StringJoiner byKind = new StringJoiner(", ");
        deletions.forEach((kind, n) -> byKind.add(n + " " + name(kind, binlog, dialect)));
        StringBuilder deleted = new StringBuilder("deletions: ").append(deletions.isEmpty() ? "no structures" : byKind);
        if (!missingTriggers.isEmpty()) {
            deleted.append("; no delete trigger on ").append(String.join(", ", missingTriggers.keySet()))
                    .append(" (getDeleted answers NOT_SUPPORTED there): ")
                    .append(missingTriggers.containsValue(NEEDS_TRUST_FUNCTION_CREATORS)
                            ? "the binary log is on and the account lacks SUPER - SET GLOBAL log_bin_trust_function_creators=1"
                            : "GRANT TRIGGER on the tables to the account")
                    .append(", or set structure.<table>.delete-strategy");
        }
        deleted.append(binlog && !dialect.hasBinaryLog()
                ? ". Key changes, re-inserted ids and foreign-key cascades come from " + logName(dialect)
                : binlog
                ? ". Key changes and re-inserted ids come from the binary log, foreign-key cascades from triggers"
                : ". Key changes, re-inserted ids and foreign-key cascades are captured by triggers");
        deleted.append("; after a TRUNCATE or a recreated table the host compares ids once");
        if (watermark == Watermark.Mode.FIXED_LAG && !dialect.truncateTriggers()) {
            deleted.append(" (without PROCESS a TRUNCATE goes unnoticed)");
        }
        return deleted.toString();
    }

    /** The log exact capture reads: MariaDB's binary log, else PostgreSQL's write-ahead log through its slot. */
    private static String logName(Dialect dialect) {
        return dialect.hasBinaryLog() ? "the binary log" : "the write-ahead log (logical decoding, pgoutput)";
    }

    private static String name(DeleteStrategy.Kind kind, boolean binlog, Dialect dialect) {
        return switch (kind) {
            case TOMBSTONE -> binlog ? "from " + logName(dialect) : "by triggers";
            case SOFT_DELETE -> "by a soft-delete column";
            case HELPER -> "by asking the host (helper)";
            case NONE -> "not tracked";
        };
    }
}
