package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.esabridge.api.Cursor;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;

/** The ids a host's reads of one adapter deliver (the sideways tests on each engine: {@link SidewaysChangesTest}). */
public final class HostReads {
    private final JdbcAdapter adapter;
    private final Session host;

    public HostReads(JdbcAdapter adapter, Session host) {
        this.adapter = adapter;
        this.host = host;
    }

    /** The ids of getModified's inline answer. */
    public List<String> modified(String structure, Instant after) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getModified(structure, after, sink));
        return sink.records().stream().map(r -> r.id()).toList();
    }

    /** The ids of getDeleted's inline answer. */
    public List<String> deleted(String structure, Instant after) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getDeleted(structure, after, sink));
        return sink.ids();
    }

    /** Every id of a paged answer, all pages read; the cursor is closed. */
    public List<String> paged(Cursor c) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        for (long p = 0; p < c.pageCount(); p++) {
            adapter.readDataPage(host, c.cursorId(), p, sink);
        }
        adapter.closeCursor(host, c.cursorId());
        List<String> ids = new ArrayList<>(sink.ids());
        sink.records().forEach(r -> ids.add(r.id()));
        return ids;
    }

    /**
     * The ids of an answer among those a test wrote: the tests share tables, and an answer may repeat another
     * test's rows written just before {@code after} (polling: the watermark's margin; duplicates are allowed).
     */
    public static Set<String> among(List<String> answer, String... ids) {
        Set<String> of = Set.of(ids);
        return new TreeSet<>(answer.stream().filter(of::contains).toList());
    }
}
