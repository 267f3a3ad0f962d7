package org.esabridge.jdbc.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.dialect.StateTables;
import org.esabridge.jdbc.mariadb.capture.BinlogCapture;
import org.esabridge.jdbc.mariadb.capture.CaptureFence;

/**
 * Exact capture from the database's own log into the change index, whatever the engine: MariaDB's binary log
 * ({@link BinlogCapture}) or PostgreSQL's logical decoding ({@code postgres.PgLogCapture}). One reader per database
 * across nodes; {@code getCurrentTime} is its {@link #fence()}.
 */
public interface LogCapture extends CaptureStatus, AutoCloseable {
    /** getCurrentTime's fence. */
    CaptureFence fence();

    /** Checks tables served after the start against what the log can capture ({@link #uncapturable()}). */
    void check(Connection c, List<Table> served) throws SQLException;

    /**
     * Brings what the capture keeps per table up to the served tables, at every catalog reload (PostgreSQL: the
     * publication follows tables created or recreated since the start); nothing to do for a log of every table.
     */
    default void refresh(Connection c, List<Table> served) throws SQLException {
    }

    /** Served tables the log does not capture, with the reason: they are polled (their triggers). */
    Map<String, String> uncapturable();

    /** Stops reading and gives the reader's lease up. */
    @Override
    void close();

    /** An engine's log capture, other than MariaDB's binary log (which {@code JdbcAdapter} starts itself). */
    interface Support {
        /** What log capture lacks on this server for this account, each with its remedy; empty when it can run. */
        List<String> missing(Connection c, JdbcAdapterConfig config) throws SQLException;

        /** Starts capturing in the background (leading or waiting to lead). */
        LogCapture start(Start start) throws SQLException;

        /** What a start needs; {@code schema} is the served schema. */
        record Start(DataSource capturePool, DataSource callPool, StateTables state, JdbcAdapterConfig config,
                     String schema, List<Table> served, BinlogCapture.Tables tables) {
        }

        /**
         * Removes what the capture keeps on the server (PostgreSQL: the slot and the publication), so that nothing
         * holds the database's log after an uninstall; returns what was removed, for the operator.
         */
        List<String> uninstall(Connection c, JdbcAdapterConfig config) throws SQLException;
    }
}
