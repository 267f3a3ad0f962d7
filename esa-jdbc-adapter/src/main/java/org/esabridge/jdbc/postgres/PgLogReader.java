package org.esabridge.jdbc.postgres;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.esabridge.jdbc.capture.BinlogPosition;
import org.esabridge.jdbc.capture.CaptureStats;
import org.esabridge.jdbc.capture.ChangeIndex;
import org.esabridge.jdbc.capture.IndexWriter;
import org.esabridge.jdbc.capture.LogReader;
import org.esabridge.jdbc.capture.PendingChanges;
import org.esabridge.jdbc.capture.WrittenThrough;
import org.esabridge.jdbc.changes.IndexedChanges;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One walsender session on the replication slot: reads {@code pgoutput} in commit order and hands each committed
 * transaction's changes of the served tables to the change index, from the position stored there. Runs until
 * {@link #close()} or until it fails; {@link PgLogCapture} decides what comes next.
 *
 * <p>Two threads, as the binlog reader has: this one (reading, decoding, assembling transactions, and the only one
 * that touches the stream) and an {@link IndexWriter} (flushing {@link PendingChanges} segments). The slot is confirmed only up
 * to the end of a segment the index has committed (or that had nothing to write), and, when nothing is pending, up
 * to what the server reported last (keepalives, skipped transactions, the heartbeat's message): a restart resumes
 * after the last transaction in the index, and the slot never holds WAL that nothing of ours needs.
 */
final class PgLogReader implements LogReader, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgLogReader.class);
    /** Milliseconds from the Unix epoch to PostgreSQL's (2000-01-01). */
    private static final long PG_EPOCH_MILLIS = 946_684_800_000L;
    private static final String HEARTBEAT_PREFIX = "esa-bridge-heartbeat";
    /** How often the stream is looked at while a fence waits ... */
    private static final long FENCE_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    /** ... and otherwise. */
    private static final long IDLE_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** A transactional message's prefix: the table after it joined the publication ({@link PgLogCapture}). */
    static final String JOINED_PREFIX = "esa-bridge-joined:";
    /** The prefix of a table's first join mark, which the reader indexes as {@link IndexedChanges#JOIN_BEGUN}. */
    static final String JOIN_BEGUN_PREFIX = "esa-bridge-joining:";

    /** Where and as whom the replication connection is opened. */
    record Endpoint(String jdbcUrl, String user, String password) {
    }

    private final Endpoint endpoint;
    private final PgLogTargets targets;
    private final String slot;
    private final String publication;
    private final DataSource ds;
    private final CaptureStats stats;
    private final long heartbeatMillis;
    private final long startLsn;
    /** Segments aged at most 20 ms, as the binary log's reader takes them: a fence under load waits for few entries. */
    private final PendingChanges pending = new PendingChanges(5_000, 100_000, 5, 20);
    private final IndexWriter writer;
    private final AtomicLong confirmable = new AtomicLong();
    private volatile Outcome outcome = Outcome.RUNNING;
    private volatile String failure;
    private volatile long lastMessageMillis = System.currentTimeMillis();
    private volatile Connection replication;
    /** This reader's part in the fence by the WAL's position ({@link WalHead}). */
    private final WrittenThrough.Run run;

    // The reading thread's.
    private final Map<Integer, PgLogTargets.Target> relations = new HashMap<>();
    private Map<ChangeIndex.Key, Character> txEntries;
    private List<Long> txFences;
    private boolean txSkip;
    private boolean txGap;
    private long txEvents;
    private long confirmedSent;
    private long lastHeartbeatMillis = System.currentTimeMillis();
    /** Every transaction committed up to this LSN has been handed to {@link #pending}. */
    private long readThrough;

    PgLogReader(Endpoint endpoint, PgLogTargets targets, String slot, String publication, DataSource ds,
                ChangeIndex index, ChangeIndex.State start, BiConsumer<List<Long>, Instant> fencesReached,
                CaptureStats stats, long heartbeatMillis, WrittenThrough through) {
        this.endpoint = endpoint;
        this.targets = targets;
        this.slot = slot;
        this.publication = publication;
        this.ds = ds;
        this.startLsn = start.position().pos();
        this.stats = stats;
        this.heartbeatMillis = heartbeatMillis;
        this.readThrough = startLsn;
        this.run = through.start(start, pending);
        // Committed in the index (or nothing of ours): the slot may let go of it.
        this.writer = new IndexWriter("esa-pglog-writer", new DurableCommits(ds), index, start, pending, fencesReached,
                stats, this::written, this::ended, this::end);
    }

    /** A connection in replication mode (walsender), as the stream needs it. */
    static Connection replicationConnection(Endpoint e) throws SQLException {
        Properties p = new Properties();
        PGProperty.USER.set(p, e.user());
        if (e.password() != null) {
            PGProperty.PASSWORD.set(p, e.password());
        }
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        return DriverManager.getConnection(e.jdbcUrl(), p);
    }

    @Override
    public Outcome run() {
        Thread reading = Thread.currentThread();
        run.wakeOnWait(() -> LockSupport.unpark(reading));
        writer.start();
        try (Connection c = replicationConnection(endpoint)) {
            replication = c;
            if (outcome != Outcome.RUNNING) {
                return outcome;
            }
            PGReplicationStream stream = c.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                    .withSlotName(slot)
                    .withStartPosition(LogSequenceNumber.valueOf(startLsn))
                    .withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", publication)
                    .withSlotOption("messages", "true")
                    .withStatusInterval(1, TimeUnit.SECONDS)
                    .start();
            // The walsender holds the slot now: the fence's server is this one when the slot's active_pid is its pid.
            run.server(String.valueOf(c.unwrap(PGConnection.class).getBackendPID()));
            while (outcome == Outcome.RUNNING) {
                ByteBuffer msg = stream.readPending();
                if (msg == null) {
                    idle(stream);
                    continue;
                }
                lastMessageMillis = System.currentTimeMillis();
                stats.eventRead();
                handle(PgOutput.decode(msg));
                confirm(stream);
            }
        } catch (SQLException e) {
            end(Outcome.FAILED, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end(Outcome.CLOSED, null);
        } catch (RuntimeException e) {
            end(Outcome.FAILED, "the log could not be read: " + e);
        } finally {
            replication = null;
            pending.close();
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            run.ended();
        }
        return outcome;
    }

    /** The writer's thread: the log up to {@code end} is in the index (or had nothing of ours). */
    private void written(BinlogPosition end) {
        confirmable.accumulateAndGet(end.pos(), Math::max);
        run.written(end, writer.stored().lastStamp());
    }

    /**
     * Nothing to read: pass on how far the server has sent, confirm what may be, send a heartbeat when due, and wait a
     * moment — less while a fence waits.
     */
    private void idle(PGReplicationStream stream) throws SQLException, InterruptedException {
        if (txEntries == null && (run.awaited() || pending.drained())) {
            // Not into an open segment unless a fence waits: its idle moment would start again.
            sentThrough(stream.getLastReceiveLSN());
        }
        if (txEntries == null && pending.drained()) {
            // Everything handed over is in the index: the server's last word (keepalive, heartbeat) is ours to confirm.
            LogSequenceNumber last = stream.getLastReceiveLSN();
            if (last != null && last.asLong() > 0) {
                confirmable.accumulateAndGet(last.asLong(), Math::max);
            }
        }
        confirm(stream);
        long now = System.currentTimeMillis();
        if (now - lastHeartbeatMillis >= heartbeatMillis && now - lastMessageMillis >= heartbeatMillis) {
            lastHeartbeatMillis = now;
            heartbeat();
        }
        pending.idle();
        // The stream offers no blocking read with a timeout: a nap, which a fence starting to wait cuts short.
        LockSupport.parkNanos(this, run.awaited() ? FENCE_POLL_NANOS : IDLE_NAP_NANOS);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    /**
     * Between transactions, where the stream stands: the start of the last message, or what the walsender's last
     * keepalive said (the position its decoding has passed, skipped records and transactions with nothing published
     * included). Every transaction committed up to there has been received, since the walsender sends each at its
     * commit record, before it moves on: handed to the writer as an empty transaction, so that the fence by position
     * learns that the log is written through it once what came before is.
     */
    private void sentThrough(LogSequenceNumber last) throws InterruptedException {
        long lsn = last == null ? 0 : last.asLong();
        if (Long.compareUnsigned(lsn, readThrough) > 0) {
            read(Map.of(), List.of(), lsn, System.currentTimeMillis(), 0, false);
        } else if (run.read(new BinlogPosition("", null, readThrough))) {
            pending.cut(); // a fence began to wait for what was read already
        }
    }

    /** Hands one committed transaction (or a stretch without any of ours) to the writer. */
    private void read(Map<ChangeIndex.Key, Character> entries, List<Long> fences, long endLsn, long commitMillis,
                      long events, boolean gap) throws InterruptedException {
        BinlogPosition end = new BinlogPosition("", null, endLsn);
        pending.commit(entries, fences, end, commitMillis, events, gap);
        if (Long.compareUnsigned(endLsn, readThrough) > 0) {
            readThrough = endLsn;
        }
        if (run.read(end)) {
            // A fence waits for this position: written now, not when the segment fills or idles. A new stamp is not
            // asked for here, even with nothing of ours since: WrittenThrough asks for one once the segment is written
            // and only for a fence that needs it (getCurrentTime's); a read's fence needs none.
            pending.cut();
        }
    }

    /**
     * A non-transactional logical message: it comes back through the slot at once, at the WAL's current end, so a
     * slot whose tables are quiet still advances while the rest of the database writes.
     */
    private void heartbeat() {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT pg_logical_emit_message(false, ?, '')")) {
            ps.setString(1, HEARTBEAT_PREFIX);
            ps.execute();
        } catch (SQLException e) {
            LOG.debug("log capture heartbeat not written: {}", e.getMessage());
        }
    }

    private void confirm(PGReplicationStream stream) {
        long lsn = confirmable.get();
        if (lsn > confirmedSent) {
            LogSequenceNumber l = LogSequenceNumber.valueOf(lsn);
            stream.setFlushedLSN(l);
            stream.setAppliedLSN(l);
            confirmedSent = lsn;
        }
    }

    private void handle(PgOutput.Message m) throws SQLException, InterruptedException {
        if (m instanceof PgOutput.Begin b) {
            txEntries = new LinkedHashMap<>();
            txFences = new ArrayList<>(0);
            txEvents = 0;
            txGap = false;
            // Committed before the stored position: in the index already (the slot was confirmed later).
            txSkip = b.finalLsn() < startLsn;
        } else if (m instanceof PgOutput.Relation r) {
            relations.put(r.id(), targets.target(r));
        } else if (m instanceof PgOutput.Insert i) {
            if (inTransaction()) {
                txEvents++;
                relation(i.relation()).inserted(i.row(), this::change, txFences::add);
            }
        } else if (m instanceof PgOutput.Update u) {
            if (inTransaction()) {
                txEvents++;
                relation(u.relation()).updated(u.old(), u.row(), this::change);
            }
        } else if (m instanceof PgOutput.Delete d) {
            if (inTransaction()) {
                txEvents++;
                relation(d.relation()).deleted(d.old(), this::change);
            }
        } else if (m instanceof PgOutput.Truncate t) {
            if (inTransaction()) {
                for (Integer rel : t.relations()) {
                    relation(rel).truncated(this::change);
                }
            }
        } else if (m instanceof PgOutput.LogicalMessage j && j.prefix().startsWith(JOINED_PREFIX)) {
            if (inTransaction()) {
                change(j.prefix().substring(JOINED_PREFIX.length()), "", IndexedChanges.JOINED);
            }
        } else if (m instanceof PgOutput.LogicalMessage j && j.prefix().startsWith(JOIN_BEGUN_PREFIX)) {
            if (inTransaction()) {
                change(j.prefix().substring(JOIN_BEGUN_PREFIX.length()), "", IndexedChanges.JOIN_BEGUN);
            }
        } else if (m instanceof PgOutput.Commit c) {
            if (txEntries != null && !txSkip) {
                read(txEntries, txFences, c.endLsn(), c.commitMicros() / 1000 + PG_EPOCH_MILLIS, txEvents, txGap);
            } else if (txEntries != null && pending.drained()) {
                confirmable.accumulateAndGet(c.endLsn(), Math::max);
            }
            txEntries = null;
            txFences = null;
        }
        // Messages (the heartbeat), types, origins: nothing to index.
    }

    private boolean inTransaction() {
        return txEntries != null && !txSkip;
    }

    private PgLogTargets.Target relation(int id) {
        PgLogTargets.Target t = relations.get(id);
        if (t == null) {
            // pgoutput sends a relation before its first change in each session: never expected.
            throw new IllegalStateException("pgoutput: a change of relation " + id + " came before its description");
        }
        return t;
    }

    private void change(String table, String rowId, char kind) {
        if (kind == IndexedChanges.TRUNCATED || kind == IndexedChanges.JOINED || kind == IndexedChanges.JOIN_BEGUN) {
            ChangeIndex.Key marker = ChangeIndex.Key.marker(table);
            txEntries.remove(marker);
            txEntries.put(marker, kind);
            return;
        }
        if (rowId == null) {
            LOG.warn("log capture: a row of {} has an id that cannot be spelled; recording a gap", table);
            txGap = true;
            return;
        }
        ChangeIndex.Key key = new ChangeIndex.Key(table, rowId);
        txEntries.remove(key);
        txEntries.put(key, kind);
    }

    @Override
    public String failure() {
        return failure;
    }

    @Override
    public boolean ended() {
        return outcome != Outcome.RUNNING;
    }

    @Override
    public long silentMillis() {
        return System.currentTimeMillis() - lastMessageMillis;
    }

    @Override
    public IndexWriter writer() {
        return writer;
    }

    private void end(Outcome o, String why) {
        synchronized (this) {
            if (outcome == Outcome.RUNNING) {
                outcome = o;
                failure = why;
            }
        }
        pending.close();
    }

    /** Stops reading: the loop ends at its next turn; a blocked socket is closed. */
    @Override
    public void close() {
        end(Outcome.CLOSED, null);
    }

    /** Ends at once, closing the walsender's connection (the capture's watchdog, a lost lease). */
    @Override
    public void abort() {
        end(Outcome.CLOSED, null);
        Connection c = replication;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("replication connection not closed cleanly: {}", e.getMessage());
            }
        }
    }

    /** The TRUNCATED kind, for targets. */
    static final char TRUNCATED = IndexedChanges.TRUNCATED;
}
