package org.esabridge.jdbc.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.dialect.StateTables;

/**
 * Exact capture from the database's own log into the change index, whatever the engine: each engine that has one
 * hands out its {@link Support} ({@link org.esabridge.jdbc.dialect.Engine#logCapture()}). One reader per database
 * across nodes ({@link CaptureLeadership}); {@code getCurrentTime} is its {@link #fence()}.
 */
public interface LogCapture extends CaptureStatus, AutoCloseable {
    /** getCurrentTime's fence. */
    CaptureFence fence();

    /** Checks tables served after the start against what the log can capture ({@link #uncapturable()}). */
    void check(Connection c, List<Table> served) throws SQLException;

    /**
     * Brings what the capture keeps per table up to the served tables, at every catalog reload (e.g. a publication
     * of the logged tables follows tables created or recreated since the start); nothing to do for a log of every
     * table.
     */
    default void refresh(Connection c, List<Table> served) throws SQLException {
    }

    /** Served tables the log does not capture, with the reason: they are polled (their triggers). */
    Map<String, String> uncapturable();

    /**
     * Why a served table without a modification column, which only the change index can stamp, is not served while
     * the log does not capture it ({@link #uncapturable()}), as {@code "reason - remedy"}; null when the reason is that
     * the log cannot spell its ids.
     */
    default String unservedReason(String table) {
        return null;
    }

    /** This node's part in the capture, leading or following: the status below is its. */
    CaptureStatus status();

    @Override
    default boolean leader() {
        return status().leader();
    }

    @Override
    default double lagSeconds() {
        return status().lagSeconds();
    }

    @Override
    default long lagEvents() {
        return status().lagEvents();
    }

    @Override
    default long eventsRead() {
        return status().eventsRead();
    }

    @Override
    default long entriesWritten() {
        return status().entriesWritten();
    }

    @Override
    default long gaps() {
        return status().gaps();
    }

    @Override
    default boolean healthy(int maxLagSeconds) {
        return status().healthy(maxLagSeconds);
    }

    /** Stops reading and gives the reader's lease up. */
    @Override
    void close();

    /** The catalog as the reader sees it: the served table of that name, or null. */
    @FunctionalInterface
    interface Tables {
        Table find(String name);
    }

    /**
     * Where and as whom the capture connects to the log: the pool's URL and account (the embedded server's when no
     * {@code jdbc-url} is given).
     */
    record Server(String jdbcUrl, String user, String password) {
        @Override
        public String toString() {
            return "Server[" + user + " at " + jdbcUrl + "]"; // never the password
        }
    }

    /** An engine's log capture: whether it can run, starting it, and removing what it keeps on the server. */
    interface Support {
        /** The log's name for people, in start lines and reasons (e.g. "the binary log"). */
        String logName();

        /** What log capture lacks on this server for this account, each with its remedy; empty when it can run. */
        List<String> missing(Connection c, JdbcAdapterConfig config, Server server) throws SQLException;

        /** Starts capturing in the background (leading or waiting to lead). */
        LogCapture start(Start start) throws SQLException;

        /**
         * What a start needs.
         *
         * @param capturePool the capture's own connections (a reader holds one while it runs)
         * @param callPool    the calls' connections, for getCurrentTime's fence
         * @param schema      the served schema: only its tables' changes are read
         * @param served      the tables served at start, checked against what the log can capture
         * @param tables      the catalog, asked when the log names a table
         */
        record Start(DataSource capturePool, DataSource callPool, StateTables state, JdbcAdapterConfig config,
                     Server server, String schema, List<Table> served, Tables tables) {
        }

        /**
         * Removes what the capture keeps on the server (a replication slot, a publication), so that nothing holds
         * the database's log after an uninstall; returns what was removed, for the operator. {@code connect} is
         * called only by an engine that keeps something there.
         */
        List<String> uninstall(Connect connect, JdbcAdapterConfig config) throws SQLException;

        /** Opens a connection to the database, for {@link #uninstall}. */
        @FunctionalInterface
        interface Connect {
            Connection open() throws SQLException;
        }
    }
}
