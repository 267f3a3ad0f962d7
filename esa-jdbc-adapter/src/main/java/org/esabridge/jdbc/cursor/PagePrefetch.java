package org.esabridge.jdbc.cursor;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.ResultSink;
import org.esabridge.api.xml.EncodedRecordSink;
import org.esabridge.api.xml.EncodedRecords;
import org.esabridge.jdbc.catalog.RecordMapper;

/**
 * Reads a cursor's next page while the current one is written to the host (and a new cursor's first page while it
 * is counted), so that the host's next {@code readDataPage} finds it in memory instead of waiting for the database.
 *
 * <p>Bounds: one page ahead per cursor, at most {@value #MAX_PAGES} pages held or being read over all cursors
 * (a read that finds no free place is not made), and the read of a page larger than {@value #MAX_CHARS} characters
 * of ids and values stops there (that page is read when asked, as without prefetching); {@link Cursors} reads no
 * page ahead of a table read one row at a time (RowWidth). A read holds a connection only while it runs. A page read ahead is served once, to the principal that opened the cursor (whose
 * call checked the cursor before it was served), and only as the page asked for; closing or releasing the cursor
 * drops it, and one left unasked for {@value #STALE_SECONDS} s gives its place to the next read.
 *
 * <p>Served read ahead, a page shows the rows as they were a moment before the host asked: the cursor's promise is
 * unchanged, since a page is read "afresh" at no particular moment — a row changed meanwhile has a modification
 * time past the cursor's horizon and reaches the host with the next sync either way.
 */
final class PagePrefetch implements AutoCloseable {
    static final int MAX_PAGES = 2;
    static final long MAX_CHARS = 4L << 20;
    static final long STALE_SECONDS = 30;

    /** Reads one page of a cursor into a sink, with a connection of its own. */
    interface PageReader {
        void read(ResultSink sink) throws EsaException, IOException;
    }

    /** A page read ahead, or being read. */
    private static final class Ahead {
        final String principal;
        final long page;
        final long startedNanos = System.nanoTime();
        final Page entries;
        Future<?> task;
        /** Dropped (closed, released, stale) before it was served: a read not begun is not made. */
        volatile boolean dropped;

        Ahead(String principal, long page, boolean encode, Predicate<String> encodable) {
            this.principal = principal;
            this.page = page;
            this.entries = new Page(encode, encodable);
        }
    }

    /** A page too large to hold ahead. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("page too large to read ahead");
        }
    }

    /**
     * A page as the reader sent it: records and ids in order, or, encoding, its records as the answer's bytes and
     * apart from them the records that could not be encoded (which the answer leaves out); null entries once too
     * large. Encoded, the encoder runs on the reading thread, and a page is held as a few arrays of bytes instead
     * of several objects per value, which every young collection copied while the page waited.
     */
    static final class Page implements ResultSink {
        private final EncodedRecords encoded;
        private final Predicate<String> encodable;
        private List<Object> entries = new ArrayList<>();
        private long chars;

        private Page(boolean encode, Predicate<String> encodable) {
            this.encoded = encode ? new EncodedRecords() : null;
            this.encodable = encodable;
        }

        @Override
        public void record(ExternalRecord r) throws IOException {
            if (encoded != null && encodable.test(r.id())) {
                long before = encoded.bytes();
                if (encoded.add(r)) {
                    weigh(encoded.bytes() - before);
                    return;
                }
            }
            add(r, 64 + length(r.id()) + fieldChars(r));
        }

        /**
         * Encodes the current row of {@code rs} as {@link #record} would encode its record, without the record (the
         * values go from the driver to the page's bytes).
         *
         * @return false, with nothing added, when the page is not encoded or the row's record may not be: then it is
         *         to be {@linkplain RecordMapper#map mapped} and given to {@link #record}, which holds it as it is
         */
        boolean encodeRow(ResultSet rs, RecordMapper m) throws SQLException, IOException {
            if (encoded == null) {
                return false;
            }
            long before = encoded.bytes();
            String id = m.encode(rs, encoded.begin());
            if (!encodable.test(id) || !encoded.end()) {
                return false;
            }
            weigh(encoded.bytes() - before);
            return true;
        }

        /** Sends the page to {@code sink}, which takes encoded records if they were encoded. */
        void sendTo(ResultSink sink) throws IOException {
            if (encoded != null && encoded.count() > 0) {
                ((EncodedRecordSink) sink).records(encoded);
            }
            for (Object entry : entries) {
                if (entry instanceof ExternalRecord r) {
                    sink.record(r);
                } else {
                    sink.id((String) entry);
                }
            }
        }

        /** Whether the page's records were encoded as it was read. */
        boolean encoded() {
            return encoded != null;
        }

        @Override
        public void id(String id) throws TooLarge {
            add(id, 32 + length(id));
        }

