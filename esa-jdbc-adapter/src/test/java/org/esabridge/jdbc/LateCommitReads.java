package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.esabridge.api.Cursor;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;

/**
 * What the late-commit tests ({@link LateCommitTest}, {@link MariaDbLateCommitTest}) change and read of their table
 * {@code item (id, v)}, and what one host sees; each engine's test brings its own way to hold a transaction open.
 */
final class LateCommitReads {
    private static final Session HOST = new Session("host");

    private LateCommitReads() {
    }

    /** What one host sees: what its two syncs delivered. */
    record Outcome(List<String> firstSync, List<String> secondSync) {
    }

    interface Change {
        void apply(Statement s) throws Exception;
    }

    interface Read {
        List<String> read(JdbcAdapter a, Instant after) throws Exception;
    }

    /** The adapter's time once it is past {@code t}: a poll of the database clock, not a guess of the JVM's. */
    static Instant waitPast(JdbcAdapter a, Instant t) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Instant now = a.getCurrentTime();
            if (now.isAfter(t)) {
                return now;
            }
            Thread.sleep(Math.max(1, java.time.Duration.between(now, t).toMillis()));
        }
        throw new AssertionError("the database clock did not pass " + t);
    }

    static final Read MODIFIED = (a, after) -> {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(a.getModified("item", after, sink));
        return sink.records().stream().map(r -> r.id() + "=" + r.field("v").text()).toList();
    };

    static final Read DELETED = (a, after) -> {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(a.getDeleted("item", after, sink));
        return sink.ids();
    };

    static final Read PAGED = (a, after) -> {
        Cursor c = a.getModifiedPaged(HOST, "item", after);
        RecordingResultHandler sink = new RecordingResultHandler();
        for (long p = 0; p < c.pageCount(); p++) {
            a.readDataPage(HOST, c.cursorId(), p, sink);
        }
        a.closeCursor(HOST, c.cursorId());
        return sink.records().stream().map(r -> r.id() + "=" + r.field("v").text()).toList();
    };
}
