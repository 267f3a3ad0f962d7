package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.jdbc.GaleraCluster.Node;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Promise 1 scaled out (issue 17): writers on both database nodes of a Galera cluster insert, update and delete
 * for a minute (some transactions rolled back; through A some held open 1–3 s, as an application with long
 * transactions on one database node — B's own would widen B's watermark and hide the gap), while a sync host alternates its calls
 * between two esa-bridge nodes, one on each database node; the one on A, started first (in binlog mode the
 * capture leader), is killed a third of the way in and started again a third later (meanwhile only the node on
 * B serves, blind in polling mode to transactions open on A). After one last sync the replica equals the table: 0 missed, 0 stale, 0 ghosts.
 * Skipped without a cluster (see {@link GaleraCluster}).
 */
@Tag("galera")
class GaleraReplicaSoakTest {
    private static final String DB = "esa_galera_soak_test";
    private static final int INITIAL = 2000;
    private static final int WRITERS_PER_NODE = 2;
    private static final long RUN_MILLIS = 60_000;
    private static final String[] SETTINGS = {"page-size", "100", "inline-threshold", "50", "pool-size", "6"};

    @BeforeEach
    void cluster() throws Exception {
        GaleraCluster.assumeConfigured();
        GaleraCluster.freshSchema(DB);
        GaleraCluster.exec(Node.A, DB, "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, modified TIMESTAMP(6) NOT NULL"
                        + " DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), KEY item_mod (modified, id))",
                "INSERT INTO item (id, v) SELECT seq, 0 FROM seq_1_to_" + INITIAL);
    }

    /** Mixed writes through one database node until told to stop; only those through A are held open. */
    private static final class Writer extends ItemWriter {
        private final Node node;

        Writer(Node node, int seed, AtomicBoolean stop, AtomicInteger nextId) {
            super(seed, stop, 16, 5, nextId);
            this.node = node;
        }

        @Override
        Connection connect() throws SQLException {
            Connection c = GaleraCluster.connect(node, DB);
            try (Statement s = c.createStatement()) {
                s.execute("SET wsrep_sync_wait = 0"); // a writer as any application's: no causal reads
            }
            return c;
        }

        @Override
        boolean holds() {
            return node == Node.A;
        }
    }

    /** The esa-bridge nodes a load balancer would send calls to, in turn. */
    private static final class Nodes {
        private final List<ExternalSystemAdapter> live = new ArrayList<>();
        private int next;

        ExternalSystemAdapter next() {
            return live.get(next++ % live.size());
        }
    }

    private static Map<String, ExternalRecord> table() throws SQLException {
        try (Connection c = GaleraCluster.connect(Node.A, DB)) {
            return ReplicaCheck.table(c, "item", "v");
        }
    }

    @Test
    void aReplicaPulledThroughBothNodesWhileWritersRunOnBothAndANodeRestartsEqualsTheTable() throws Exception {
        JdbcAdapter onA = GaleraCluster.adapter(Node.A, DB, SETTINGS);
        JdbcAdapter onB = GaleraCluster.adapter(Node.B, DB, SETTINGS);
        Nodes nodes = new Nodes();
        nodes.live.add(onA);
        nodes.live.add(onB);
        ReplicaHost host = new ReplicaHost(nodes::next, "host", "item");
        List<String> summary = onB.captureSummary();
        try {
            host.sync();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger nextId = new AtomicInteger(INITIAL + 1);
            ExecutorService pool = Executors.newFixedThreadPool(2 * WRITERS_PER_NODE);
            List<Writer> writers = new ArrayList<>();
            List<Future<Integer>> running = new ArrayList<>();
            for (int w = 0; w < 2 * WRITERS_PER_NODE; w++) {
                Writer writer = new Writer(w % 2 == 0 ? Node.A : Node.B, w, stop, nextId);
                writers.add(writer);
                running.add(pool.submit(writer));
            }
            long start = System.currentTimeMillis();
            long end = start + RUN_MILLIS;
            boolean killed = false;
            boolean restarted = false;
            Random pause = new Random(7);
            while (System.currentTimeMillis() < end) {
                long elapsed = System.currentTimeMillis() - start;
                if (!killed && elapsed > RUN_MILLIS / 3) {
                    nodes.live.remove(onA); // the load balancer's health check drops it
                    onA.close();
                    killed = true;
                } else if (killed && !restarted && elapsed > 2 * RUN_MILLIS / 3) {
                    onA = GaleraCluster.adapter(Node.A, DB, SETTINGS);
                    nodes.live.add(onA);
                    restarted = true;
                }
                host.sync();
                Thread.sleep(100 + pause.nextInt(400));
            }
            int statements = SoakWriter.stopAll(stop, running, pool);
            host.sync();

            Map<String, ExternalRecord> table = table();
            ReplicaCheck.Counts counts = ReplicaCheck.compare(host.replica, table);
            System.out.printf("galera soak (%s): %d rows, %d write statements through both database nodes, %d held"
                            + " transactions, %d lost to conflicts; esa-bridge node A killed at %d s and restarted at %d s;"
                            + " host: %d syncs, %d cursors, %d pages, %d entries delivered; missed=%d stale=%d ghosts=%d%n",
                    summary.get(0), table.size(), statements, writers.stream().mapToInt(w -> w.held.get()).sum(),
                    writers.stream().mapToInt(w -> w.lost.get()).sum(), RUN_MILLIS / 3000, 2 * RUN_MILLIS / 3000,
                    host.syncs, host.cursors, host.pages, host.delivered, counts.missed(), counts.stale(), counts.ghosts());
            assertTrue(killed && restarted);
            assertTrue(host.cursors > 0, "the paged path was exercised");
            assertEquals(new ReplicaCheck.Counts(0, 0, 0), counts, "missed, stale, ghosts");
        } finally {
            onA.close();
            onB.close();
        }
    }
}
