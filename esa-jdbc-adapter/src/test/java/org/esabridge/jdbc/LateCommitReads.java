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
