package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.esabridge.api.FieldValue;
import org.esabridge.testkit.ClientTls;
import org.esabridge.testkit.EsaClient;
import org.esabridge.testkit.Replica;
import org.esabridge.testkit.ReplicaFile;
import org.esabridge.testkit.SyncHostSimulator;
import org.esabridge.testkit.SyncReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator against the demo database served by a real EsaServer over HTTPS, with edits on both sides:
 * the replica ends equal to the database, and a change made on both sides is reported, never resolved.
 */
@Tag("database")
class SyncHostSimulatorEndToEndTest {
    private static final String SCHEMA = "e2e_sync";
    private static final List<String> TABLES = List.of("customers", "products", "orders");

    private static TestServer server;
    private static EsaClient client;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void start() throws Exception {
        // inline-threshold 0: every non-empty getModified/getDeleted answers NULL, so every sync takes the
        // paged path (getModifiedPaged, readDataPage, closeCursor); the inline path is covered by check.
        server = TestServer.startLoopbackWithoutAuth(EndToEndDatabase.demoAdapter(SCHEMA, "inline-threshold", "0", "page-size", "100"),
                Map.of());
        client = EsaClient.connect(server.esa(), ClientTls.selfSignedOf(server.dataDir()), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private SyncReport sync(SyncHostSimulator.Options options) throws Exception {
        Replica replica = ReplicaFile.load(stateDir);
        SyncReport report = new SyncHostSimulator(client, replica, options).run();
        ReplicaFile.save(replica, stateDir);
        return report;
    }

    private SyncReport sync() throws Exception {
        return sync(new SyncHostSimulator.Options("e2e", TABLES, null, null));
    }

    private static SyncReport.StructureStats stats(SyncReport report, String structure) {
        return report.structures().stream().filter(s -> s.structure().equals(structure)).findFirst().orElseThrow();
    }

    @Test
    void editsOnBothSidesMeetAndTheReplicaEqualsTheDatabase() throws Exception {
        SyncReport first = sync();
        assertEquals(List.of(), first.conflicts());
        assertEquals(List.of(), first.errors());
        assertEquals(9, first.records());
        assertTrue(first.structures().stream().allMatch(SyncReport.StructureStats::paged), first.summary());
        assertEquals(List.of(), first.warnings(), first.summary());
        assertReplicaEqualsDatabase();

        // ESA side, behind the ESA's back: an update, an insert, a delete.
        EndToEndDatabase.exec(SCHEMA,
                "UPDATE customers SET phone = '+41 44 000 00 02' WHERE id = 2",
                "INSERT INTO customers (name, email) VALUES ('Edsger Dijkstra', 'edsger@example.org')",
                "DELETE FROM orders WHERE id = 3");
        // Host side, through the replica file of the last run.
        Replica replica = ReplicaFile.load(stateDir);
        replica.update("customers", "1", List.of(new FieldValue("name", "Ada King"), new FieldValue("notes", "a\r\nb\tc")));
        replica.create("customers", List.of(new FieldValue("name", "Host Created"), new FieldValue("phone", null)));
        replica.delete("orders", "1");
        ReplicaFile.save(replica, stateDir);

        SyncReport second = sync();
        assertEquals(List.of(), second.conflicts(), second.summary());
        assertEquals(List.of(), second.errors(), second.summary());
        // Incremental, not a full read; the adapter's watermark may deliver a record twice (duplicates are
        // allowed, misses are not), so "at least the two changed customers" rather than "exactly".
        assertTrue(stats(second, "customers").records() >= 2, second.summary());
        assertTrue(second.records() < 10, "a second sync reads only what changed: " + second.records());
        assertEquals(1, stats(second, "orders").deletes(), second.summary());
        assertEquals(1, stats(second, "customers").created());
        assertEquals(1, stats(second, "customers").updated());
        assertEquals(1, stats(second, "orders").deleted());

        try (Connection c = EndToEndDatabase.connect(SCHEMA); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT name, notes FROM customers WHERE id = 1");
            rs.next();
            assertEquals("Ada King", rs.getString(1));
            assertEquals("a\r\nb\tc", rs.getString(2));
            rs = s.executeQuery("SELECT COUNT(*) FROM customers WHERE name = 'Host Created'");
            rs.next();
            assertEquals(1, rs.getInt(1));
            rs = s.executeQuery("SELECT COUNT(*) FROM orders WHERE id = 1");
            rs.next();
            assertEquals(0, rs.getInt(1));
        }
        // The host's own writes come back once as echoes; after that the replica is the database.
        SyncReport third = sync();
        assertEquals(List.of(), third.conflicts());
        assertReplicaEqualsDatabase();
    }

    @Test
    void aChangeOnBothSidesIsReportedAndNeverResolved() throws Exception {
        sync();
        Replica replica = ReplicaFile.load(stateDir);
        replica.update("products", "MUG-042", List.of(new FieldValue("name", "Host mug")));
        ReplicaFile.save(replica, stateDir);
        EndToEndDatabase.exec(SCHEMA, "UPDATE products SET name = 'Database mug' WHERE sku = 'MUG-042'");

        SyncReport report = sync();
        assertEquals(1, report.conflicts().size(), report.summary());
        SyncReport.Conflict conflict = report.conflicts().get(0);
        assertEquals("products", conflict.structure());
        assertEquals("MUG-042", conflict.key());
        assertEquals(0, stats(report, "products").updated(), "a conflicting edit is not sent");
        assertEquals("Database mug", productName("MUG-042"));

        Replica after = ReplicaFile.load(stateDir);
        assertEquals("Database mug", after.structure("products").record("MUG-042").text("name"));
        Replica.Edit kept = after.structure("products").edits().get("MUG-042");
        assertNotNull(kept.conflict(), "the host's edit stays, marked");
        assertEquals("Host mug", kept.fields().get(0).text());

        SyncReport again = sync();
        assertTrue(again.warnings().stream().anyMatch(w -> w.contains("conflicted")), again.summary());
        assertEquals("Database mug", productName("MUG-042"), "still not resolved by itself");

        after = ReplicaFile.load(stateDir);
        after.resolve("products", "MUG-042", Replica.Resolution.KEEP_HOST);
        ReplicaFile.save(after, stateDir);
        SyncReport resolved = sync();
        assertEquals(List.of(), resolved.conflicts());
        assertEquals("Host mug", productName("MUG-042"));
    }

    /** A change that reaches the ESA after the host read: the ESA's last-seen check refuses the write. */
    @Test
    void aWriteRacingAnEsaChangeIsRefusedAndReported() throws Exception {
        sync();
        Replica replica = ReplicaFile.load(stateDir);
        replica.update("customers", "3", List.of(new FieldValue("phone", "+1 000")));
        ReplicaFile.save(replica, stateDir);

        SyncReport report = sync(new SyncHostSimulator.Options("e2e", TABLES, null, () -> {
            try {
                Thread.sleep(5); // beyond the millisecond a last-seen may be cut to (esa-protocol.md §3)
                EndToEndDatabase.exec(SCHEMA, "UPDATE customers SET notes = 'changed meanwhile' WHERE id = 3");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        assertEquals(1, report.conflicts().size(), report.summary());
        assertTrue(report.conflicts().get(0).reason().contains("RECORD_MODIFIED"), report.summary());
        try (Connection c = EndToEndDatabase.connect(SCHEMA); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT phone, notes FROM customers WHERE id = 3");
            rs.next();
            assertEquals("+1 202 555 0143", rs.getString(1), "the host's write did not land");
            assertEquals("changed meanwhile", rs.getString(2));
        }
    }

    private static String productName(String sku) throws Exception {
        try (Connection c = EndToEndDatabase.connect(SCHEMA); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM products WHERE sku = '" + sku + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Same ids, same modified-at to the microsecond, same text of every character column. */
    private void assertReplicaEqualsDatabase() throws Exception {
        Replica replica = ReplicaFile.load(stateDir);
        try (Connection c = EndToEndDatabase.connect(SCHEMA); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                String key = table.equals("products") ? "sku" : "id";
                Map<String, Replica.Stored> stored = replica.structure(table).records();
                Map<String, Map<String, String>> rows = new TreeMap<>();
                Map<String, Instant> modified = new TreeMap<>();
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        String id = rs.getString(key);
                        modified.put(id, rs.getObject("modified_at", LocalDateTime.class).toInstant(ZoneOffset.UTC));
                        Map<String, String> texts = new TreeMap<>();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            int type = meta.getColumnType(i);
                            if ((type == Types.VARCHAR || type == Types.LONGVARCHAR || type == Types.CHAR)
                                    && !meta.getColumnName(i).equals(key)) {
                                texts.put(meta.getColumnName(i), rs.getString(i));
                            }
                        }
                        rows.put(id, texts);
                    }
                }
                assertEquals(rows.keySet(), new TreeSet<>(stored.keySet()), table + " ids");
                for (Map.Entry<String, Map<String, String>> row : rows.entrySet()) {
                    Replica.Stored r = stored.get(row.getKey());
                    assertEquals(modified.get(row.getKey()), r.lastSeen(), table + " " + row.getKey() + " modified-at");
                    for (Map.Entry<String, String> column : row.getValue().entrySet()) {
                        assertEquals(column.getValue(), r.text(column.getKey()),
                                table + " " + row.getKey() + "." + column.getKey());
                    }
                }
                assertTrue(replica.structure(table).edits().isEmpty(), table + " has no pending edit");
            }
        }
        assertTrue(Files.exists(stateDir.resolve(ReplicaFile.NAME)));
    }
}
