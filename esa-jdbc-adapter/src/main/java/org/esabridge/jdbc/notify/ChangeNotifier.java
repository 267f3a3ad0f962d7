package org.esabridge.jdbc.notify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.esabridge.api.EsaException;
import org.esabridge.api.helper.DeletionReporter;
import org.esabridge.api.helper.HelperApi;
import org.esabridge.jdbc.DeleteStrategy;
import org.esabridge.jdbc.catalog.Catalog;
import org.esabridge.jdbc.catalog.IdWhiteSpace;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.changes.RowsById;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push-triggered sync ({@code notify-interval-seconds}): one thread polls every exposed structure's
 * {@code MAX(modification column)} (an index's last entry when the column is indexed) and the tombstones' and
 * touches' {@code MAX(seq)}, and when anything moved since the last poll asks the host to sync ({@code startSync}
 * asynchronously) through a {@link SyncTrigger}. The first poll only takes the baseline.
 *
 * <p>New tombstones of the exposed structures are also handed to the {@link DeletionReporter}
 * ({@code trackRecordDeletion}); it sends them before the ESA processes its next call, which the requested
 * sync brings at once, and only for ids no row of the table has when the poll looks (a deleted and re-inserted
 * id is live: {@link RowsById}). These reports are a head start, not the guarantee: a tombstone committed late with a
 * lower {@code seq} is not reported here, and {@code getDeleted} (with its watermark) still answers every one.
 *
 * <p>In binlog capture mode there are no tombstones: the change index's {@code D} entries play their part
 * ({@link IndexDeletions}).
 *
 * <p>Not seen: deletions of structures with delete strategy {@code helper} or {@code none} (no tombstone
 * moves; the next change or the host's own schedule covers them). The same thread sends the requests, so a
 * slow host delays polls, never stacks them.
 */
public final class ChangeNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeNotifier.class);
    /** Bounds one poll's work; a burst of deletions is reported over the following polls. */
    private static final int REPORTS_PER_POLL = 10_000;
    private static final int QUERY_TIMEOUT = 30;

    private final DataSource ds;
    private final Dialect dialect;
    private final StateTables state;
    private final Supplier<Catalog> catalog;
    private final ScheduledExecutorService thread;
    private final SyncTrigger trigger;
    private final DeletionReporter deletions;
    private Map<String, Object> last;
    private long lastTombstone = -1;
    /** Whether deletions are in the change index (binlog capture mode) rather than in tombstones. */
    private final BooleanSupplier indexed;
    private final IndexDeletions indexDeletions;

    /** @param deletions where new tombstones are reported, or null to report none */
    public ChangeNotifier(DataSource ds, Dialect dialect, StateTables state, Supplier<Catalog> catalog, HelperApi helper,
                          DeletionReporter deletions, Duration interval, BooleanSupplier indexed) {
        this.ds = ds;
        this.indexed = indexed;
        this.indexDeletions = new IndexDeletions(dialect, state, REPORTS_PER_POLL);
        this.deletions = deletions;
        this.dialect = dialect;
        this.state = state;
        this.catalog = catalog;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "esa-change-notifier");
            t.setDaemon(true);
            return t;
        });
        this.trigger = new SyncTrigger(() -> helper.startSync(true), thread, Duration.ofSeconds(1),
                Duration.ofMinutes(5));
        long millis = interval.toMillis();
        thread.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        Map<String, Object> now;
        try {
            now = snapshot();
            if (deletions != null) {
                reportNewTombstones();
            }
        } catch (SQLException | EsaException | RuntimeException e) {
            LOG.warn("change notifier: could not poll the database: {}", e.getMessage());
            return;
        }
        if (last != null && !last.equals(now)) {
            trigger.trigger();
        }
        last = now;
    }

    private Map<String, Object> snapshot() throws SQLException, EsaException {
        Map<String, Object> marks = new HashMap<>();
        try (Connection c = ds.getConnection()) {
            Catalog current = catalog.get();
            for (Table t : current.tables()) {
                marks.put(t.name(), max(c, current.sql(t.name()).maxModified()));
            }
            if (indexed.getAsBoolean()) {
                for (Table t : tracked(current)) {
                    marks.put("esa_change:" + t.name(), indexDeletions.mark(c, t.name()));
                }
            } else {
                marks.put("esa_tombstone", max(c, "SELECT MAX(seq) FROM " + state.tombstone()));
                // Rows a cascade changed without their modification column.
                marks.put("esa_touched", max(c, "SELECT MAX(seq) FROM " + state.touched()));
            }
        }
        return marks;
    }

    private void reportNewTombstones() throws SQLException, EsaException {
        try (Connection c = ds.getConnection()) {
            if (indexed.getAsBoolean()) {
                indexDeletions.report(c, tracked(catalog.get()), deletions);
                return;
            }
            if (lastTombstone < 0) {
                lastTombstone = Long.parseLong(Objects.toString(max(c, "SELECT COALESCE(MAX(seq), 0) FROM " + state.tombstone())));
                return;
            }
            Catalog current = catalog.get();
            Map<String, Table> tracked = new HashMap<>();
            for (Table t : tracked(current)) {
                tracked.put(t.name(), t);
            }
            record Tombstone(Instant at, String table, String id) {
            }
            List<Tombstone> found = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, table_name, row_id, deleted_at FROM " + state.tombstone()
                    + " WHERE seq > ? ORDER BY seq" + dialect.limit(Integer.toString(REPORTS_PER_POLL)))) {
                ps.setLong(1, lastTombstone);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        lastTombstone = rs.getLong(1);
                        if (tracked.containsKey(rs.getString(2))) {
                            found.add(new Tombstone(ValueCodec.readInstant(rs, 4), rs.getString(2), rs.getString(3)));
                        }
                    }
                }
            }
            // Only ids no row has now: a deleted and re-inserted id is live (changes.RowsById).
            Map<String, Set<String>> absent = new HashMap<>();
            Map<String, List<String>> byTable = new HashMap<>();
            found.forEach(t -> byTable.computeIfAbsent(t.table(), k -> new ArrayList<>()).add(t.id()));
            for (Map.Entry<String, List<String>> e : byTable.entrySet()) {
                absent.put(e.getKey(), new HashSet<>(new RowsById(current.sql(e.getKey()), QUERY_TIMEOUT).absent(c, e.getValue())));
            }
            for (Tombstone t : found) {
                // An id the host would trim into another is left out, as getDeleted leaves it out and says so.
                if (absent.get(t.table()).contains(t.id()) && IdWhiteSpace.lost(tracked.get(t.table()), t.id()) == null) {
                    deletions.report(t.at(), t.table(), t.id());
                }
            }
        }
    }

    /** The structures whose deletions are reported. */
    private static List<Table> tracked(Catalog catalog) {
        return catalog.tables().stream().filter(t -> t.deleteStrategy().kind() == DeleteStrategy.Kind.TOMBSTONE).toList();
    }

    private static Object max(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return Objects.toString(rs.getObject(1), "");
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
