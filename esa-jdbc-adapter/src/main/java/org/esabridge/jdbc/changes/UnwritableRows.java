package org.esabridge.jdbc.changes;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.LogText;
import org.esabridge.api.ResultSink;
import org.esabridge.api.xml.EncodedRecordSink;
import org.esabridge.api.xml.EncodedRecords;
import org.esabridge.api.xml.EsaResultWriter;
import org.esabridge.api.xml.UnwritableValueException;
import org.esabridge.jdbc.catalog.IdWhiteSpace;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rows that XML 1.0 cannot carry — another writer stored {@code CHAR(12)} in a text column, or a key holding one
 * — never block a structure's other records (esa-protocol.md §5, "Values XML cannot carry"). Such a record (or
 * deleted id) is left out of the answer and reported: a WARN naming the table, the id (encoded) and the field, at
 * most once per change of that row on this node, and the {@link #leftOut()} counter. A left-out record is also
 * noted in {@code esa_touched}, as a row changed behind the modification column is, so that every later
 * {@code getModified} looks at it again, and delivers it the moment it can be written — whether or not whoever
 * fixes it moves its modification column. No value is ever altered. A deleted id that cannot be written is left
 * out for good: no answer could ever have given it to the host.
 *
 * <p>So is a record or deleted id whose surrounding white space the host would trim away where the database does not
 * ignore it ({@link IdWhiteSpace}): the host would take it for another row. Such a record is not noted for a later
 * look — only a change of its id, which is another row, can fix it.
 *
 * <p>Thread-safe; one per adapter. Each read gets its own {@link Filter}.
 */
public final class UnwritableRows {
    private static final Logger LOG = LoggerFactory.getLogger(UnwritableRows.class);
    /** Left-out records one call notes for a later look; beyond them only the count and the log say so. */
    private static final int NOTED_PER_CALL = 10_000;
    /** Changes already warned about, per node (most recent). */
    private static final int WARNED_REMEMBERED = 10_000;

    private final DataSource ds;
    private final String noteTouched;
    private final int queryTimeout;
    private final AtomicLong leftOut = new AtomicLong();
    private final Map<String, Boolean> warned = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > WARNED_REMEMBERED;
        }
    };

    public UnwritableRows(DataSource ds, Dialect dialect, StateTables state, int queryTimeout) {
        this.ds = ds;
        this.noteTouched = "INSERT INTO " + state.touched() + " (table_name, row_id, touched_at) VALUES (?, ?, "
                + dialect.now() + ")";
        this.queryTimeout = queryTimeout;
    }

    /** Records and ids left out of answers since start, on this node. */
    public long leftOut() {
        return leftOut.get();
    }

    /** A sink for one read of {@code table}'s records or ids; call {@link Filter#finish} once the read is over. */
    public Filter filter(Table table, ResultSink sink) {
        return new Filter(table, sink);
    }

    /**
     * Passes what XML can carry on, leaves the rest out and notes it. Records encoded ahead pass through as they are
     * (to a sink that takes them so): what could not be encoded comes as records of its own.
     */
    public final class Filter implements EncodedRecordSink {
        private final Table table;
        private final ResultSink sink;
        private final List<String> noted = new ArrayList<>();

        private Filter(Table table, ResultSink sink) {
            this.table = table;
            this.sink = sink;
        }

        // The result writer decides what XML can carry, and refuses an entry having written nothing of it
        // (EsaResultWriter#record): so the common case costs no second scan of every value.
        @Override
        public void record(ExternalRecord record) throws IOException {
            String lost = IdWhiteSpace.lost(table, record.id());
            if (lost != null) {
                // Not noted for a later look: only a change of the id itself, another row, can fix it.
                reportTrimmed(record.id(), record.modifiedAt(), lost, "record");
                return;
            }
            try {
                sink.record(record);
            } catch (UnwritableValueException e) {
                String part = EsaResultWriter.unwritablePart(record);
                report(record.id(), record.modifiedAt(), part == null ? "a value" : part, "record");
                if (record.id() != null && noted.size() < NOTED_PER_CALL) {
                    noted.add(record.id());
                }
            }
        }

        /** Only when the sink beneath is an {@link EncodedRecordSink} too. */
        @Override
        public void records(EncodedRecords records) throws IOException {
            ((EncodedRecordSink) sink).records(records);
        }

        @Override
        public void id(String id) throws IOException {
            String lost = IdWhiteSpace.lost(table, id);
            if (lost != null) {
                reportTrimmed(id, null, lost, "deleted id");
                return;
            }
            try {
                sink.id(id);
            } catch (UnwritableValueException e) {
                report(id, null, "id", "deleted id");
            }
        }

        private void reportTrimmed(String id, Instant modifiedAt, String lost, String what) {
            if (firstReport(id, modifiedAt, lost)) {
                LOG.warn("{} {} of table {} left out of the answer: its id has {}, which the host trims away and"
                                + " the database does not ignore (modified-at {})", what, encoded(id),
                        encoded(table.name()), lost, modifiedAt == null ? "-" : modifiedAt);
            }
        }

        private void report(String id, Instant modifiedAt, String part, String what) {
            if (firstReport(id, modifiedAt, part)) {
                LOG.warn("{} {} of table {} left out of the answer: its {} holds a character XML cannot carry; it is"
                                + " delivered once fixed (modified-at {})", what, encoded(id), encoded(table.name()),
                        part.startsWith("field ") ? "field " + encoded(part.substring(6)) : part,
                        modifiedAt == null ? "-" : modifiedAt);
            }
        }

        /** Counts a left-out entry; whether it is the first report of this change of the row on this node. */
        private boolean firstReport(String id, Instant modifiedAt, String part) {
            leftOut.incrementAndGet();
            String key = table.name() + '\u0000' + id + '\u0000' + modifiedAt + '\u0000' + part;
            synchronized (warned) {
                return warned.put(key, Boolean.TRUE) == null;
            }
        }

        /**
         * Notes the left-out records in {@code esa_touched} for the next {@code getModified}. Runs after the read,
         * on a connection of its own (the read's is released: with {@code pool-size=1} there is no other); a
         * failure is logged, never the call's: the answer is right either way, only the later look is lost.
         */
        public void finish() {
            if (noted.isEmpty()) {
                return;
            }
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(noteTouched)) {
                ps.setQueryTimeout(queryTimeout);
                for (String id : noted) {
                    ps.setString(1, table.name());
                    ps.setString(2, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            } catch (SQLException e) {
                LOG.warn("left-out records of table {} could not be noted for a later look: {}", encoded(table.name()),
                        e.getMessage());
            }
            noted.clear();
        }
    }

    /** A value of a log line: anything that could forge a line or hide a character is percent-encoded. */
    static String encoded(String text) {
        return LogText.value(text);
    }
}
