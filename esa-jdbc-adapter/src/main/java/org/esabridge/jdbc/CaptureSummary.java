package org.esabridge.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.esabridge.jdbc.capture.CaptureMode;
import org.esabridge.jdbc.capture.TablesByReason;
import org.esabridge.jdbc.catalog.Catalog;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.changes.Watermark;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * The start's account of change capture, for an operator who reads two lines (three when tables are left
 * out): what is captured and how, what is not, and what would remedy it (a grant, a server setting, a
 * configuration key). Every mode prints the same lines: the HTTPS server and {@code --connect} on standard output,
 * {@code stdio} on standard error. Each table the catalog cannot serve is named here once, with its reason.
 */
final class CaptureSummary {
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

    /**
     * The start's line when the database could not be reached: nothing about capture is known yet (no grant, no log,
     * no table was looked at), so nothing is claimed.
     */
    static final String UNREACHABLE = "change capture: not known yet - the database could not be reached at start;"
            + " calls answer DATABASE_UNAVAILABLE until it is back, and the first call that reaches it prepares capture";

    private CaptureSummary() {
    }

    /** At most this many table names per reason in the start's lines; the log file has them all. */
    static final int NAMES_SHOWN = 12;

    /**
     * @param mode            the capture mode chosen at start
     * @param binlogMissing   in polling mode chosen by {@code change-capture=auto}: what binlog mode lacks, each with
     *                        its remedy (a GRANT, a my.cnf line)
     * @param uncapturable    in binlog mode: tables whose ids the binary log cannot spell, with the reason (the served
     *                        ones among them are polled)
     * @param missingTriggers tables whose delete trigger could not be installed, with the database's error code
     * @param otherTriggers   other triggers of the adapter (cascade, key-change) that could not be installed, by name,
     *                        with the database's error code
     * @param galeraNode      whether the database is a Galera node (polling then says what it cannot see)
     */
    static List<String> of(Catalog catalog, CaptureMode mode, List<String> binlogMissing, Map<String, String> uncapturable,
                           Watermark.Mode watermark, int fallbackLagSeconds, Map<String, Integer> missingTriggers,
                           Map<String, Integer> otherTriggers, boolean galeraNode, Dialect dialect) {
        int byColumn = 0;
        int byVersionTable = 0;
        int byIndex = 0;
        Map<DeleteStrategy.Kind, Integer> deletions = new TreeMap<>();
        int polledTombstones = 0;
        Map<String, String> polled = new TreeMap<>();
        List<String> unindexed = new ArrayList<>();
        for (Table t : catalog.tables()) {
            // Only a polled table's reads walk its modification column; binlog mode reads the change index.
            boolean isPolled = mode != CaptureMode.BINLOG || uncapturable.containsKey(t.name());
            if (isPolled && !t.checkedUnderLock() && t.modIndex() == null) {
                unindexed.add(t.name());
            }
            if (t.versionTable() != null) {
                byVersionTable++;
            } else if (t.indexStamped()) {
                byIndex++;
            } else {
                byColumn++;
            }
            boolean tombstone = t.deleteStrategy().kind() == DeleteStrategy.Kind.TOMBSTONE;
            if (tombstone && mode == CaptureMode.BINLOG && uncapturable.containsKey(t.name())
                    && !missingTriggers.containsKey(t.name())) {
                polledTombstones++; // polled in log mode: its deletions come from its trigger, not the log
            } else if (!(tombstone && missingTriggers.containsKey(t.name()))) {
                deletions.merge(t.deleteStrategy().kind(), 1, Integer::sum);
            }
            if (uncapturable.containsKey(t.name())) {
                polled.put(t.name(), uncapturable.get(t.name()));
            }
        }
        int fromLog = byColumn + byVersionTable + byIndex - polled.size();
        List<String> lines = new ArrayList<>();
        String log = logName(dialect);
        if (mode == CaptureMode.BINLOG) {
            StringBuilder changes = new StringBuilder("change capture: ")
                    .append(dialect.hasBinaryLog() ? "binlog - " : "log - ").append(fromLog)
                    .append(" structure(s), every committed change in commit order from ").append(log);
            if (byIndex > 0) {
                changes.append("; ").append(byIndex).append(" of them without a modification column, whose modified-at")
                        .append(" is the commit's stamp in the change index");
            }
            if (byVersionTable > 0) {
                changes.append("; ").append(byVersionTable).append(" with version tables");
            }
            if (!polled.isEmpty()) {
                changes.append("; polled by their modification column instead: ").append(polled(polled, dialect));
            }
            changes.append(unindexed(unindexed));
            lines.add(changes.toString());
            lines.add(deletions(deletions, polledTombstones, missingTriggers, otherTriggers, true, watermark, dialect));
        } else {
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
                changes.append("; exact capture in commit order from ").append(log).append(" is off (polling misses what")
                        .append(" docs/capture-modes.md lists under \"Polling mode: what it cannot see\"), because ")
                        .append(String.join("; ", binlogMissing));
            }
            changes.append(unindexed(unindexed));
            lines.add(changes.toString());
            lines.add(deletions(deletions, 0, missingTriggers, otherTriggers, false, watermark, dialect));
            if (galeraNode) {
                lines.add(GALERA_POLLING);
            }
        }
        String unserved = unserved(catalog.unserved());
        if (unserved != null) {
            lines.add(unserved);
        }
        return lines;
    }

    /**
     * The tables log mode polls instead, each reason once: {@code t (reason)} for a reason only one table has, else
     * {@code N table(s) (a, b, …) (reason)} with the table's quoted name in the reason written {@code <table>} (a
     * schema of tables the account does not own named each with the same remedy, the line ran to pages).
     */
    private static String polled(Map<String, String> polled, Dialect dialect) {
        return TablesByReason.of(polled, dialect::quote, NAMES_SHOWN);
    }

    /** The polled tables without an index led by their modification column, or nothing. */
    private static String unindexed(List<String> tables) {
        if (tables.isEmpty()) {
            return "";
        }
        StringJoiner names = new StringJoiner(", ");
        tables.stream().limit(NAMES_SHOWN).forEach(names::add);
        if (tables.size() > NAMES_SHOWN) {
            names.add("and " + (tables.size() - NAMES_SHOWN) + " more");
        }
        return "; " + tables.size() + " without an index led by the modification column (" + names + "), so each sync"
                + " reads them whole - e.g. CREATE INDEX esa_modified ON <table> (<modification column>, <id columns>)";
    }

    /**
     * {@code not served: N table(s) <reason> (a, b, …) - <remedy>; …}: the tables the include/exclude patterns select
     * but the catalog cannot serve, grouped by reason, or null when there are none.
     */
    static String unserved(Map<String, String> unserved) {
        if (unserved.isEmpty()) {
            return null;
        }
        Map<String, List<String>> byReason = new TreeMap<>();
        unserved.forEach((table, why) -> byReason.computeIfAbsent(why, k -> new ArrayList<>()).add(table));
        StringJoiner groups = new StringJoiner("; ");
        byReason.forEach((why, tables) -> {
            int dash = why.indexOf(" - ");
            String reason = dash < 0 ? why : why.substring(0, dash);
            String remedy = dash < 0 ? "" : why.substring(dash);
            StringJoiner names = new StringJoiner(", ");
            tables.stream().sorted().limit(NAMES_SHOWN).forEach(names::add);
            if (tables.size() > NAMES_SHOWN) {
                names.add("and " + (tables.size() - NAMES_SHOWN) + " more");
            }
            groups.add(tables.size() + " table(s) with " + reason + " (" + names + ")" + remedy);
        });
        return "not served: " + groups;
    }

    /**
     * @param polledTombstones in log mode: the tables polled instead, whose deletions, key changes and cascades their
     *                         triggers capture
     */
    private static String deletions(Map<DeleteStrategy.Kind, Integer> deletions, int polledTombstones,
                                    Map<String, Integer> missingTriggers, Map<String, Integer> otherTriggers,
                                    boolean binlog, Watermark.Mode watermark, Dialect dialect) {
        StringJoiner byKind = new StringJoiner(", ");
        deletions.forEach((kind, n) -> {
            byKind.add(n + " " + name(kind, binlog, dialect));
            if (kind == DeleteStrategy.Kind.TOMBSTONE && polledTombstones > 0) {
                byKind.add(polledTombstones + " by triggers (polled)");
            }
        });
        if (polledTombstones > 0 && !deletions.containsKey(DeleteStrategy.Kind.TOMBSTONE)) {
            byKind.add(polledTombstones + " by triggers (polled)");
        }
        if (!missingTriggers.isEmpty()) {
            byKind.add(missingTriggers.size() + " not captured - no delete trigger on "
                    + String.join(", ", missingTriggers.keySet())
                    + " (getDeleted answers NOT_SUPPORTED there, so the host compares ids): " + dialect.missingTriggerRemedy(missingTriggers.values())
                    + ", or set structure.<table>.delete-strategy");
        }
        StringBuilder deleted = new StringBuilder("deletions: ")
                .append(deletions.isEmpty() && missingTriggers.isEmpty() && polledTombstones == 0 ? "no structures" : byKind);
        if (!otherTriggers.isEmpty()) {
            deleted.append("; ").append(otherTriggers.size()).append(" foreign-key cascade or key-change trigger(s)")
                    .append(" could not be installed (").append(String.join(", ", otherTriggers.keySet()))
                    .append("), so the rows those change are not captured: ").append(dialect.missingTriggerRemedy(otherTriggers.values()));
        }
        deleted.append(binlog && !dialect.hasBinaryLog()
                ? ". Key changes, re-inserted ids and foreign-key cascades come from " + logName(dialect)
                : binlog
                ? ". Key changes and re-inserted ids come from the binary log, foreign-key cascades from triggers"
                : ". Key changes, re-inserted ids and foreign-key cascades are captured by triggers");
        if (!binlog && (!otherTriggers.isEmpty() || !missingTriggers.isEmpty())) {
            deleted.append(" where those are installed");
        }
        if (binlog && polledTombstones > 0) {
            deleted.append(" (on the polled tables by triggers)");
        }
        deleted.append("; after a TRUNCATE or a recreated table the host compares ids once");
        // A log sees a TRUNCATE itself; only a polled table's needs the table ids the privilege shows.
        if (watermark == Watermark.Mode.FIXED_LAG && !dialect.truncateTriggers() && (!binlog || polledTombstones > 0)) {
            deleted.append(" (without ").append(dialect.openTransactionsPrivilege()).append(" a TRUNCATE goes unnoticed)");
        }
        return deleted.toString();
    }

    /** The log exact capture reads: the binary log where the dialect has one, else the write-ahead log through a slot. */
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
