package org.esabridge.jdbc.cursor;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;
import javax.sql.DataSource;
import org.esabridge.api.Cursor;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ResultSink;
import org.esabridge.api.Session;
import org.esabridge.api.xml.EncodedRecordSink;
import org.esabridge.jdbc.DeleteStrategy;
import org.esabridge.jdbc.Paging;
import org.esabridge.jdbc.catalog.IdWhiteSpace;
import org.esabridge.jdbc.catalog.PagePlan;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.changes.ChangeReader;
import org.esabridge.jdbc.changes.IndexedChanges;
import org.esabridge.jdbc.changes.UnwritableRows;
import org.esabridge.jdbc.changes.Watermark;
import org.esabridge.jdbc.dialect.DatabaseClock;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;
import org.esabridge.jdbc.dialect.UnsettledConnection;
import org.esabridge.jdbc.dialect.Faults;

/**
 * Cursors whose whole state lives in the database, so that any node answers {@code readDataPage} and a cursor
 * survives a restart.
 *
 * <p><b>Opening</b> widens {@code after} by the {@link Watermark}, freezes a horizon (the
 * {@link DatabaseClock}'s now; later changes are left for the next sync), chooses the read's {@link PagePlan} —
 * (mod, id) on the modification index for a narrow range, or id order along the primary key when there is no such
 * index or the range holds most of the table ({@link ReadPlanner}) — and counts the range's entries (the answer's
 * exact total and page count). The cursor is stored before it is counted, so that its first page is read ahead
 * ({@link PagePrefetch}) while the database counts. The page starts are found as the pages are read ({@link PageStarts}), each
 * page-size entries after the one before, and stored once found: the host gets the cursor without waiting for a
 * pass over every key.
 *
 * <p><b>A page</b> is every entry with key in {@code [start_i, start_i+1)} and {@code after < mod <= horizon},
 * read afresh (keyset, never OFFSET) and streamed to the sink: any page, any order, as often as wanted. A row
 * unchanged since the opening keeps its key and so its page; a row changed meanwhile gets a modification time
 * past the horizon, leaves the cursor and is delivered by the next sync (design.md, promise 3). Only a row
 * whose change was stamped before the horizon but committed after it may show twice; duplicates are allowed.
 * A {@code getModifiedPaged} cursor then pages over the rows touched without their modification column
 * ({@code esa_touched}: cascades, key changes), keyed by (touched_at, seq) and read by id; a row both touched
 * and modified shows in both parts.
 *
 * <p><b>Binlog capture mode</b>: a structure the binary log captures pages over its change-index entries
 * instead ({@link IndexRows}): keys (stamp, seq), no watermark, the horizon the reader's last committed stamp, so
 * an entry never moves within a cursor and no id shows twice in one; an {@code after} before the index's horizon
 * pages over the whole table (changed records) or is refused (deletions), as inline reads do
 * ({@link IndexedChanges}).
 *
 * <p><b>Life</b>: ids are 128 random bits; a cursor belongs to the principal that opened it (another gets
 * CURSOR_NOT_FOUND, so ids cannot be probed); {@code readDataPage} and {@code leaseSession} push its expiry to
 * now + {@code cursor-timeout-minutes}; {@code closeCursor} and {@code release} delete it; expired cursors are
 * deleted, all of them, when cursors are opened. A principal holds at most {@code max-open-cursors} live cursors
 * (TOO_LARGE beyond), so a session that never closes its cursors cannot fill the table.
 */
public final class Cursors implements Paging {
    private static final int FETCH_SIZE = 1000;

    /** Finds the table of a structure (refreshing the catalog when needed). */
    public interface TableLookup {
        TableSql table(String structure) throws EsaException;
    }

    private final DataSource ds;
    private final Dialect dialect;
    private final StateTables state;
    private final UnwritableRows unwritable;
    private final DatabaseClock clock;
    private final Watermark watermark;
    private final ChangeReader changes;
    private final TableLookup lookup;
    private final IntSupplier pageSize;
    private final Duration timeout;
    private final int maxOpenCursors;
    private final int queryTimeout;
    private final CursorStore store;
    private final TableSql.CursorSql tombstones;
    private final IndexedChanges index;
    private final TableSql.CursorSql touched;
    private final ReadPlanner planner;
    private final PagePrefetch prefetch = new PagePrefetch();
    private final PageStarts starts;

