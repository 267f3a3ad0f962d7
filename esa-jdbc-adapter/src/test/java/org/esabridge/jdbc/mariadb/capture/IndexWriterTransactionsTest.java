package org.esabridge.jdbc.mariadb.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.TestDatabase;
import org.esabridge.jdbc.capture.BinlogPosition;
import org.esabridge.jdbc.capture.CaptureStats;
import org.esabridge.jdbc.capture.ChangeIndex;
import org.esabridge.jdbc.capture.IndexWriter;
import org.esabridge.jdbc.capture.PendingChanges;
import org.esabridge.jdbc.dialect.StateTables;
import org.esabridge.jdbc.mariadb.MariaDbDialect;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The index writer keeps its connection out of auto-commit (every flush is a transaction): what it writes between
 * flushes is committed all the same, and every flush is visible to other connections once its fences are answered.
 */
@Tag("database")
class IndexWriterTransactionsTest {
    /** The marker of a fence whose row the flush that passed it could not see yet. */
    private static final long LATE_MARKER = 42;

    @Test
    void aLateMarkersStampWrittenBetweenFlushesIsCommitted() throws Exception {
        String db = "cap_index_writer_tx";
        TestDatabase.freshSchema(db);
        try (JdbcAdapter tables = TestDatabase.adapter(db, "change-capture", "polling")) {
            // only its esa_ tables
        }
        DataSource ds = TestDatabase.dataSource(db);
        ChangeIndex index = new ChangeIndex(null, StateTables.inConnectionSchema(MariaDbDialect.INSTANCE),
                GtidPositions::head);
        ChangeIndex.State start;
        try (Connection c = ds.getConnection()) {
            start = index.loadOrStart(c);
        }
        PendingChanges pending = new PendingChanges(1000, 10_000, 0, 0);
        CompletableFuture<Instant> reached = new CompletableFuture<>();
        CompletableFuture<BinlogPosition> written = new CompletableFuture<>();
        AtomicBoolean ended = new AtomicBoolean();
        AtomicReference<String> stopped = new AtomicReference<>();
        IndexWriter writer = new IndexWriter("test-index-writer", ds, index, start, pending,
                (fences, stamp) -> reached.complete(stamp), new CaptureStats(), written::complete, ended::get,
                (outcome, why) -> stopped.set(outcome + ": " + why));
        writer.start();
        try {
            BinlogPosition end = new BinlogPosition(start.position().gtid(), start.position().file(),
                    start.position().pos() + 1);
            pending.commit(Map.of(new ChangeIndex.Key("item", "1"), 'M'), List.of(LATE_MARKER), end, 0, 2, false);
            assertEquals(end, written.get(30, TimeUnit.SECONDS));
            Instant stamp = reached.get(30, TimeUnit.SECONDS);
            assertEquals(stamp, writer.stored().lastStamp());
            try (Connection c = ds.getConnection()) {
                assertEquals(end, index.load(c).position(), "the flush is committed");
                assertNull(reachedStamp(c), "no marker row yet");
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO esa_fence (id, requested_at) VALUES (" + LATE_MARKER
                            + ", UTC_TIMESTAMP(6))");
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                Instant late = reachedStamp(c);
                while (late == null && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(20); // a poll with a deadline: the writer's turn comes at least once a second
                    late = reachedStamp(c);
                }
                assertEquals(stamp, late, "the late marker's stamp, written at the writer's next turn, is committed");
            }
            assertNull(stopped.get());
        } finally {
            ended.set(true);
            pending.close();
            writer.join();
        }
        assertTrue(stopped.get() == null || stopped.get().startsWith("CLOSED"), stopped.get());
    }

    private static Instant reachedStamp(Connection c) throws Exception {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT reached_stamp FROM esa_fence WHERE id = " + LATE_MARKER)) {
            if (!rs.next()) {
                return null;
            }
            LocalDateTime t = rs.getObject(1, LocalDateTime.class);
            return t == null ? null : t.toInstant(ZoneOffset.UTC);
        }
    }
}
