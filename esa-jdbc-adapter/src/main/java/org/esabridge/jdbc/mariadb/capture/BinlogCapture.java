package org.esabridge.jdbc.mariadb.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.capture.CaptureFence;
import org.esabridge.jdbc.capture.CaptureLeadership;
import org.esabridge.jdbc.capture.CaptureStatus;
import org.esabridge.jdbc.capture.ChangeIndex;
import org.esabridge.jdbc.capture.LogCapture;
import org.esabridge.jdbc.capture.TablesByReason;
import org.esabridge.jdbc.capture.WrittenThrough;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.cluster.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binlog change capture on one node: exactly one reader per database across all nodes ({@link CaptureLeadership}).
 * The leader runs a {@link BinlogReader} and names its replication connection in the lease ({@link Lease#watch}).
 * The others take the lease over as soon as that connection is gone from the server (the leader's process died or
 * its connection was killed; seen with the same account or the PROCESS privilege), else when the lease expires. A
 * position the server no longer has is recorded as a gap ({@link ChangeIndex#recordGap}), counted and logged.
 */
public final class BinlogCapture implements LogCapture {
    private static final Logger LOG = LoggerFactory.getLogger(BinlogCapture.class);

    /** MariaDB's binary-log capture for {@link org.esabridge.jdbc.dialect.Engine#logCapture()}. */
    public static final Support SUPPORT = new Support() {
        @Override
        public String logName() {
            return "the binary log";
        }

        @Override
        public List<String> missing(Connection c, JdbcAdapterConfig config, Server server) throws SQLException {
            return BinlogAccess.missing(c, endpoint(server));
        }

        @Override
        public LogCapture start(Start start) throws SQLException {
            return BinlogCapture.start(start);
        }

        @Override
        public List<String> uninstall(Connect connect, JdbcAdapterConfig config) {
            return List.of(); // a replica keeps nothing on the server
        }
    };

    /**
     * Followers look every 500 ms (at most; a third of a short lease); the leader looks at its reader every 100 ms; a
     * connection silent for 10 s (heartbeats come every second) is taken for dead.
     */
    private static final CaptureLeadership.Timing TIMING = new CaptureLeadership.Timing(500, 100, 10_000);

    private final DataSource ds;
    private final BinlogEndpoint endpoint;
    private final String schema;
    private final CaptureLeadership<BinlogReader> leadership;
    private final ChangeIndex index;
    private final TableTargets targets;
    /** How SQL spells a table's name, for the reasons' remedies. */
    private final UnaryOperator<String> quote;
    private final CaptureFence fence;
    /** How far this node's reader has written, for the position fence; null on Galera. */
    private final WrittenThrough through;
    /** The reader's connection last named in the lease (the leader thread's). */
    private long watched;

    private BinlogCapture(Support.Start s, BinlogEndpoint endpoint, boolean namesFolded, boolean galera) {
        this.ds = s.capturePool();
        this.endpoint = endpoint;
        this.schema = s.schema();
        this.leadership = new CaptureLeadership<>("binlog capture", "esa-binlog", ds, s.state(),
                s.config().captureLease(), TIMING, new Reading());
        this.index = new ChangeIndex(leadership.lease(), s.state(), GtidPositions::head);
        this.targets = new TableTargets(ds, s.tables(), schema, s.state(), namesFolded);
        this.quote = s.state().dialect()::quote;
        this.through = writtenThrough(galera);
        this.fence = new CaptureFence(s.callPool(), s.state().dialect(), s.state(), s.config().captureFenceTimeout(),
                s.config().captureLease(), through == null ? null : GtidHead.INSTANCE, through);
    }

    /**
     * What the position fence needs, or null where every fence sets a marker: on Galera a transaction certified on
     * another node may reach this node's log after a commit there returned, so only a marker written through the
     * cluster is surely after it.
     */
    static WrittenThrough writtenThrough(boolean galera) {
        return galera ? null : new WrittenThrough(GtidHead.INSTANCE);
    }

    private static BinlogEndpoint endpoint(Server server) {
        return BinlogEndpoint.of(server.jdbcUrl(), server.user(), server.password());
    }

    /** Starts capturing in the background (leading or waiting to lead). */
    static BinlogCapture start(Support.Start s) throws SQLException {
        boolean namesFolded;
        boolean galera;
        try (Connection c = s.capturePool().getConnection(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT @@lower_case_table_names")) {
            namesFolded = rs.next() && rs.getInt(1) != 0;
            galera = s.state().dialect().isGaleraNode(c);
        }
        BinlogCapture capture = new BinlogCapture(s, endpoint(s.server()), namesFolded, galera);
        try (Connection c = s.capturePool().getConnection()) {
            capture.targets.check(c, s.served());
            // The first start's position is taken here, not by the reader thread: a fence set once start returns
            // is then surely after it (INSERT IGNORE: whichever node starts first fixes it).
            capture.index.loadOrStart(c);
        }
        capture.leadership.start();
        return capture;
    }

    @Override
    public CaptureFence fence() {
        return fence;
    }

    /**
     * Checks tables served after the start (a catalog refresh) against what the log can spell, so that every node,
     * not only the reader's, knows at once which tables need polling ({@link #uncapturable()}).
     */
    @Override
    public synchronized void check(Connection c, List<Table> served) throws SQLException {
        // Synchronized: two reloads at once (a call's and the reader's) name a table once between them.
        Map<String, String> before = Map.copyOf(targets.uncapturable());
        targets.check(c, served);
        Map<String, String> polled = new TreeMap<>();
        targets.uncapturable().forEach((table, why) -> {
            if (!why.equals(before.get(table))) {
                polled.put(table, why);
            }
        });
        if (!polled.isEmpty()) {
            // The start line names those the start finds; these the log names, as the start line would.
            LOG.warn("binlog capture: served by their triggers (polling) instead: {}",
                    TablesByReason.of(polled, quote, Integer.MAX_VALUE));
        }
    }

    /** Served tables whose ids the binary log cannot spell, with the reason: they need polling. */
    @Override
    public Map<String, String> uncapturable() {
        return targets.uncapturable();
    }

    @Override
    public CaptureStatus status() {
        return leadership;
    }

    /** The binary log's part in leading: a reader per turn, the replication connection watched, gaps recorded. */
    private final class Reading implements CaptureLeadership.Log<BinlogReader> {
        @Override
        public String source() {
            return "the binary log of " + schema;
        }

        @Override
        public BinlogReader open(Connection c) throws SQLException {
            watched = 0;
            return new BinlogReader(endpoint, schema, ds, index, index.loadOrStart(c), targets, fence::reached,
                    leadership.stats(), through);
        }

        @Override
        public boolean takeOver(Connection c, Lease lease) throws SQLException {
            if (!lease.takeOverIfHolderGone(c)) {
                return false;
            }
            LOG.info("binlog capture: the reading node's replication connection is gone; taking over");
            return true;
        }

        /** Names the reader's replication connection in the lease, so that its end is seen by the other nodes. */
        @Override
        public void look(BinlogReader r) {
            long connection = r.connectionId();
            if (connection == 0 || connection == watched) {
                return;
            }
            watched = connection;
            try (Connection c = ds.getConnection()) {
                if (!leadership.lease().watch(c, connection)) {
                    LOG.debug("binlog capture: replication connection {} is not visible to this node's own"
                            + " connections; another node takes over only when the lease expires", connection);
                }
            } catch (SQLException e) {
                LOG.debug("binlog capture: replication connection not named in the lease: {}", e.getMessage());
            }
        }

        @Override
        public void gap(BinlogReader r) {
            try (Connection c = ds.getConnection()) {
                ChangeIndex.State before = r.stored();
                ChangeIndex.State after = index.recordGap(c, before);
                leadership.stats().gap();
                LOG.warn("binlog capture: GAP - the binary log from {} is no longer on the server ({}); reading on"
                        + " from {}. Changes in between are not in the index: getModified for an earlier 'after'"
                        + " reads whole tables, getDeleted answers NOT_SUPPORTED (compare ids). Keep binary logs"
                        + " longer than the longest reader outage (expire_logs_days / embedded-binlog-retention-days)",
                        before.position(), r.failure(), after.position());
            } catch (SQLException | ChangeIndex.LostLeadershipException e) {
                LOG.warn("binlog capture: could not record a gap: {}", e.getMessage());
            }
        }
    }

    /** Whether this node, not leading, saw the leader's replication connection alive at its last look. */
    boolean seesLeaderAlive() {
        return !leadership.leader() && leadership.lease().seesHolderAlive();
    }

    /** Stops reading as a node that dies does: without giving the lease up, so another node waits for it to expire. */
    void halt() {
        leadership.halt();
    }

    /** Stops reading and gives the lease up, so another node takes over at once. */
    @Override
    public void close() {
        leadership.close();
    }
}
