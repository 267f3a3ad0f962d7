package org.esabridge.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.esabridge.jdbc.catalog.Catalog;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.changes.Watermark;

/**
 * The start's account of change capture, for an operator who reads two lines: what is captured and how, what
 * is not, and what would remedy it (a grant, a server setting, a configuration key).
 */
final class CaptureSummary {
    /** MariaDB's refusal of CREATE TRIGGER to an account without SUPER while the binary log is on. */
    static final int NEEDS_TRUST_FUNCTION_CREATORS = 1419;

    private CaptureSummary() {
    }

    /**
     * @param missingTriggers tables whose delete trigger could not be installed, with the database's error code
     */
    static List<String> of(Catalog catalog, Watermark.Mode watermark, int fallbackLagSeconds,
                           Map<String, Integer> missingTriggers) {
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
        StringBuilder changes = new StringBuilder("change capture: ").append(byColumn)
                .append(" structure(s) by their modification column");
        if (byVersionTable > 0) {
            changes.append(", ").append(byVersionTable).append(" by version tables");
        }
        if (watermark == Watermark.Mode.FIXED_LAG) {
            changes.append("; without the PROCESS privilege late commits are caught only within ")
                    .append(fallbackLagSeconds).append(" s (GRANT PROCESS ON *.* to the account to remove the limit)");
        } else {
            changes.append("; late commits found through open transactions (PROCESS)");
        }
        lines.add(changes.toString());

        StringJoiner byKind = new StringJoiner(", ");
        deletions.forEach((kind, n) -> byKind.add(n + " " + name(kind)));
        StringBuilder deleted = new StringBuilder("deletions: ").append(deletions.isEmpty() ? "no structures" : byKind);
        if (!missingTriggers.isEmpty()) {
            deleted.append("; no delete trigger on ").append(String.join(", ", missingTriggers.keySet()))
                    .append(" (getDeleted answers NOT_SUPPORTED there): ")
                    .append(missingTriggers.containsValue(NEEDS_TRUST_FUNCTION_CREATORS)
                            ? "the binary log is on and the account lacks SUPER - SET GLOBAL log_bin_trust_function_creators=1"
                            : "GRANT TRIGGER on the tables to the account")
                    .append(", or set structure.<table>.delete-strategy");
        }
        deleted.append(". Key changes, re-inserted ids and foreign-key cascades are captured by triggers; after a"
                + " TRUNCATE or a recreated table the host compares ids once");
        if (watermark == Watermark.Mode.FIXED_LAG) {
            deleted.append(" (without PROCESS a TRUNCATE goes unnoticed)");
        }
        lines.add(deleted.toString());
        return lines;
    }

    private static String name(DeleteStrategy.Kind kind) {
        return switch (kind) {
            case TOMBSTONE -> "by triggers";
            case SOFT_DELETE -> "by a soft-delete column";
            case HELPER -> "by asking the host (helper)";
            case NONE -> "not tracked";
        };
    }
}
