package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.Session;
import org.esabridge.jdbc.GaleraCluster.Node;
import org.esabridge.jdbc.mariadb.MariaDbDialect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * esa-bridge on a two-node Galera cluster (issue 17): nodes started together on a fresh database through both
 * database nodes, and esa-bridge's own writes when two of its nodes write the same record through different
 * database nodes (certification conflicts). Skipped without a cluster (see {@link GaleraCluster}).
 */
@Tag("galera")
class GaleraClusterTest {
    private static final String DB = "esa_galera_test";
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @BeforeEach
    void cluster() {
        GaleraCluster.assumeConfigured();
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static long count(Node node, String sql) throws SQLException {
        try (Connection c = GaleraCluster.connect(node, DB); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void bothDatabaseNodesAreTakenForGaleraNodesAutoReadsTheLogAndPollingSaysWhatItMisses() throws Exception {
        for (Node node : Node.values()) {
            try (Connection c = GaleraCluster.connect(node, "")) {
                assertTrue(MariaDbDialect.INSTANCE.isGaleraNode(c), node.name());
            }
        }
        GaleraCluster.freshSchema(DB);
        try (JdbcAdapter b = GaleraCluster.adapter(Node.B, DB, JdbcAdapterConfig.CHANGE_CAPTURE, "polling")) {
            List<String> summary = b.captureSummary();
            System.out.println("galera start lines (polling): " + summary);
            assertEquals(CaptureSummary.GALERA_POLLING, summary.get(summary.size() - 1));
        }
        // With log_slave_updates on every node (scripts/galera-dev.sh), the default finds commit-ordered capture.
        try (JdbcAdapter b = GaleraCluster.adapter(Node.B, DB)) {
            System.out.println("galera start lines (auto): " + b.captureSummary());
            assertEquals(org.esabridge.jdbc.capture.CaptureMode.BINLOG, b.captureMode());
        }
    }

    @Test
    void tenTimesFourNodesStartedTogetherOnAFreshDatabaseThroughBothDatabaseNodesAllStart() throws Exception {
        int trials = 10;
        int nodes = 4;
        int passed = 0;
        for (int trial = 0; trial < trials; trial++) {
            GaleraCluster.freshSchema(DB);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<JdbcAdapter>> starts = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                Node node = i % 2 == 0 ? Node.A : Node.B;
                starts.add(pool.submit(() -> {
                    go.await();
                    return GaleraCluster.adapter(node, DB, JdbcAdapterConfig.DEMO, "true", "pool-size", "3");
                }));
            }
            go.countDown();
            List<JdbcAdapter> started = new ArrayList<>();
            try {
                for (Future<JdbcAdapter> f : starts) {
                    started.add(f.get(120, TimeUnit.SECONDS)); // a node that failed to start throws here
                }
                for (Node node : Node.values()) {
                    assertEquals(Migrations.latest(), count(node, "SELECT COUNT(*) FROM esa_schema_version"));
                    assertEquals(1, count(node, "SELECT COUNT(*) FROM esa_config WHERE name = 'demo-created'"));
                    assertEquals(0, count(node, "SELECT COUNT(*) FROM esa_lease WHERE name = 'start' AND holder IS NOT NULL"));
                }
                assertEquals(count(Node.A, "SELECT COUNT(*) FROM customers"), count(Node.B, "SELECT COUNT(*) FROM customers"));
                passed++;
            } finally {
                started.forEach(JdbcAdapter::close);
            }
        }
        System.out.printf("galera concurrent start: %d of %d trials, %d esa-bridge nodes each (half on each database"
                + " node), all started, migrations and demo rows once%n", passed, trials, nodes);
        assertEquals(trials, passed);
    }

    @Test
    void aCursorOpenedThroughOneDatabaseNodeIsReadAtOnceThroughTheOther() throws Exception {
        GaleraCluster.freshSchema(DB);
        GaleraCluster.exec(Node.A, DB, "CREATE TABLE item (id INT PRIMARY KEY, v INT, modified TIMESTAMP(6) NOT NULL"
                        + " DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), KEY item_mod (modified, id))",
                "INSERT INTO item (id, v) SELECT seq, seq FROM seq_1_to_300");
        Session host = new Session("host");
        int trials = 50;
        try (JdbcAdapter a = GaleraCluster.adapter(Node.A, DB, "page-size", "100");
             JdbcAdapter b = GaleraCluster.adapter(Node.B, DB, "page-size", "100")) {
            for (int i = 0; i < trials; i++) {
                // Without causal reads node B had not yet applied the cursor's rows and answered CURSOR_NOT_FOUND.
                org.esabridge.api.Cursor c = (i % 2 == 0 ? a : b).getModifiedPaged(host, "item", Instant.EPOCH);
                JdbcAdapter other = i % 2 == 0 ? b : a;
                org.esabridge.api.xml.RecordingResultHandler page = new org.esabridge.api.xml.RecordingResultHandler();
                other.readDataPage(host, c.cursorId(), c.pageCount() - 1, page);
                assertEquals(100, page.records().size(), "trial " + i);
                other.closeCursor(host, c.cursorId());
            }
        }
    }

    /** What each of the two writers of a round was told. */
    private record Outcome(Node node, Instant written, ErrorCode refused) {
    }

    private Outcome[] race(Callable<Instant> onA, Callable<Instant> onB) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<Future<Outcome>> both = new ArrayList<>();
        for (Node node : Node.values()) {
            Callable<Instant> write = node == Node.A ? onA : onB;
            both.add(pool.submit(() -> {
                barrier.await(30, TimeUnit.SECONDS);
                try {
                    return new Outcome(node, write.call(), null);
                } catch (EsaException e) {
                    return new Outcome(node, null, e.code());
                }
            }));
        }
        return new Outcome[] {both.get(0).get(60, TimeUnit.SECONDS), both.get(1).get(60, TimeUnit.SECONDS)};
    }

    private static long conflicts() throws SQLException {
        long n = 0;
        for (Node node : Node.values()) {
            n += GaleraCluster.status(node, "wsrep_local_cert_failures") + GaleraCluster.status(node, "wsrep_local_bf_aborts");
        }
        return n;
    }

    @Test
    void twoNodesWritingTheSameRecordThroughBothDatabaseNodesApplyEachWriteOnceAndReportOnlyWhatLanded()
            throws Exception {
        GaleraCluster.freshSchema(DB);
        // writes counts the updates that were applied (a trigger on the origin node; the row replicates).
        GaleraCluster.exec(Node.A, DB, "CREATE TABLE counter (id INT PRIMARY KEY, owner VARCHAR(20), round INT,"
                        + " writes INT NOT NULL DEFAULT 0, modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
                        + " ON UPDATE CURRENT_TIMESTAMP(6), KEY counter_mod (modified, id))",
                "CREATE TRIGGER counter_writes BEFORE UPDATE ON counter FOR EACH ROW SET NEW.writes = OLD.writes + 1",
                "INSERT INTO counter (id, owner, round) VALUES (1, 'none', -1)");
        String[] writable = {"structure.counter.writable", "true", "query-timeout-seconds", "20"};
        Map<ErrorCode, Integer> refusals = new TreeMap<>();
        int rounds = 40;
        int creates = 20;
        long conflictsBefore = conflicts();
        try (JdbcAdapter a = GaleraCluster.adapter(Node.A, DB, writable);
             JdbcAdapter b = GaleraCluster.adapter(Node.B, DB, writable)) {
            int updatesApplied = 0;
            for (int round = 0; round < rounds; round++) {
                ExternalRecord seen = a.read("counter", "1");
                String r = String.valueOf(round);
                Outcome[] outcomes = race(
                        () -> a.update(new Session("host"), "counter", seen.modifiedAt(), new ExternalRecord("1", null,
                                List.of(new FieldValue("owner", "A"), new FieldValue("round", r)))),
                        () -> b.update(new Session("host"), "counter", seen.modifiedAt(), new ExternalRecord("1", null,
                                List.of(new FieldValue("owner", "B"), new FieldValue("round", r)))));
                List<Outcome> won = new ArrayList<>();
                for (Outcome o : outcomes) {
                    if (o.written() != null) {
                        won.add(o);
                    } else {
                        assertTrue(o.refused() == ErrorCode.RECORD_MODIFIED || o.refused() == ErrorCode.DATABASE_UNAVAILABLE,
                                "round " + round + ": " + o);
                        refusals.merge(o.refused(), 1, Integer::sum);
                    }
                }
                assertEquals(1, won.size(), "round " + round + ": exactly one write lands, " + List.of(outcomes));
                updatesApplied++;
                try (Connection c = GaleraCluster.connect(Node.B, DB); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT owner, round, writes, modified FROM counter WHERE id = 1")) {
                    rs.next();
                    assertEquals(won.get(0).node().name(), rs.getString(1), "round " + round + ": the winner's values");
                    assertEquals(round, rs.getInt(2));
                    assertEquals(updatesApplied, rs.getInt(3), "round " + round + ": every update applied once");
                }
                assertEquals(a.read("counter", "1").modifiedAt(), won.get(0).written(),
                        "round " + round + ": the answer is the stored version");
            }
            for (int i = 0; i < creates; i++) {
                String id = String.valueOf(100 + i);
                Outcome[] outcomes = race(
                        () -> a.create(new Session("host"), "counter", new ExternalRecord(id, null,
                                List.of(new FieldValue("owner", "A")))).modifiedAt(),
                        () -> b.create(new Session("host"), "counter", new ExternalRecord(id, null,
                                List.of(new FieldValue("owner", "B")))).modifiedAt());
                List<Outcome> won = new ArrayList<>();
                for (Outcome o : outcomes) {
                    if (o.written() != null) {
                        won.add(o);
                    } else {
                        assertTrue(o.refused() == ErrorCode.DUPLICATE_RECORD || o.refused() == ErrorCode.DATABASE_UNAVAILABLE,
                                "create " + id + ": " + o);
                        refusals.merge(o.refused(), 1, Integer::sum);
                    }
                }
                assertEquals(1, won.size(), "create " + id + ": exactly one lands, " + List.of(outcomes));
                assertEquals(won.get(0).node().name(), a.read("counter", id).field("owner").text());
            }
        }
        long conflicts = conflicts() - conflictsBefore;
        System.out.printf("galera write conflicts: %d update rounds and %d create rounds, each with one writer per"
                + " database node: exactly one write landed each time, applied once; %d certification failures or"
                + " brute-force aborts on the two nodes; the other writer was told %s%n", rounds, creates, conflicts, refusals);
        assertTrue(conflicts > 0, "the writes did conflict in the cluster, or this test proved nothing");
    }
}
