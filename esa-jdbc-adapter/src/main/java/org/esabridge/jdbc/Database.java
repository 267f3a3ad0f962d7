package org.esabridge.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.esabridge.jdbc.capture.LogCapture;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The connection pool, and the embedded server behind it when there is one; closing stops both. */
final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /** Connections of the log capture (its writer, lease and layout lookups), apart from the calls'. */
    private static final int CAPTURE_POOL_SIZE = 3;

    private final HikariDataSource pool;
    private final HikariConfig config;
    private final Engine.EmbeddedServer embedded;
    private HikariDataSource capturePool;
    private HikariDataSource renewalPool;

    private Database(HikariDataSource pool, HikariConfig config, Engine.EmbeddedServer embedded) {
        this.pool = pool;
        this.config = config;
        this.embedded = embedded;
    }

    static Database open(JdbcAdapterConfig config, Engine engine, Dialect dialect) {
        Engine.EmbeddedServer embedded = null;
        String url = config.jdbcUrl();
        String user = config.jdbcUser();
        String password = config.jdbcPassword();
        if (url == null) {
            embedded = engine.startEmbedded(config);
            url = embedded.url();
            user = embedded.user();
            password = embedded.password();
        }
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("esa-jdbc");
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(config.poolSize());
        hc.setMinimumIdle(Math.min(2, config.poolSize()));
        hc.setConnectionTimeout(3_000);
        // Every session in UTC with strict values (Dialect#sessionInitSql); the driver reads and writes java.time
        // values in this zone too.
        // A write waits for a row lock at most a quarter of query-timeout-seconds (at least 1 s): its bounded
        // retries (write.Deadlocks) then fit in the time one statement may take, instead of InnoDB's 50 s each.
        int lockWait = Math.max(1, config.queryTimeoutSeconds() / 4);
        boolean causalReads = embedded == null && isGaleraNode(url, user, password, dialect);
        hc.setConnectionInitSql(dialect.sessionInitSql(lockWait, causalReads));
        dialect.driverProperties().forEach(hc::addDataSourceProperty);
        // Start even when the database is down; calls then answer DATABASE_UNAVAILABLE.
        hc.setInitializationFailTimeout(-1);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
        return new Database(pool, hc, embedded);
    }

    /**
     * Asked once, before the pool exists, because the pool's session set-up depends on it (see
     * {@link Dialect#sessionInitSql}); a database that cannot be reached now counts as a plain server.
     */
    private static boolean isGaleraNode(String url, String user, String password, Dialect dialect) {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        dialect.probeProperties().forEach(p::setProperty);
        try (Connection c = DriverManager.getConnection(url, p)) {
            return dialect.isGaleraNode(c);
        } catch (SQLException e) {
            LOG.debug("could not ask the database whether it is a Galera node: {}", e.getMessage());
            return false;
        }
    }

    /** Where the log capture connects: the pool's server and account. */
    LogCapture.Server server() {
        return new LogCapture.Server(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
    }

    DataSource dataSource() {
        return pool;
    }

    /**
     * A small pool of its own for the log capture, made on first use: the reader holds a connection while it
     * runs, which must never starve the calls (with {@code pool-size=1} it would take the only one), nor calls the
     * reader.
     */
    synchronized DataSource capturePool() {
        if (capturePool == null) {
            HikariConfig hc = new HikariConfig();
            config.copyStateTo(hc);
            hc.setPoolName("esa-capture");
            hc.setMaximumPoolSize(CAPTURE_POOL_SIZE);
            hc.setMinimumIdle(1);
            capturePool = new HikariDataSource(hc);
        }
        return capturePool;
    }

    /**
     * One connection of its own for renewing the leases whose work holds a call connection meanwhile (the start's):
     * with {@code pool-size=1}, or every connection busy with calls, the renewal would wait for the pool until the
     * lease ran out. Opened when a renewal is due and closed when idle, so it costs nothing between starts.
     */
    synchronized DataSource renewalPool() {
        if (renewalPool == null) {
            HikariConfig hc = new HikariConfig();
            config.copyStateTo(hc);
            hc.setPoolName("esa-lease-renewal");
            hc.setMaximumPoolSize(1);
            hc.setMinimumIdle(0);
            hc.setIdleTimeout(10_000);
            renewalPool = new HikariDataSource(hc);
        }
        return renewalPool;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (capturePool != null) {
                capturePool.close();
            }
            if (renewalPool != null) {
                renewalPool.close();
            }
        }
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