    public Cursors(DataSource ds, Dialect dialect, StateTables state, UnwritableRows unwritable, DatabaseClock clock, Watermark watermark, ChangeReader changes,
                   IndexedChanges index, TableLookup lookup, IntSupplier pageSize, int timeoutMinutes,
                   int maxOpenCursors, int queryTimeout) {
        this.ds = ds;
        this.dialect = dialect;
        this.clock = clock;
        this.watermark = watermark;
        this.changes = changes;
        this.index = index;
        this.lookup = lookup;
        this.pageSize = pageSize;
        this.timeout = Duration.ofMinutes(timeoutMinutes);
        this.maxOpenCursors = maxOpenCursors;
        this.queryTimeout = queryTimeout;
        this.state = state;
        this.unwritable = unwritable;
        this.store = new CursorStore(dialect, state, timeoutMinutes, queryTimeout);
        this.starts = new PageStarts(store, queryTimeout);
        this.tombstones = LogRows.sql(dialect, state, LogRows.Log.TOMBSTONES);
        this.touched = LogRows.sql(dialect, state, LogRows.Log.TOUCHED);
        this.planner = new ReadPlanner(dialect, queryTimeout);
    }

    @Override
    public Cursor getModifiedPaged(Session session, TableSql table, Instant after) throws EsaException {
        return open(session, table, after, Source.MODIFIED);
    }

    @Override
    public Cursor getDeletedPaged(Session session, TableSql table, Instant after) throws EsaException {
        DeleteStrategy.Kind kind = table.table().deleteStrategy().kind();
        if (kind == DeleteStrategy.Kind.NONE) {
            throw new EsaException(ErrorCode.NOT_SUPPORTED, "structure " + table.table().name()
                    + " does not track deletions; compare ids instead");
        }
        return open(session, table, after, kind == DeleteStrategy.Kind.SOFT_DELETE ? Source.SOFT_DELETED : Source.TOMBSTONES);
    }

    private KeyedRows rows(TableSql t, Source source, PagePlan plan) {
        return switch (source) {
            case MODIFIED -> new TableRows(t, true, plan);
            case SOFT_DELETED -> new TableRows(t, false, plan);
            case TOMBSTONES -> new LogRows(LogRows.Log.TOMBSTONES, tombstones, t, dialect, queryTimeout);
            case INDEX_MODIFIED, INDEX_DELETED, INDEX_MARKED -> new IndexRows(t, source, dialect, state, queryTimeout);
        };
    }

    /** What a cursor pages through and over which range {@code (from, horizon]}. */
    private record Range(Source source, Instant from, Instant horizon) {
    }

    private Range range(Connection c, Table t, Source source, Instant after) throws SQLException, EsaException {
        if (index.serves(t)) {
            // Binlog capture: the change index, exact, no watermark (IndexedChanges).
            if (source != Source.TOMBSTONES) {
                // Before the index's horizon any row may have changed: the whole table.
                return index.covers(c, t, after)
                        ? new Range(source == Source.MODIFIED ? Source.INDEX_MODIFIED : Source.INDEX_MARKED, after,
                                index.horizon(c))
                        : new Range(source, IndexedChanges.BEGINNING, clock.now(c));
            }
            switch (index.deletionsAfter(c, t, after)) {
                case INDEX -> {
                    return new Range(Source.INDEX_DELETED, after, index.horizon(c));
                }
                case NONE -> throw IndexedChanges.beforeHorizon(t);
                case TOMBSTONES -> {
                    // Before the table joined the log: the tombstones it was polled by, as below.
                }
            }
        }
        if (source == Source.TOMBSTONES) {
            changes.checkHorizon(c, t, after);
        }
        Instant from = watermark.beforeRead(c, after, switch (source) {
            case MODIFIED -> t.modColumn();
            case SOFT_DELETED -> t.softDelete();
            default -> null;
        });
        return new Range(source, from, clock.now(c));
    }

    private KeyedRows touchedRows(TableSql t) {
        return new LogRows(LogRows.Log.TOUCHED, touched, t, dialect, queryTimeout);
    }

