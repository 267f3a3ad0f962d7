package org.esabridge.jdbc.capture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;

/**
 * Tables named once per reason, for the start's line and the log's warnings: {@code t (reason)} for a reason only one
 * table has, else {@code N table(s) (a, b, …) (reason)} with the table's quoted name in the reason written
 * {@code <table>} (a schema of tables the account does not own named each with the same remedy, the line ran to pages).
 */
public final class TablesByReason {
    private TablesByReason() {
    }

    /**
     * @param reasons each table's reason, in the order to name them
     * @param quote   how SQL spells a table's name in a reason
     * @param shown   at most this many names per reason, then "and N more"
     */
    public static String of(Map<String, String> reasons, UnaryOperator<String> quote, int shown) {
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        reasons.forEach((table, why) -> byReason.computeIfAbsent(why.replace(quote.apply(table), "<table>"),
                k -> new ArrayList<>()).add(table));
        StringJoiner groups = new StringJoiner("; ");
        byReason.forEach((why, tables) -> {
            if (tables.size() == 1) {
                groups.add(tables.get(0) + " (" + reasons.get(tables.get(0)) + ")");
                return;
            }
            StringJoiner names = new StringJoiner(", ");
            tables.stream().limit(shown).forEach(names::add);
            if (tables.size() > shown) {
                names.add("and " + (tables.size() - shown) + " more");
            }
            groups.add(tables.size() + " table(s) (" + names + ") (" + why + ")");
        });
        return groups.toString();
    }
}
