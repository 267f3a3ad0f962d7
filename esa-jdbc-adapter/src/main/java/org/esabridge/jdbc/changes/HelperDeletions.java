package org.esabridge.jdbc.changes;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ResultSink;
import org.esabridge.api.helper.HelperApi;
import org.esabridge.jdbc.catalog.RecordMapper;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.TableSql;
import org.esabridge.jdbc.dialect.DatabaseClock;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.Faults;

/**
 * {@code getDeleted} for delete strategy {@code helper}: where no trigger may be installed, the host says
 * which ids it knows ({@code enumerateKnownIDs}, esa-protocol.md §6) and the answer is those no longer in
 * the table.
 *
 * <p>{@code known-before} is the database's current time, not the host's {@code after}: every id the host
 * knows is checked, so a record the host learned late and that was deleted since is reported too. An id
 * no longer in the table was deleted at some time we cannot know, so {@code after} does not narrow the
 * answer; the host no longer knowing a record it already deleted keeps repeats away.
 *
 * <p>The ids are checked in batches of {@value #BATCH} by primary key ({@link LiveIds#absent}); an id that cannot
 * be a key of the table (say {@code x} for an integer key) is not in it, so it is reported.
 *
 * <p>Answered inline only: the missing ids exist nowhere in the database, so a cursor would need a table of
 * its own. More than {@code inline-threshold} missing ids end the call with {@link ErrorCode#NOT_SUPPORTED}
 * and nothing streamed (the host then compares ids itself with {@code detectDeleted}/{@code countRange}),
 * and so does {@code getDeletedPaged}.
 */
public final class HelperDeletions {
    static final int BATCH = 500;

    private final DataSource ds;
    private final Dialect dialect;
    private final DatabaseClock clock;
    private final int queryTimeout;

    public HelperDeletions(DataSource ds, Dialect dialect, DatabaseClock clock, int queryTimeout) {
        this.ds = ds;
        this.dialect = dialect;
        this.clock = clock;
        this.queryTimeout = queryTimeout;
    }

    /** Streams the ids the host knows that the table no longer holds; true (never NULL) or a fault. */
    public boolean getDeleted(TableSql sql, HelperApi helper, int inlineThreshold, ResultSink sink)
            throws EsaException, IOException {
        Table t = sql.table();
        if (helper == null) {
            throw new EsaException(ErrorCode.NOT_SUPPORTED, "deletions of structure " + t.name()
                    + " are found through the host, but no helper-url is configured; compare ids instead");
        }
        List<String> missing = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            Instant knownBefore = clock.now(c);
            List<String> batch = new ArrayList<>(BATCH);
            helper.enumerateKnownIds(knownBefore, t.name(), id -> {
                batch.add(id);
                if (batch.size() == BATCH) {
                    check(c, sql, batch, missing, inlineThreshold);
                }
            });
            check(c, sql, batch, missing, inlineThreshold);
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "getDeleted of " + t.name());
        }
        for (String id : missing) {
            sink.id(id);
        }
        return true;
    }

    /** Tells {@code getDeletedPaged} apart: the missing ids have no table to page over. */
    public static EsaException pagedNotSupported(Table t) {
        return new EsaException(ErrorCode.NOT_SUPPORTED, "deletions of structure " + t.name()
                + " are found through the host and answered inline only; compare ids instead");
    }

    private void check(Connection c, TableSql sql, List<String> batch, List<String> missing, int inlineThreshold)
            throws EsaException {
        RecordMapper m = sql.mapper();
        if (batch.isEmpty()) {
            return;
        }
        try {
            missing.addAll(LiveIds.absent(c, sql, batch, queryTimeout));
        } catch (SQLException e) {
            throw Faults.of(dialect, e, "getDeleted of " + m.table().name());
        }
        batch.clear();
        if (missing.size() > inlineThreshold) {
            // Ends the enumeration: the host's sink contract passes this failure on unchanged.
            throw new EsaException(ErrorCode.NOT_SUPPORTED, "more than " + inlineThreshold + " records of structure "
                    + m.table().name() + " were deleted, more than this ESA answers inline; compare ids instead");
        }
    }

}