        private void add(Object entry, long weight) throws TooLarge {
            weigh(weight);
            entries.add(entry);
        }

        private void weigh(long weight) throws TooLarge {
            chars += weight;
            if (chars > MAX_CHARS) {
                entries = null;
                throw new TooLarge(); // stops the read: the page is read when asked
            }
        }

        private static long fieldChars(ExternalRecord r) {
            long n = 0;
            for (FieldValue f : r.fields()) {
                n += 16 + length(f.text());
            }
            return n;
        }

        private static int length(String s) {
            return s == null ? 0 : s.length();
        }
    }

    private final Map<String, Ahead> ahead = new ConcurrentHashMap<>();
    private final Semaphore places = new Semaphore(MAX_PAGES);
    private final ExecutorService readers;

    PagePrefetch() {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory daemons = r -> {
            Thread t = new Thread(r, "esa-page-prefetch-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ThreadPoolExecutor pool = new ThreadPoolExecutor(MAX_PAGES, MAX_PAGES, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemons);
        pool.allowCoreThreadTimeOut(true); // no thread kept by an adapter that pages no more
        this.readers = pool;
    }

    /**
     * Starts reading {@code page} of the cursor unless a read of it is under way, the cursor has a page ahead
     * already, or no place is free.
     *
     * @param encode whether to encode the page's records as it is read (for a sink that takes them so, {@link
     *               EncodedRecordSink})
     * @param encodable which records, by id, may be encoded: the others are held as they are, for the answer's filter
     *                  to judge ({@code changes.UnwritableRows})
     */
    void start(String cursorId, String principal, long page, boolean encode, Predicate<String> encodable,
               PageReader reader) {
        Ahead current = ahead.get(cursorId);
        if (current != null) {
            if (current.page == page) {
                return;
            }
            discard(cursorId, current.principal);
        }
        if (!places.tryAcquire()) {
            evictStale();
            if (!places.tryAcquire()) {
                return;
            }
        }
        Ahead a = new Ahead(principal, page, encode, encodable);
        FutureTask<Void> task = new FutureTask<>(() -> {
            if (a.dropped) {
                return;
            }
            try {
                reader.read(a.entries);
            } catch (EsaException | IOException | RuntimeException e) {
                a.entries.entries = null; // read when asked, where the failure is reported
            }
        }, null);
        a.task = task;
        if (ahead.putIfAbsent(cursorId, a) != null) {
            places.release();
            return;
        }
        try {
            readers.execute(task);
        } catch (RejectedExecutionException e) {
            a.dropped = true;
            if (ahead.remove(cursorId, a)) {
                places.release();
            }
        }
    }

    /**
     * {@code page} as read ahead for this cursor, waiting for a read under way; null when there is none (never read,
     * another page, too large, failed). Either way the cursor has no page ahead after this.
     */
    Page take(String cursorId, String principal, long page) {
        Ahead a = ahead.remove(cursorId);
        if (a == null) {
            return null;
        }
        try {
            if (a.page != page || !a.principal.equals(principal)) {
                a.dropped = true;
                return null;
            }
            try {
                a.task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (ExecutionException | CancellationException e) {
                return null;
            }
            return a.entries.entries == null ? null : a.entries;
        } finally {
            places.release();
        }
    }

    /** Drops the cursor's page ahead (closed); a read under way finishes and is forgotten. */
    void discard(String cursorId, String principal) {
        Ahead a = ahead.get(cursorId);
        if (a != null && a.principal.equals(principal) && ahead.remove(cursorId, a)) {
            a.dropped = true;
            places.release();
        }
    }

    /** Drops every page ahead of this principal's cursors. */
    void discardAll(String principal) {
        for (Map.Entry<String, Ahead> e : ahead.entrySet()) {
            discard(e.getKey(), principal);
        }
    }

    /** Pages read ahead or being read, for tests. */
    int held() {
        return ahead.size();
    }

    /** Waits until the cursor's page ahead, if any, is read; for tests. */
    void await(String cursorId) throws InterruptedException {
        Ahead a = ahead.get(cursorId);
        if (a != null) {
            try {
                a.task.get();
            } catch (ExecutionException | CancellationException e) {
                // nothing to wait for
            }
        }
    }

    private void evictStale() {
        long now = System.nanoTime();
        for (Map.Entry<String, Ahead> e : ahead.entrySet()) {
            if (e.getValue().task.isDone()
                    && now - e.getValue().startedNanos > TimeUnit.SECONDS.toNanos(STALE_SECONDS)) {
                if (ahead.remove(e.getKey(), e.getValue())) {
                    e.getValue().dropped = true;
                    places.release();
                }
            }
        }
    }

    @Override
    public void close() {
        readers.shutdownNow();
        ahead.clear();
    }
}