    private Cursor open(Session session, TableSql sql, Instant after, Source source) throws EsaException {
        Table t = sql.table();
        int pageSize = this.pageSize.getAsInt();
        if (index.serves(t)) {
            index.catchUp();
        }
        String id = null;
        String opened = null;
        try (Connection c = ds.getConnection()) {
            store.purgeExpired(c);
            // Checked before the count, so a refusal costs one indexed count; calls racing past it at once can
            // exceed the cap by at most their number.
            long open = store.countLive(c, session.principal());
            if (open >= maxOpenCursors) {
                throw new EsaException(ErrorCode.TOO_LARGE, "this session has " + open
                        + " open cursors, the most allowed (max-open-cursors); close or release some first");
            }
            Range range = range(c, t, source, after);
            // Rows of the table are cut as planned for this read's range; tombstones and index entries by their keys,
            // planned per read (ReadPlanner): a range holding most of the table walks it by id even with a
            // modification index.
            PagePlan plan = range.source() == Source.MODIFIED || range.source() == Source.SOFT_DELETED
                    ? planner.choose(c, sql, range.from(), range.horizon()) : PagePlan.MOD_KEYSET;
            KeyedRows rows = rows(sql, range.source(), plan);
            Instant from = range.from();
            Instant horizon = range.horizon();
            // Stored before it is counted, with its counts to come, so that its first page is read ahead while the
            // database counts (PagePrefetch): the host asks for it next. Nobody else knows the cursor's id yet.
            id = CursorStore.newId();
            CursorStore.Stored uncounted = new CursorStore.Stored(id, t.name(), range.source(), from, horizon, pageSize,
                    0, Long.MAX_VALUE, horizon.plus(timeout), plan, -1);
            store.insert(c, uncounted, session.principal(), after);
            if (sql.fetchRows() > 1) {
                prefetch.start(id, session.principal(), 0, true, rowId -> IdWhiteSpace.lost(t, rowId) == null,
                        into -> readPage(uncounted, 0, into));
            }
            // Counted, not walked: the page starts are found as the pages are read (PageStarts). A read of every row
            // counts the table less the rows past the horizon (TableSql.countLiveOutside). Should a row be given a
            // time before the oldest between the two statements, the total counts it and no page holds it: a page
            // may hold fewer entries than counted (rows gone since), never more.
            long total = range.source() == Source.MODIFIED && sql.countLiveOutside() != null
                    && planner.holdsEveryRow(c, sql, from)
                    ? countUpTo(c, sql, horizon) : count(c, rows.countSql(), rows, from, horizon);
            long tablePages = pages(total, pageSize);
            long pageCount = tablePages;
            long touchedFrom = -1;
            if (range.source() == Source.MODIFIED && !index.serves(t)) {
                // Polling: rows changed without their modification column follow on pages of their own. (Binlog
                // capture has them in the change index.)
                KeyedRows touchedRows = touchedRows(sql);
                long touches = count(c, touchedRows.countSql(), touchedRows, from, horizon);
                if (touches > 0) {
                    touchedFrom = tablePages;
                    total += touches;
                    pageCount += pages(touches, pageSize);
                }
            }
            CursorStore.Stored s = new CursorStore.Stored(id, t.name(), range.source(), from, horizon,
                    pageSize, total, pageCount, horizon.plus(timeout), plan, touchedFrom);
            store.counted(c, s);
            if (tablePages == 0) {
                prefetch.discard(id, session.principal()); // its first page is of the touched rows, or there is none
            }
            opened = id;
            return new Cursor(s.id(), rows.type(), s.pageCount(), pageSize, total, s.expiresAt());
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "opening a cursor on " + t.name());
        } finally {
            if (opened == null && id != null) {
                forget(id, session.principal());
            }
        }
    }

    /** Drops a cursor whose opening failed after it was stored: its page read ahead, and its row if it can. */
    private void forget(String id, String principal) {
        prefetch.discard(id, principal);
        try (Connection c = ds.getConnection()) {
            store.delete(c, id, principal);
        } catch (SQLException e) {
            // It expires like any other cursor; the opening's own failure is what the host is told.
        }
    }

    private static long pages(long entries, int pageSize) {
        return (entries + pageSize - 1) / pageSize;
    }

    /** The live rows of the table modified up to {@code horizon} ({@link TableSql#countLiveOutside}). */
    private long countUpTo(Connection c, TableSql sql, Instant horizon) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.countLiveOutside())) {
            ps.setQueryTimeout(queryTimeout);
            sql.mapper().bindMod(ps, 1, horizon);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The number of entries in (from, horizon], by {@code countSql} over the range of {@code rows}. */
    private long count(Connection c, String countSql, KeyedRows rows, Instant from, Instant horizon)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(countSql)) {
            ps.setQueryTimeout(queryTimeout);
            rows.bindRange(ps, 1, from, horizon);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public void readDataPage(Session session, String cursorId, long pageIndex, ResultSink sink)
            throws EsaException, IOException {
        UnwritableRows.Filter out = null;
        CursorStore.Stored s;
        PagePrefetch.Page ahead;
        // A sink that takes records encoded ahead (the result writer) gets them so: encoded on the reading thread.
        boolean encode = sink instanceof EncodedRecordSink;
        try (Connection c = ds.getConnection()) {
            s = cursorId == null ? null : store.touch(c, cursorId.trim(), session.principal());
            if (s == null) {
                throw notFound();
            }
            if (pageIndex < 0 || pageIndex >= s.pageCount()) {
                throw new EsaException(ErrorCode.PAGE_OUT_OF_RANGE, "page " + pageIndex + " is not in 0.."
                        + (s.pageCount() - 1) + " (the cursor has " + s.pageCount() + " pages)");
            }
            ahead = prefetch.take(s.id(), session.principal(), pageIndex);
            if (ahead != null && ahead.encoded() && !encode) {
                ahead = null; // encoded for the sink of the call before, which took encoded records; this one does not
            }
            // Not for a table read one row at a time (RowWidth: a row may be larger than a page held ahead).
            if (pageIndex + 1 < s.pageCount() && lookup.table(s.structure()).fetchRows() > 1) {
                // The next page is read while this one is written (PagePrefetch).
                CursorStore.Stored cursor = s;
                Table table = lookup.table(s.structure()).table();
                prefetch.start(s.id(), session.principal(), pageIndex + 1, encode,
                        id -> IdWhiteSpace.lost(table, id) == null,
                        into -> readPage(cursor, pageIndex + 1, into));
            }
            if (ahead == null) {
                out = unwritable.filter(lookup.table(s.structure()).table(), sink);
                readPage(c, s, pageIndex, out, false);
            }
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "readDataPage");
        } finally {
            if (out != null) {
                out.finish();
            }
        }
        if (ahead != null) {
            out = unwritable.filter(lookup.table(s.structure()).table(), sink);
            try {
                ahead.sendTo(out);
            } finally {
                out.finish();
            }
        }
    }

    /** Reads a page of the cursor into {@code into} with a connection of its own (a page read ahead). */
    private void readPage(CursorStore.Stored s, long pageIndex, ResultSink into) throws EsaException, IOException {
        try (Connection c = ds.getConnection()) {
            readPage(c, s, pageIndex, into, true);
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "readDataPage");
        }
    }

    /**
     * A page read ahead that found the next page's start where another reader had stored a different one (rows left
     * the range between the two reads): its rows end elsewhere than the stored start says, so it is dropped and the
     * page is read when asked, between the stored starts.
     */
    private static final class StartMoved extends IOException {
        private static final long serialVersionUID = 1L;

        StartMoved() {
            super("the next page's start was stored by another read");
        }
    }

    /**
     * Reads one page into {@code out}.
     *
     * @param ahead whether {@code out} holds the page until it is asked for (a page read ahead), so that it can be
     *              dropped: such a read finds the next page's start itself when it is not stored yet, reading the
     *              page one entry further instead of a step over the page's keys before it. A page sent to the host
     *              as it is read leaves that to {@link PageStarts}, since its rows cannot be taken back should
     *              another reader store a different start meanwhile.
     */
    private void readPage(Connection c, CursorStore.Stored s, long pageIndex, ResultSink out, boolean ahead)
            throws SQLException, EsaException, IOException {
        TableSql table = lookup.table(s.structure());
        boolean touchedPage = s.touchedFrom() >= 0 && pageIndex >= s.touchedFrom();
        KeyedRows rows = touchedPage ? touchedRows(table) : rows(table, s.source(), s.plan());
        long first = touchedPage ? s.touchedFrom() : 0;
        long end = s.touchedFrom() >= 0 && !touchedPage ? s.touchedFrom() : s.pageCount();
        boolean last = pageIndex + 1 >= end;
        PageKey[] bounds = starts.bounds(c, s, rows, pageIndex, first, end, !ahead);
        if (pageIndex > first && bounds[0] == null) {
            return; // its start lies past the range's last entry: the rows that would have filled it left the range
        }
        // The first page has no lower bound: a row stamped earlier than its first key but committed late is
        // welcome there (a duplicate at worst), and the range stays the cursor's whole (after, horizon].
        // Likewise the first page of the touched rows, which follow the table's pages.
        boolean lower = pageIndex > first;
        boolean upper = bounds[1] != null && !last;
        boolean findNext = ahead && !upper && !last;
        try (PreparedStatement ps = c.prepareStatement(findNext ? rows.pageAheadSql(lower) : rows.pageSql(lower, upper))) {
            ps.setQueryTimeout(queryTimeout);
            // A page of records holds no more rows at once than the table's widest rows allow (RowWidth).
            ps.setFetchSize(Math.min(FETCH_SIZE, table.fetchRows()));
            int i = rows.bindRange(ps, 1, s.after(), s.horizon());
            if (lower) {
                i = rows.bindKey(ps, i, bounds[0]);
            }
            if (upper) {
                rows.bindKey(ps, i, bounds[1]);
            } else if (findNext) {
                ps.setLong(i, s.pageSize() + 1L);
            }
            PageKey next;
            try (ResultSet rs = ps.executeQuery()) {
                next = rows.emitPage(c, rs, out, findNext ? s.pageSize() : Long.MAX_VALUE);
            }
            if (next != null) {
                PageKey stored = starts.found(c, s, pageIndex + 1, next);
                if (stored != null && !stored.equals(next)) {
                    throw new StartMoved();
                }
            }
        } catch (RuntimeException | Error e) {
            throw UnsettledConnection.discarded(c, e, "readDataPage");
        }
        rows.finish(c, out);
    }

    /**
     * Reads a page of the cursor into {@code into} as a read ahead does ({@link PagePrefetch}), on the calling thread;
     * for tests. Fails with an IOException when the read is dropped (its next page's start was stored by another
     * read meanwhile).
     */
    public void readAhead(Session session, String cursorId, long pageIndex, ResultSink into)
            throws EsaException, IOException {
        CursorStore.Stored s;
        try (Connection c = ds.getConnection()) {
            s = store.touch(c, cursorId, session.principal());
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "readDataPage");
        }
        if (s == null) {
            throw notFound();
        }
        readPage(s, pageIndex, into);
    }

    /** Pages read ahead ({@link PagePrefetch}) held or being read now, over all cursors; for tests. */
    public int pagesReadAhead() {
        return prefetch.held();
    }

    /** Waits until the page read ahead of this cursor, if any, is read; for tests. */
    public void awaitReadAhead(String cursorId) throws InterruptedException {
        prefetch.await(cursorId);
    }

    private static EsaException notFound() {
        return new EsaException(ErrorCode.CURSOR_NOT_FOUND, "the cursor is unknown, closed or expired");
    }

    @Override
    public void closeCursor(Session session, String cursorId) throws EsaException {
        if (cursorId == null) {
            return;
        }
        prefetch.discard(cursorId.trim(), session.principal());
        try (Connection c = ds.getConnection()) {
            store.delete(c, cursorId.trim(), session.principal());
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "closeCursor");
        }
    }

    @Override
    public void leaseSession(Session session) throws EsaException {
        try (Connection c = ds.getConnection()) {
            store.lease(c, session.principal());
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "leaseSession");
        }
    }

    @Override
    public void release(Session session) throws EsaException {
        prefetch.discardAll(session.principal());
        try (Connection c = ds.getConnection()) {
            store.deleteAll(c, session.principal());
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "release");
        }
    }
}
