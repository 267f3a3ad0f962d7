package org.esabridge.jdbc.capture;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.catalog.Catalog;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;

/**
 * Which capture runs ({@code change-capture}) and the engine's log capture once started: chosen at start before the
 * catalog is loaded (which triggers a table gets depends on the mode), started once it is. Log capture when asked
 * or, for {@code auto}, when the engine has one and the server and account allow it
 * ({@link LogCapture.Support#missing}, found by trying); asked for and not possible refuses the start, naming what
 * is missing; else polling, with the reasons kept for the start's summary. In log mode it knows which served tables the log cannot capture: those are
 * polled by their triggers, or not served when they have no modification column either.
 */
public final class CaptureSelection implements AutoCloseable {
    private final JdbcAdapterConfig config;
    private final Dialect dialect;
    private final StateTables state;
    /** The engine's log capture, or null when it has none. */
    private final LogCapture.Support support;
    private final LogCapture.Server server;
    private final DataSource callPool;
    private final Supplier<DataSource> capturePool;
    /** The capture mode tests impose (reads only, no reader started), else null. */
    private final CaptureMode forced;
    /**
     * Tables checked against what the log can capture (log mode), with the id columns they were checked with: a table
     * renamed or recreated under a checked name with other id columns is checked again.
     */
    private final Map<String, List<Column>> checked = new ConcurrentHashMap<>();
    private volatile CaptureMode mode = CaptureMode.POLLING;
    /** Why auto chose polling: what log capture lacks, each with its remedy. */
    private volatile List<String> missing = List.of();
    /** The log capture in log mode once started, else null. */
    private volatile LogCapture capture;

    /**
     * @param support     the engine's log capture, or null
     * @param server      where and as whom the log capture connects
     * @param callPool    the calls' connections (getCurrentTime's fence)
     * @param capturePool the capture's own connections, made when it starts
     * @param forced      the mode tests impose without starting a reader, or null
     */
    public CaptureSelection(JdbcAdapterConfig config, Dialect dialect, StateTables state, LogCapture.Support support,
                            LogCapture.Server server, DataSource callPool, Supplier<DataSource> capturePool,
                            CaptureMode forced) {
        this.config = config;
        this.dialect = dialect;
        this.state = state;
        this.support = support;
        this.server = server;
        this.callPool = callPool;
        this.capturePool = capturePool;
        this.forced = forced;
    }

    /** Chooses the mode (see the class comment); once the log capture runs, the choice stands. */
    public void choose(Connection c) throws SQLException, EsaException {
        if (forced != null) {
            mode = forced;
            return;
        }
        if (capture != null || config.changeCapture() == JdbcAdapterConfig.ChangeCapture.POLLING) {
            return;
        }
        List<String> lacking = support != null ? support.missing(c, config, server)
                : List.of("the database has no log that esa-bridge can read; its changes are polled");
        if (!lacking.isEmpty()) {
            if (config.changeCapture() == JdbcAdapterConfig.ChangeCapture.BINLOG) {
                throw new EsaException(ErrorCode.NOT_SUPPORTED, JdbcAdapterConfig.CHANGE_CAPTURE
                        + (dialect.hasBinaryLog() ? "=binlog" : "=log") + ", but " + String.join("; ", lacking));
            }
            missing = List.copyOf(lacking);
            return;
        }
        mode = CaptureMode.BINLOG;
    }

    /**
     * Starts the log capture once log mode is chosen, with the catalog loaded; true when it started now.
     *
     * @param served the tables served at start
     * @param tables the catalog, for the reader to ask when the log names a table
     */
    public boolean start(Connection c, List<Table> served, LogCapture.Tables tables) throws SQLException {
        if (capture != null || mode != CaptureMode.BINLOG || forced != null) {
            return false;
        }
        String schema;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(dialect.currentSchemaSql())) {
            rs.next();
            schema = rs.getString(1);
        }
        capture = support.start(new LogCapture.Support.Start(capturePool.get(), callPool, state, config, server, schema,
                served, tables));
        served.forEach(t -> checked.put(t.name(), t.idColumns()));
        return true;
    }

    /** How changes are found, as chosen at start. */
    public CaptureMode mode() {
        return mode;
    }

    /** What log capture lacks, each with its remedy, when {@code auto} chose polling; else empty. */
    public List<String> missing() {
        return missing;
    }

    /** The log capture's state on this node, for metrics and readiness; null in polling mode. */
    public CaptureStatus status() {
        return capture;
    }

    /** getCurrentTime's fence and the writes' commit stamps in log mode; null until the log capture runs. */
    public CaptureFence fence() {
        LogCapture running = capture;
        return running == null ? null : running.fence();
    }

    /** Served tables the log does not capture, with the reason, sorted; empty when no log capture runs. */
    public Map<String, String> uncapturable() {
        LogCapture running = capture;
        return running == null ? Map.of() : new TreeMap<>(running.uncapturable());
    }

    /**
     * Whether a table's changes are in the change index: log mode and a table the log captures (else it is polled,
     * with its tombstone and key-change triggers).
     */
    public boolean logged(Table t) {
        if (mode != CaptureMode.BINLOG) {
            return false;
        }
        LogCapture running = capture;
        return forced != null || running != null && !running.uncapturable().containsKey(t.name());
    }

    /** Whether log mode waits for its reader to start: no triggers are put in place before it has. */
    public boolean awaitsReader() {
        return mode == CaptureMode.BINLOG && forced == null && capture == null;
    }

    /**
     * In log mode, checks the tables not checked yet (new names, or other id columns under a checked name) against
     * what the log can capture and leaves out those stamped by the change index whose changes the log cannot capture:
     * another table of that kind is polled by its modification column, these have none.
     */
    public Catalog capturable(Connection c, Catalog loaded) throws SQLException {
        LogCapture running = capture;
        if (mode != CaptureMode.BINLOG || forced != null || running == null) {
            return loaded;
        }
        List<Table> unchecked = loaded.tables().stream()
                .filter(t -> !t.idColumns().equals(checked.get(t.name()))).toList();
        running.check(c, unchecked);
        unchecked.forEach(t -> checked.put(t.name(), t.idColumns()));
        running.refresh(c, loaded.tables());
        Map<String, String> uncapturable = running.uncapturable();
        Map<String, Table> kept = new LinkedHashMap<>();
        Map<String, String> dropped = new LinkedHashMap<>();
        for (Table t : loaded.tables()) {
            String why = uncapturable.get(t.name());
            if (t.indexStamped() && why != null) {
                String reason = running.unservedReason(t.name());
                dropped.put(t.name(), reason != null ? reason : "no modification column and ids " + support.logName()
                        + " cannot spell (" + why + ") - add a modification column, or set"
                        + " structure.<table>.change-tracking=version-table");
            } else {
                kept.put(t.name(), t);
            }
        }
        return dropped.isEmpty() ? loaded : loaded.withTables(kept, dropped);
    }

    /** Stops the log capture, if one runs, and gives its lease up. */
    @Override
    public void close() {
        LogCapture running = capture;
        if (running != null) {
            running.close();
        }
    }
}
