package org.esabridge.jdbc.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named lease in {@code esa_lease}: at most one holder at a time among all nodes that share the database.
 *
 * <p>It is a row taken by a conditional {@code UPDATE} (free, expired, or already ours), so it holds on a
 * Galera cluster too: the row replicates and two nodes taking it at once conflict at certification, one of
 * them losing. {@code GET_LOCK} would not do: it is local to one Galera node. A holder that dies simply stops
 * renewing; another node takes the lease once it has expired, so a lease is held for a bounded time after its
 * holder is gone. Times are the database's, so node clocks do not matter.
 *
 * <p>Renewal is the holder's business ({@link #tryAcquire()} again well within the time to live; {@link #runHolding}
 * renews while its work runs); a writer that must not write once deposed checks {@link #stillHeld(Connection)} inside
 * its own transaction.
 *
 * <p>A holder may also name a server connection of its own whose end means it is gone ({@link #watch}); a node
 * waiting for the lease that has seen that connection alive and then sees it gone takes the lease over at once
 * ({@link #takeOverIfHolderGone}) instead of waiting out the time to live. The server drops a connection as soon
 * as the holder's process dies or its connection is killed; a holder whose host vanishes without closing its
 * sockets is still noticed only by expiry.
 */
public final class Lease {
    private static final Logger LOG = LoggerFactory.getLogger(Lease.class);
    private final DataSource ds;
    /** Where {@link #runHolding}'s renewals connect: apart from the work's pool, whose connections it may hold. */
    private final Supplier<DataSource> renewals;
    private final Dialect dialect;
    private final String table;
    private final String name;
    private final String holderId;
    private final long ttlMicros;
    /** Guards {@link #works} and {@link #renewal}: {@link #runHolding}'s works under way in this process. */
    private final Object holding = new Object();
    private int works;
    private Renewal renewal;
    /** The holder's watched connection as last seen alive from here ({@link #takeOverIfHolderGone}). */
    private volatile String seenAlive;

    /**
     * @param name     what the lease guards, e.g. {@code migrations}
     * @param holderId this node's (and purpose's) unique id; the same id renews, any other waits
     * @param ttl      how long the lease outlives its last renewal
     */
    public Lease(DataSource ds, Dialect dialect, String name, String holderId, Duration ttl) {
        this(ds, dialect, StateTables.inConnectionSchema(dialect), name, holderId, ttl);
    }

    /** A lease kept in {@code state}'s {@code esa_lease}. */
    public Lease(DataSource ds, Dialect dialect, StateTables state, String name, String holderId, Duration ttl) {
        this(ds, () -> ds, dialect, state, name, holderId, ttl);
    }

    /**
     * @param renewals where {@link #runHolding}'s renewals connect, when its works hold connections of {@code ds}
     *                 (with a pool of one, all of them): asked when the first renewal is due
     */
    public Lease(DataSource ds, Supplier<DataSource> renewals, Dialect dialect, StateTables state, String name,
                 String holderId, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a lease needs a positive time to live: " + ttl);
        }
        this.ds = ds;
        this.renewals = renewals;
        this.dialect = dialect;
        this.table = state.lease();
        this.name = name;
        this.holderId = holderId;
        this.ttlMicros = ttl.toNanos() / 1000;
    }

    /**
     * Creates {@code esa_lease} (with the rest of the bootstrap tables, {@link Dialect#bootstrapSql}) unless it
     * exists; idempotent, safe from several nodes at once.
     */
    public static void createTable(Connection c, StateTables state) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : state.dialect().bootstrapSql(state)) {
                s.execute(sql);
            }
        }
    }

    public String name() {
        return name;
    }

    public String holderId() {
        return holderId;
    }

    /** Takes the lease if it is free or expired, renews it if it is ours; true when it is ours now. */
    public boolean tryAcquire() throws SQLException {
        try (Connection c = ds.getConnection()) {
            return tryAcquire(c);
        }
    }

    /** {@link #tryAcquire()} on the given connection, which must be in auto-commit mode. */
    public boolean tryAcquire(Connection c) throws SQLException {
        String now = dialect.now();
        try {
            try (PreparedStatement ps = c.prepareStatement(dialect.insertIfAbsent(table,
                    "name, holder, expires_at", "VALUES (?, NULL, " + now + ")"))) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET holder = ?, expires_at = "
                    + dialect.plus(now, "?", ChronoUnit.MICROS)
                    + " WHERE name = ? AND (holder = ? OR holder IS NULL OR expires_at < " + now + ")")) {
                ps.setString(1, holderId);
                ps.setLong(2, ttlMicros);
                ps.setString(3, name);
                ps.setString(4, holderId);
                return ps.executeUpdate() == 1;
            }
        } catch (SQLException e) {
            // Another node took or created the row in the same instant (a deadlock here, a certification
            // conflict on Galera): it won this round.
            if (dialect.isRetryable(e)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Names a connection of this holder's (by its server-side id) whose end shows the holder gone. Recorded only
     * while the lease is ours and when {@code c} itself sees that connection on its server, so a watcher on the same
     * server can see it too (given the same account or the PROCESS privilege).
     *
     * @return whether it was recorded
     */
    public boolean watch(Connection c, long connectionId) throws SQLException {
        if (!connectionAlive(c, connectionId)) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET watched_holder = holder, watched_server = "
                + dialect.serverNameSql() + ", watched_connection = ? WHERE name = ? AND holder = ?")) {
            ps.setLong(1, connectionId);
            ps.setString(2, name);
            ps.setString(3, holderId);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Takes the lease over when its holder's watched connection ({@link #watch}), which this node saw alive on an
     * earlier call, is gone from the server; remembers it when it is alive. The takeover is a conditional update
     * on the same holder and connection, so of several watchers one wins, and a holder that meanwhile named a new
     * connection keeps its lease.
     *
     * @return whether the lease is ours now
     */
    public boolean takeOverIfHolderGone(Connection c) throws SQLException {
        String holder;
        long connection;
        try (PreparedStatement ps = c.prepareStatement("SELECT holder, watched_connection FROM " + table + " WHERE name = ?"
                + " AND holder IS NOT NULL AND holder <> ? AND watched_holder = holder AND watched_server = "
                + dialect.serverNameSql())) {
            ps.setString(1, name);
            ps.setString(2, holderId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    seenAlive = null;
                    return false;
                }
                holder = rs.getString(1);
                connection = rs.getLong(2);
            }
        }
        String watched = holder + "#" + connection;
        if (connectionAlive(c, connection)) {
            seenAlive = watched;
            return false;
        }
        if (!watched.equals(seenAlive)) {
            // Never seen alive from here: this node may not be allowed to see it (another account, no PROCESS).
            return false;
        }
        seenAlive = null;
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET holder = ?, expires_at = "
                + dialect.plus(dialect.now(), "?", ChronoUnit.MICROS) + ", watched_holder = NULL, watched_server = NULL,"
                + " watched_connection = NULL WHERE name = ? AND holder = ? AND watched_connection = ?")) {
            ps.setString(1, holderId);
            ps.setLong(2, ttlMicros);
            ps.setString(3, name);
            ps.setString(4, holder);
            ps.setLong(5, connection);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            if (dialect.isRetryable(e)) {
                return false; // another watcher won the same takeover
            }
            throw e;
        }
    }

    /** Whether this node saw the holder's watched connection alive at its last look: a takeover will be quick. */
    public boolean seesHolderAlive() {
        return seenAlive != null;
    }

    private boolean connectionAlive(Connection c, long connectionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.connectionExistsSql())) {
            ps.setLong(1, connectionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Takes the lease from {@code holder} before it expires, when the caller has seen for itself that the holder no
     * longer does what the lease guards (log capture through a slot: the slot has no reader). False when the
     * holder changed meanwhile. A holder still alive finds out at its next {@link #stillHeld} and stops.
     */
    public boolean takeOver(Connection c, String holder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET holder = ?, expires_at = "
                + dialect.plus(dialect.now(), "?", ChronoUnit.MICROS) + " WHERE name = ? AND holder = ?")) {
            ps.setString(1, holderId);
            ps.setLong(2, ttlMicros);
            ps.setString(3, name);
            ps.setString(4, holder);
            return ps.executeUpdate() == 1;
        }
    }

    /** Gives the lease up at once if it is ours; a no-op otherwise. */
    public void release() throws SQLException {
        try (Connection c = ds.getConnection()) {
            release(c);
        }
    }

    /** {@link #release()} on the given connection. */
    public void release(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE " + table + " SET holder = NULL WHERE name = ? AND holder = ?")) {
            ps.setString(1, name);
            ps.setString(2, holderId);
            ps.executeUpdate();
        }
    }

    /**
     * Inside the caller's transaction: renews the lease if it is still ours and unexpired, and tells whether it
     * was. A write guarded by this check commits only while the lease is held: on one server a node taking the
     * lease over waits for this row lock and then finds it renewed; on Galera the renewal is part of the
     * guarded transaction's writeset, so a takeover committed meanwhile on another node fails it at
     * certification. (A bare {@code SELECT … FOR UPDATE} would do neither on Galera: its locks are local.)
     *
     * <p>Call it last, just before the commit: the row stays locked until then, and every renewal of the lease (the
     * holder's own included) waits for that lock. Checked first in a long transaction, the lease expired under it.
     */
    public boolean stillHeld(Connection c) throws SQLException {
        String now = dialect.now();
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET expires_at = "
                + dialect.plus(now, "?", ChronoUnit.MICROS)
                + " WHERE name = ? AND holder = ? AND expires_at >= " + now)) {
            ps.setLong(1, ttlMicros);
            ps.setString(2, name);
            ps.setString(3, holderId);
            return ps.executeUpdate() == 1;
        }
    }

    /** Work done while holding a lease. */
    @FunctionalInterface
    public interface Work {
        void run() throws SQLException;
    }

    /**
     * Waits up to {@code maxWait} for the lease (a held one is retried until it is released or expires), runs
     * {@code work} holding it and gives it up. The lease is renewed every third of its time to live while the work
     * runs (a migration that rebuilds a large table may take minutes), on a connection of its own.
     *
     * <p>A renewal that finds the lease gone (this process stalled past its time to live, the database was out of
     * reach) cannot take back what the work already did, so the work guards what must not be done twice — its last
     * write, such as a migration's version row — with {@link #stillHeld} in the same transaction, and this method
     * then fails, naming the holder, instead of returning as if the work had held the lease throughout.
     *
     * @throws SQLException when the lease stays taken longer than {@code maxWait}, naming its holder, or when it was
     *                      lost while the work ran
     */
    public void runHolding(Connection c, Duration maxWait, Work work) throws SQLException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        long pauseMillis = 20;
        Renewal under;
        while ((under = enter(c)) == null) {
            if (System.nanoTime() - deadline > 0) {
                throw new SQLException("the " + name + " lease has been held by " + currentHolder(c) + " for more than "
                        + maxWait.toSeconds() + " s (esa_lease)");
            }
            // Another node is at it: nothing to be told about, so look again a little later.
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for the " + name + " lease", e);
            }
            pauseMillis = Math.min(pauseMillis * 2, 500);
        }
        boolean held = false;
        try {
            work.run();
        } finally {
            held = leave(c, under);
        }
        if (!held) {
            throw new SQLException("the " + name + " lease was lost while its work ran (now held by " + currentHolder(c)
                    + "): the work's result is not trusted; start again");
        }
    }

    /**
     * Takes the lease for one more work and returns the renewal it runs under, or null when another holder has it.
     * Works of this holder that overlap (two threads of one node) share the lease and its renewal: the first takes it,
     * the last gives it up ({@link #leave}). Taking and counting, and counting down and giving up, are each one step
     * under the monitor, so that a work that ends never releases the lease just taken for one that begins.
     */
    private Renewal enter(Connection c) throws SQLException {
        synchronized (holding) {
            if (!tryAcquire(c)) {
                return null;
            }
            works++;
            if (renewal == null || renewal.lost()) {
                renewal = new Renewal();
            }
            return renewal;
        }
    }

    /** Ends one work: whether the lease was held throughout; the last work stops renewing and gives it up. */
    private boolean leave(Connection c, Renewal used) throws SQLException {
        synchronized (holding) {
            boolean last = --works == 0;
            if (last) {
                renewal.close();
                renewal = null;
            }
            try {
                return !used.lost() && holderId.equals(currentHolder(c));
            } finally {
                if (last) {
                    release(c);
                }
            }
        }
    }

    /** Extends the lease while it is ours and unexpired, in its own statement; false when it is not. */
    private boolean renew(Connection c) throws SQLException {
        String now = dialect.now();
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET expires_at = "
                + dialect.plus(now, "?", ChronoUnit.MICROS) + " WHERE name = ? AND holder = ? AND expires_at >= " + now)) {
            ps.setLong(1, ttlMicros);
            ps.setString(2, name);
            ps.setString(3, holderId);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * {@link #runHolding}'s renewals: every third of the time to live, so that two may fail (a busy pool, a slow
     * server) before the lease runs out. Only an unexpired lease of ours is extended: one that ran out is never taken
     * back by a renewal, since another node may have done the work meanwhile.
     */
    private final class Renewal implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "esa-lease-renewal-" + name);
            t.setDaemon(true);
            return t;
        });
        private volatile boolean lost;

        Renewal() {
            long period = Math.max(1, ttlMicros / 3000);
            timer.scheduleWithFixedDelay(this::renewOnce, period, period, TimeUnit.MILLISECONDS);
        }

        private void renewOnce() {
            try (Connection r = renewals.get().getConnection()) {
                if (!renew(r)) {
                    lost = true;
                    timer.shutdown();
                    LOG.warn("the {} lease ran out or was taken while its work ran (holder now: {})", name,
                            currentHolder(r));
                }
            } catch (SQLException e) {
                // The next renewal tries again; two more fit in the time to live.
                LOG.warn("the {} lease could not be renewed: {}", name, e.getMessage());
            }
        }

        boolean lost() {
            return lost;
        }

        /** Stops renewing; a renewal under way ends first (it may still find the lease lost). */
        @Override
        public void close() {
            timer.shutdownNow();
            try {
                if (!timer.awaitTermination(Math.max(1, ttlMicros / 1000), TimeUnit.MILLISECONDS)) {
                    lost = true; // a renewal hung past the time to live: the lease cannot be vouched for
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lost = true;
            }
        }
    }

    /** The current holder, or null when the lease is free or expired: for logs, metrics and tests. */
    public String currentHolder(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT holder FROM " + table + " WHERE name = ? AND expires_at >= "
                + dialect.now())) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
