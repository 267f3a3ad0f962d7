package org.esabridge.jdbc.mariadb.capture;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.deserialization.AbstractRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.DeleteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventHeaderV4Deserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.NullEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.UpdateRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.WriteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongPredicate;

/**
 * The binlog client's event decoding, with one change: the rows of a table the reader does not want (another
 * schema's, the adapter's own index writes) are skipped, not decoded. The binary log holds every write of the server
 * — the index's own entries among them — and decoding each row of each column costs more than reading it.
 * Values are decoded as {@link RowIdDecoder} expects: dates and times as microseconds, CHAR/BINARY as bytes, and
 * dates with a zero part as {@link ZeroDateCells.ZeroDate}.
 */
final class RowEventDecoding {
    private static final Serializable[] SKIPPED = new Serializable[0];

    private RowEventDecoding() {
    }

    /**
     * @param wanted whether the rows of a table id (as of its latest table map) are to be decoded; asked on the
     *               client's thread right after that table map has reached the listener
     */
    static EventDeserializer deserializer(LongPredicate wanted) {
        Map<Long, TableMapEventData> tableMaps = new HashMap<>();
        EventDeserializer defaults = new EventDeserializer();
        Map<EventType, EventDataDeserializer> byType = new IdentityHashMap<>();
        for (EventType type : EventType.values()) {
            EventDataDeserializer d = defaults.getEventDataDeserializer(type);
            if (!(d instanceof NullEventDataDeserializer)) {
                byType.put(type, d);
            }
        }
        for (boolean extra : new boolean[] {false, true}) {
            byType.put(extra ? EventType.EXT_WRITE_ROWS : EventType.WRITE_ROWS, new Rows(tableMaps, wanted,
                    rows -> new WriteRowsEventDataDeserializer(tableMaps) {
                        @Override
                        protected Serializable[] deserializeRow(long id, BitSet columns, ByteArrayInputStream in) throws IOException {
                            return rows.deserializeRow(id, columns, in);
                        }
                    }.setMayContainExtraInformation(extra)));
            byType.put(extra ? EventType.EXT_UPDATE_ROWS : EventType.UPDATE_ROWS, new Rows(tableMaps, wanted,
                    rows -> new UpdateRowsEventDataDeserializer(tableMaps) {
                        @Override
                        protected Serializable[] deserializeRow(long id, BitSet columns, ByteArrayInputStream in) throws IOException {
                            return rows.deserializeRow(id, columns, in);
                        }
                    }.setMayContainExtraInformation(extra)));
            byType.put(extra ? EventType.EXT_DELETE_ROWS : EventType.DELETE_ROWS, new Rows(tableMaps, wanted,
                    rows -> new DeleteRowsEventDataDeserializer(tableMaps) {
                        @Override
                        protected Serializable[] deserializeRow(long id, BitSet columns, ByteArrayInputStream in) throws IOException {
                            return rows.deserializeRow(id, columns, in);
                        }
                    }.setMayContainExtraInformation(extra)));
        }
        EventDeserializer d = new EventDeserializer(new EventHeaderV4Deserializer(), new NullEventDataDeserializer(),
                byType, tableMaps);
        d.setCompatibilityMode(EventDeserializer.CompatibilityMode.DATE_AND_TIME_AS_LONG_MICRO,
                EventDeserializer.CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY);
        return d;
    }

    /** The rest of an unwanted event's body is skipped; the rows loop then ends. */
    private static Serializable[] skip(ByteArrayInputStream in) throws IOException {
        in.skip(in.available());
        return SKIPPED;
    }

    /**
     * The rows of one rows-event type: the client's own framing of that type's body (write, update or delete rows),
     * with the rows and their cells decoded here. This deserializer, not the framing, is the one registered with the
     * client, so that the compatibility modes set on the client reach the cell decoding.
     */
    private static final class Rows extends AbstractRowsEventDataDeserializer<EventData> {
        private final LongPredicate wanted;
        private final EventDataDeserializer<? extends EventData> framing;
        private final ZeroDateCells zeroDates = new ZeroDateCells();

        /** @param framing the client's deserializer of the event type, its rows read by the one given */
        Rows(Map<Long, TableMapEventData> tableMaps, LongPredicate wanted,
                Function<Rows, EventDataDeserializer<? extends EventData>> framing) {
            super(tableMaps);
            this.wanted = wanted;
            this.framing = framing.apply(this);
        }

        @Override
        public EventData deserialize(ByteArrayInputStream in) throws IOException {
            return framing.deserialize(in);
        }

        @Override
        protected Serializable[] deserializeRow(long tableId, BitSet columns, ByteArrayInputStream in) throws IOException {
            return wanted.test(tableId) ? super.deserializeRow(tableId, columns, in) : skip(in);
        }

        @Override
        protected Long asUnixTime(int year, int month, int day, int hour, int minute, int second, int millis) {
            Long zero = zeroDates.zero(year, month, day, hour, minute, second);
            return zero != null ? zero : super.asUnixTime(year, month, day, hour, minute, second, millis);
        }

        @Override
        protected int deserializeFractionalSeconds(int meta, ByteArrayInputStream in) throws IOException {
            return zeroDates.micros(super.deserializeFractionalSeconds(meta, in));
        }

        @Override
        protected Serializable deserializeDate(ByteArrayInputStream in) throws IOException {
            zeroDates.reset();
            return zeroDates.result(super.deserializeDate(in));
        }

        @Override
        protected Serializable deserializeDatetime(ByteArrayInputStream in) throws IOException {
            zeroDates.reset();
            return zeroDates.result(super.deserializeDatetime(in));
        }

        @Override
        protected Serializable deserializeDatetimeV2(int meta, ByteArrayInputStream in) throws IOException {
            zeroDates.reset();
            return zeroDates.result(super.deserializeDatetimeV2(meta, in));
        }

        @Override
        protected Serializable deserializeTimestamp(ByteArrayInputStream in) throws IOException {
            return ZeroDateCells.timestamp(super.deserializeTimestamp(in));
        }

        @Override
        protected Serializable deserializeTimestampV2(int meta, ByteArrayInputStream in) throws IOException {
            return ZeroDateCells.timestamp(super.deserializeTimestampV2(meta, in));
        }
    }
}
