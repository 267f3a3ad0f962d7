package org.esabridge.jdbc.mariadb.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * MariaDB's reader hands a batch of entries to the server as one JSON array, and the server hashes the ids
 * ({@code MariaDbDialect.upsertChangesFromJson}); a spilled transaction's rows are still hashed by the reader. Ids
 * that JSON must escape, or that look like JSON, arrive as they are, hashed as the reader hashes them (one entry per
 * row, however its changes were written), and a row changed several times in one batch keeps only its last change,
 * ordered by it.
 */
@Tag("database")
class ChangeIndexIdsAsJsonTest {
    private static final String DB = "cap_json_ids";
    private static final List<String> AWKWARD = List.of("quote\"d", "back\\slash", "\\", "\"", "tab\there",
            "new\nline", "nul\u0000byte", "bell\u0007\u001f", "Grüße 😀", "", "trailing ", "[\"json\",1]",
            "\\u0041 not an escape", "'single'", "%_", "\u007f\u0080\u2028");

    @Test
    void awkwardIdsAreIndexedExactlyOnceEachWhateverWroteThem() throws Exception {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE code (id VARCHAR(700) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL"
                + " PRIMARY KEY, v INT NOT NULL, modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
                + " ON UPDATE CURRENT_TIMESTAMP(6))");
        // Long ids: the spilled transaction below, and more than one array (about 1 Mi characters each) per batch.
        List<String> longIds = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            longIds.add(AWKWARD.get(i % AWKWARD.size()) + "-" + i + "-" + "x".repeat(650));
        }
        try (JdbcAdapter adapter = TestDatabase.adapter(DB, "capture-fence-timeout-seconds", "120")) {
            adapter.getCurrentTime();
            insert(AWKWARD, 1);
            insert(longIds, 1); // ~3.5 Mi characters of ids in one transaction: spilled while read
            adapter.getCurrentTime();
            assertIndexed(AWKWARD, longIds);

            // Changed again, in normal batches now: each finds its entry, whichever way it was hashed first.
            try (Connection c = TestDatabase.connect(DB)) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("UPDATE code SET v = v + 1 WHERE id = ?")) {
                    for (String id : AWKWARD) {
                        ps.setString(1, id);
                        ps.executeUpdate();
                    }
                    for (int i = 0; i < longIds.size(); i += 7) {
                        ps.setString(1, longIds.get(i));
                        ps.executeUpdate();
                    }
                }
                c.commit();
            }
            adapter.getCurrentTime();
            assertIndexed(AWKWARD, longIds);

            // One transaction: inserted, updated, deleted, inserted again; a key changed; the last change decides.
            try (Connection c = TestDatabase.connect(DB)) {
                c.setAutoCommit(false);
                exec(c, "INSERT INTO code (id, v) VALUES ('again\"', 1)", "INSERT INTO code (id, v) VALUES ('then', 1)",
                        "UPDATE code SET v = 2 WHERE id = 'again\"'", "DELETE FROM code WHERE id = 'again\"'",
                        "INSERT INTO code (id, v) VALUES ('again\"', 3)", "UPDATE code SET id = 'moved\\\\' WHERE id = '\\\\'",
                        "DELETE FROM code WHERE id = 'quote\"d'");
                c.commit();
            }
            adapter.getCurrentTime();
            Map<String, ChangeIndexRows.Entry> index = ChangeIndexRows.of(DB, "code");
            assertEquals('M', index.get("again\"").kind());
            assertEquals('D', index.get("\\").kind());
            assertEquals('M', index.get("moved\\").kind());
            assertEquals('D', index.get("quote\"d").kind());
            assertTrue(index.get("then").seq() < index.get("again\"").seq(), "ordered by each row's last change");
            assertTrue(index.get("again\"").seq() < index.get("moved\\").seq());
            assertTrue(index.get("moved\\").seq() < index.get("quote\"d").seq());
            assertEquals(AWKWARD.size() + longIds.size() + 3, index.size());
            assertHashed();
        }
    }

    private static void insert(List<String> ids, int v) throws Exception {
        try (Connection c = TestDatabase.connect(DB)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO code (id, v) VALUES (?, ?)")) {
                for (String id : ids) {
                    ps.setString(1, id);
                    ps.setInt(2, v);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    private static void exec(Connection c, String... sql) throws Exception {
        for (String s : sql) {
            c.createStatement().execute(s);
        }
    }

    /** One entry per id, its row_id the very id, and no two entries with the same seq. */
    private static void assertIndexed(List<String> awkward, List<String> longIds) throws Exception {
        Map<String, ChangeIndexRows.Entry> index = ChangeIndexRows.of(DB, "code");
        Set<String> expected = new HashSet<>(awkward);
        expected.addAll(longIds);
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(index.keySet());
        Set<String> extra = new HashSet<>(index.keySet());
        extra.removeAll(expected);
        assertTrue(missing.isEmpty() && extra.isEmpty(), "missing " + shown(missing) + ", not expected " + shown(extra));
        assertEquals(expected.size(), countEntries(), "one entry per row");
        Set<Long> seqs = new HashSet<>();
        index.values().forEach(e -> assertTrue(seqs.add(e.seq()), "seq " + e.seq() + " twice"));
        assertHashed();
    }

    /** Ids as Java literals, shortened. */
    private static List<String> shown(Set<String> ids) {
        List<String> out = new ArrayList<>();
        for (String id : ids) {
            StringBuilder b = new StringBuilder("\"");
            for (char ch : id.substring(0, Math.min(id.length(), 40)).toCharArray()) {
                b.append(ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\' ? String.format("\\u%04x", (int) ch) : String.valueOf(ch));
            }
            out.add(b.append(id.length() > 40 ? "…\"" : "\"").toString());
            if (out.size() == 8) {
                out.add("… " + ids.size() + " in all");
                break;
            }
        }
        return out;
    }

    /** Every entry's hash is the reader's: SHA-1 of the id's UTF-8 bytes. */
    private static void assertHashed() throws Exception {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        Map<String, String> hashes = new HashMap<>();
        try (Connection c = TestDatabase.connect(DB);
             ResultSet rs = c.createStatement().executeQuery("SELECT row_id, HEX(row_hash) FROM esa_change"
                     + " WHERE table_name = 'code'")) {
            while (rs.next()) {
                hashes.put(rs.getString(1), rs.getString(2));
            }
        }
        hashes.forEach((id, hash) -> assertEquals(
                HexFormat.of().withUpperCase().formatHex(sha1.digest(id.getBytes(StandardCharsets.UTF_8))), hash, id));
    }

    private static long countEntries() throws Exception {
        try (Connection c = TestDatabase.connect(DB);
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM esa_change WHERE table_name = 'code'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
