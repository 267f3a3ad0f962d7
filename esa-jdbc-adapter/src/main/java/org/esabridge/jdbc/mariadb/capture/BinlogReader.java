package org.esabridge.jdbc.mariadb.capture;

import org.esabridge.jdbc.capture.BinlogPosition;
import org.esabridge.jdbc.capture.CaptureStats;
import org.esabridge.jdbc.capture.PendingChanges;
import org.esabridge.jdbc.capture.ChangeIndex;
import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.network.ServerException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.esabridge.jdbc.capture.IndexWriter;
import org.esabridge.jdbc.capture.LogReader;
import org.esabridge.jdbc.capture.WrittenThrough;
import org.esabridge.jdbc.changes.IndexedChanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to MariaDB's binary log, as a replica: reads the row events of committed transactions in commit
 * order and hands the changes of the adapter's schema to the change index ({@link ChangeIndex}), a transaction at
 * a time, from the position stored there. A reader runs until {@link #close()} or until it fails; then the
 * {@link BinlogCapture} decides what comes next (a new reader from the stored position, a gap, another leader).
 * Nothing is kept across readers: what was read and not written is simply read again.
 *
 * <p>Two threads: the client's (reading and decoding events, assembling transactions) and an {@link IndexWriter}
 * (flushing segments of {@link PendingChanges}), so reading and writing overlap. The adapter's own writes (the index, its
 * cursors, the fence markers' answers) are in the binary log too; they produce no entries, and a segment without
 * entries is not written — its position is stored with the next real batch — so the reader never feeds itself.
 *
 * <p>Memory: a transaction being read is held up to {@value #SPILL_WEIGHT} bytes of entries; beyond that its entries
 * go to {@code esa_change_spill} ({@link ChangeIndex#spill}) and reach the index only with its commit, in the same
 * flush as the position after it. A reader that stops mid-transaction deletes what it spilled (one whose process
 * died cannot: the next reader's start clears the table), and the next reader reads the transaction again.
 */
final class BinlogReader implements LogReader, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BinlogReader.class);
    /** MariaDB's "could not find the GTID/position requested": the log we need is purged or never existed. */
    static final int ERROR_POSITION_NOT_IN_LOG = 1236;
    private static final long HEARTBEAT_MILLIS = 1000;

    private final BinlogEndpoint endpoint;
    private final String schema;
    private final DataSource ds;
    private final ChangeIndex index;
    private final TableTargets targets;
    private final CaptureStats stats;
    /** Bytes of a transaction's entries held in memory before they are spilled (see {@link ChangeIndex.Key#weight}). */
    static final long SPILL_WEIGHT = 2L << 20;
    /**
     * Segments of up to 5,000 entries, taken by the writer when closed, after 5 ms without a commit, or once the
     * first transaction in them waited {@value #SEGMENT_MAX_DELAY_MILLIS} ms. Under a steady load the log never
     * idles, so that age bounds what a fence waits for: everything read since the writer's last turn is flushed
     * with the fence's segment (BinlogBench at 2,000 changes/s: a median of 100–160 entries at 200 ms, 10–20 at
     * 20 ms); the price is up to 50 flushes a second rather than 5.
     */
    static final long SEGMENT_MAX_DELAY_MILLIS = 20;
    private final PendingChanges pending = new PendingChanges(5_000, 100_000, 16L << 20, 5, SEGMENT_MAX_DELAY_MILLIS);
    private final BinaryLogClient client;
    private final IndexWriter writer;
    private volatile Outcome outcome = Outcome.RUNNING;
    private volatile String failure;
    private volatile long lastPacketMillis = System.currentTimeMillis();
    /** The replication connection's id on the server once connected, else 0. */
    private volatile long connectionId;

    // Read by the client thread only.
    private BinlogPosition position;
    private String file;
    private Map<ChangeIndex.Key, Character> txEntries;
    private List<Long> txFences;
    private MariadbGtidEventData txGtid;
    private long txEvents;
    private boolean txGap;
    private long txWeight;
    /** The transaction's rows in esa_change_spill, or 0 while it has spilled none. */
    private long txSpillId;
    private long txSpilledSeqs;
    /** Every spill this reader began (flushed ones are gone already). */
    private final List<Long> spillIds = new ArrayList<>();
    /** A problem between transactions: recorded with the next one. */
    private boolean gapBeforeNextTransaction;
    private final Map<Long, TableTargets.Target> tableMaps = new HashMap<>();
    /** The last sequence number read of each replication domain and server: the position fence needs them to grow. */
    private final Map<String, Long> lastSequences;
    /** How far this reader has written, for the position fence; null where it has none (Galera). */
    private final WrittenThrough through;
    private final WrittenThrough.Run run;

    BinlogReader(BinlogEndpoint endpoint, String schema, DataSource ds, ChangeIndex index, ChangeIndex.State start,
                 TableTargets targets, BiConsumer<List<Long>, Instant> fencesReached, CaptureStats stats,
                 WrittenThrough through) {
        this.endpoint = endpoint;
        this.schema = schema;
        this.ds = ds;
        this.index = index;
        this.position = start.position();
        this.file = start.position().file();
        this.targets = targets;
        this.stats = stats;
        this.through = through;
        this.run = through == null ? null : through.start(start, pending);
        this.lastSequences = new HashMap<>(GtidPositions.byDomainAndServer(start.position()));
        this.client = endpoint.newClient();
        client.setHeartbeatInterval(HEARTBEAT_MILLIS);
        client.setEventDeserializer(RowEventDecoding.deserializer(
                tableId -> tableMaps.getOrDefault(tableId, TableTargets.IGNORED) != TableTargets.IGNORED));
        if (!position.gtid().isEmpty()) {
            client.setGtidSet(position.gtid());
        } else if (position.file() != null) {
            client.setBinlogFilename(position.file());
            client.setBinlogPosition(position.pos());
        }
        client.registerEventListener(this::onEvent);
        client.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onConnect(BinaryLogClient c) {
                connectionId = c.getConnectionId();
                if (run != null) {
                    // Read on the replication connection itself: the fence compares it with the server it asks.
                    run.server(String.valueOf(c.getMasterServerId()));
                }
            }

            @Override
            public void onCommunicationFailure(BinaryLogClient c, Exception e) {
                end(e instanceof ServerException se && se.getErrorCode() == ERROR_POSITION_NOT_IN_LOG ? Outcome.GAP
                        : Outcome.FAILED, e.getMessage());
            }

            @Override
            public void onEventDeserializationFailure(BinaryLogClient c, Exception e) {
                // The library skips an event it cannot decode; a skipped row event would be a silent miss.
                gapHere("an event could not be decoded: " + e.getMessage());
            }
        });
        this.writer = new IndexWriter("esa-binlog-writer", ds, index, start, pending, fencesReached, stats, this::written,
                this::ended, this::end);
    }

    @Override
    public Outcome run() {
        writer.start();
        try {
            try (Connection c = ds.getConnection()) {
                index.clearSpills(c);
            } catch (SQLException e) {
                end(Outcome.FAILED, "clearing esa_change_spill failed: " + e.getMessage());
            }
            if (outcome == Outcome.RUNNING) {
                client.connect();
            }
            if (outcome == Outcome.RUNNING) {
                end(Outcome.FAILED, "the server ended the binary log stream");
            }
        } catch (ServerException e) {
            end(e.getErrorCode() == ERROR_POSITION_NOT_IN_LOG ? Outcome.GAP : Outcome.FAILED, e.getMessage());
        } catch (IOException | RuntimeException e) {
            end(Outcome.FAILED, e.getMessage());
        } finally {
            pending.close();
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (run != null) {
                run.ended();
            }
            dropSpills();
        }
        return outcome;
    }

    /**
     * Deletes what this reader spilled and did not flush (the next reader reads those transactions again): once it
     * has stopped, so that nothing of it lands after a new reader's {@link ChangeIndex#clearSpills}.
     */
    private void dropSpills() {
        if (spillIds.isEmpty()) {
            return;
        }
        try (Connection c = ds.getConnection()) {
            index.dropSpills(c, spillIds);
        } catch (SQLException e) {
            LOG.debug("binlog capture: spilled rows left for the next reader to clear: {}", e.getMessage());
        }
    }

    @Override
    public String failure() {
        return failure;
    }

    /** The replication connection's id on the server (its {@code Binlog Dump} thread), or 0 before it connected. */
    long connectionId() {
        return connectionId;
    }

    /** What the index holds now (after the last flush of this reader). */
    ChangeIndex.State stored() {
        return writer.stored();
    }

    /** Milliseconds since the last packet from the server (heartbeats come every second on an idle log). */
    @Override
    public long silentMillis() {
        return System.currentTimeMillis() - lastPacketMillis;
    }

    @Override
    public IndexWriter writer() {
        return writer;
    }

    @Override
    public boolean ended() {
        return outcome != Outcome.RUNNING;
    }

    /** Records the first reason to stop, and disconnects (again: a connect racing an early stop is ended too). */
    private void end(Outcome o, String why) {
        synchronized (this) {
            if (outcome == Outcome.RUNNING) {
                outcome = o;
                failure = why;
            }
        }
        pending.close();
        try {
            client.disconnect();
        } catch (IOException e) {
            LOG.debug("binlog client did not disconnect cleanly: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        end(Outcome.CLOSED, null);
    }

    /** Closing disconnects the client already. */
    @Override
    public void abort() {
        close();
    }

    // --- the client thread: events → transactions ---

    private void onEvent(Event event) {
        lastPacketMillis = System.currentTimeMillis();
        EventType type = event.getHeader().getEventType();
        stats.eventRead();
        try {
            if (type == EventType.ROTATE) {
                file = ((RotateEventData) event.getData()).getBinlogFilename();
            } else if (type == EventType.MARIADB_GTID) {
                begin(event.getData());
            } else if (type == EventType.TABLE_MAP) {
                TableMapEventData map = event.getData();
                tableMaps.put(map.getTableId(), targets.target(map));
            } else if (EventType.isRowMutation(type)) {
                rows(event);
            } else if (type == EventType.XID) {
                commit(event);
            } else if (type == EventType.QUERY) {
                query(event);
            } else if (type == EventType.HEARTBEAT) {
                pending.idle();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end(Outcome.CLOSED, null);
        } catch (SpillFailed e) {
            end(Outcome.FAILED, "spilling a large transaction failed: " + e.getCause().getMessage());
        } catch (RuntimeException | SQLException e) {
            gapHere("an event could not be read: " + e);
        }
    }

    /** Writing to esa_change_spill failed: the reader stops and the transaction is read again by the next one. */
    private static final class SpillFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SpillFailed(SQLException cause) {
            super(cause);
        }
    }

    /** The writer's thread: the log up to {@code end} is in the index (or had nothing for it). */
    private void written(BinlogPosition end) {
        if (run != null) {
            run.written(end, writer.stored().lastStamp());
        }
    }

    private void begin(MariadbGtidEventData gtid) {
        String domainServer = gtid.getDomainId() + "-" + gtid.getServerId();
        Long last = lastSequences.put(domainServer, gtid.getSequence());
        if (through != null && last != null && gtid.getSequence() <= last) {
            through.switchOff("the binary log holds GTID " + domainServer + "-" + gtid.getSequence() + " after "
                    + domainServer + "-" + last + " (out of order; gtid_strict_mode prevents it)");
        }
        if (txGtid != null) {
            // The previous group never ended (an XA transaction's prepared half ends without a commit event): its
            // rows, if any, are not known to be committed; say so rather than drop or guess them.
            gapBeforeNextTransaction |= !txEntries.isEmpty() || !txFences.isEmpty();
        }
        txGtid = gtid;
        txEntries = new LinkedHashMap<>();
        txFences = new ArrayList<>(0);
        txEvents = 0;
        txWeight = 0;
        txSpillId = 0;
        txSpilledSeqs = 0;
        txGap = gapBeforeNextTransaction;
        gapBeforeNextTransaction = false;
    }

    private void query(Event event) throws InterruptedException {
        QueryEventData q = event.getData();
        String sql = q.getSql() == null ? "" : q.getSql().trim();
        if (txGtid == null) {
            return;
        }
        boolean standalone = (txGtid.getFlags() & MariadbGtidEventData.FL_STANDALONE) != 0;
        TruncateStatement truncate = standalone ? TruncateStatement.of(sql) : null;
        if (truncate != null) {
            truncated(truncate, q.getDatabase());
        }
        if (standalone || sql.equalsIgnoreCase("COMMIT")) {
            commit(event);
        } else if (sql.equalsIgnoreCase("ROLLBACK")) {
            // Only non-transactional changes are logged before a ROLLBACK; none of them is in an InnoDB table. (Rows
            // spilled meanwhile are never read; the next reader's start removes them.)
            txEntries.clear();
            txFences.clear();
            txSpillId = 0;
            commit(event);
        }
    }

    private void rows(Event event) throws SQLException {
        if (txEntries == null) {
            return;
        }
        txEvents++;
        Object data = event.getData();
        if (data instanceof WriteRowsEventData w) {
            TableTargets.Target t = tableMaps.getOrDefault(w.getTableId(), TableTargets.IGNORED);
            for (Serializable[] row : w.getRows()) {
                t.inserted(row, w.getIncludedColumns(), this::change, txFences::add);
            }
        } else if (data instanceof UpdateRowsEventData u) {
            TableTargets.Target t = tableMaps.getOrDefault(u.getTableId(), TableTargets.IGNORED);
            for (Map.Entry<Serializable[], Serializable[]> row : u.getRows()) {
                t.updated(row.getKey(), u.getIncludedColumnsBeforeUpdate(), row.getValue(), u.getIncludedColumns(),
                        this::change);
            }
        } else if (data instanceof DeleteRowsEventData d) {
            TableTargets.Target t = tableMaps.getOrDefault(d.getTableId(), TableTargets.IGNORED);
            for (Serializable[] row : d.getRows()) {
                t.deleted(row, d.getIncludedColumns(), this::change);
            }
        }
        if (txWeight >= SPILL_WEIGHT) {
            spill();
        }
    }

    /** Moves the transaction's entries so far to esa_change_spill, keeping their order. */
    private void spill() {
        if (txSpillId == 0) {
            // Later spills get larger ids (CaptureProgress reads the newest); the random part keeps readers apart.
            txSpillId = System.currentTimeMillis() << 16 | java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16);
            spillIds.add(txSpillId);
        }
        try (Connection c = ds.getConnection()) {
            txSpilledSeqs = index.spill(c, txSpillId, txEntries, txSpilledSeqs);
        } catch (SQLException e) {
            throw new SpillFailed(e);
        }
        txEntries.clear();
        txWeight = 0;
    }

    private void change(String table, String rowId, char kind) {
        if (rowId == null) {
            gapHere("a row of " + table + " has an id that cannot be spelled");
            return;
        }
        change(new ChangeIndex.Key(table, rowId), kind);
    }

    private void change(ChangeIndex.Key key, char kind) {
        if (txEntries.remove(key) == null) {
            txWeight += key.weight();
        }
        txEntries.put(key, kind);
    }

    /**
     * TRUNCATE empties a table without row events, so its deletions cannot be listed. For a table of this schema
     * (by the event's own schema, or the one the statement names) an {@link IndexedChanges#TRUNCATED} entry marks
     * the moment: that table's deletions before it are refused (the host compares ids), the others' are not
     * touched. Another schema's TRUNCATE is nothing to us, whatever its text or comments mention. A statement this
     * cannot read is a gap only when it may concern this schema: run in it, or naming it.
     */
    private void truncated(TruncateStatement truncate, String currentSchema) {
        String[] target = truncate.target();
        if (target != null) {
            if (targets.inSchema(target[0] == null ? currentSchema : target[0])) {
                change(ChangeIndex.Key.marker(targets.tableName(target[1])), IndexedChanges.TRUNCATED);
            }
            return;
        }
        if (targets.inSchema(currentSchema) || targets.mentionsSchema(truncate.code)) {
            gapHere("TRUNCATE in " + schema + " removed rows without row events");
        }
    }

    private void gapHere(String why) {
        LOG.warn("binlog capture: {}; recording a gap at the end of this transaction", why);
        if (txEntries == null) {
            gapBeforeNextTransaction = true;
        }
        txGap = true;
    }

    private void commit(Event event) throws InterruptedException {
        if (txGtid == null) {
            return;
        }
        long end = event.getHeader() instanceof EventHeaderV4 h ? h.getNextPosition() : 0;
        position = GtidPositions.after(position, txGtid.getDomainId(), txGtid.getServerId(), txGtid.getSequence(), file,
                end);
        pending.commit(txEntries, txFences, position, event.getHeader().getTimestamp(), txEvents, txGap,
                txSpillId == 0 ? null : new ChangeIndex.Spill(txSpillId, txSpilledSeqs));
        if (run != null && run.read(position)) {
            pending.cut(); // a fence waits for this transaction: written now, not when the segment fills or idles
        }
        txGtid = null;
        txEntries = null;
        txFences = null;
    }

    /** Text of a string column in a row image (the log gives bytes); for the adapter's own tables, all utf8mb4. */
    static String utf8(Serializable v) {
        return v == null ? null : v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString();
    }
}
