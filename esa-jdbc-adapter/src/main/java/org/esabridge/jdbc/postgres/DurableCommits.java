package org.esabridge.jdbc.postgres;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The log reader's index writer's connections, whose commits return once they are flushed to this server's WAL, also
 * on a server that runs with {@code synchronous_commit=off}: the writer tells the slot and the fence by position
 * ({@link WalHead}) that the index holds a batch only after its commit, and a batch that a crash could still take
 * back must not be confirmed. The flush also carries every WAL record before it to disk, and so to the walsender: the
 * fence's head on an idle log (the writer's own last batch) reaches the reader at once, not when the WAL writer next
 * wakes ({@code wal_writer_delay}).
 *
 * <p>{@code local}, not {@code on}: a commit that waited for the synchronous standbys would wait for the reader itself
 * when {@code synchronous_standby_names} names its walsender (or is {@code *}), and the reader confirms a batch only
 * once its commit returned. A session setting: the pool's connection keeps it, which suits every capture connection.
 */
final class DurableCommits implements DataSource {
    private final DataSource pool;

    DurableCommits(DataSource pool) {
        this.pool = pool;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection c = pool.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit = local");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool's account only");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return pool.isWrapperFor(type);
    }
}
