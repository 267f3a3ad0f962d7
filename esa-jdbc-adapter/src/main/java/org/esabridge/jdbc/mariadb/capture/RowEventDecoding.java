package org.esabridge.jdbc.mariadb.capture;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.EventType;
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
        byType.put(EventType.WRITE_ROWS, new Write(tableMaps, wanted));
        byType.put(EventType.UPDATE_ROWS, new Update(tableMaps, wanted));
        byType.put(EventType.DELETE_ROWS, new Delete(tableMaps, wanted));
        byType.put(EventType.EXT_WRITE_ROWS, new Write(tableMaps, wanted).setMayContainExtraInformation(true));
        byType.put(EventType.EXT_UPDATE_ROWS, new Update(tableMaps, wanted).setMayContainExtraInformation(true));
        byType.put(EventType.EXT_DELETE_ROWS, new Delete(tableMaps, wanted).setMayContainExtraInformation(true));
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

    private static final class Write extends WriteRowsEventDataDeserializer {
        private final LongPredicate wanted;

        Write(Map<Long, TableMapEventData> tableMaps, LongPredicate wanted) {
            super(tableMaps);
            this.wanted = wanted;
        }

        @Override
        protected Serializable[] deserializeRow(long tableId, BitSet columns, ByteArrayInputStream in) throws IOException {
            return wanted.test(tableId) ? super.deserializeRow(tableId, columns, in) : skip(in);
        }

        private final ZeroDateCells zeroDates = new ZeroDateCells();

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

    private static final class Update extends UpdateRowsEventDataDeserializer {
        private final LongPredicate wanted;

        Update(Map<Long, TableMapEventData> tableMaps, LongPredicate wanted) {
            super(tableMaps);
            this.wanted = wanted;
        }

        @Override
        protected Serializable[] deserializeRow(long tableId, BitSet columns, ByteArrayInputStream in) throws IOException {
            return wanted.test(tableId) ? super.deserializeRow(tableId, columns, in) : skip(in);
        }

        private final ZeroDateCells zeroDates = new ZeroDateCells();

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

    private static final class Delete extends DeleteRowsEventDataDeserializer {
        private final LongPredicate wanted;

        Delete(Map<Long, TableMapEventData> tableMaps, LongPredicate wanted) {
            super(tableMaps);
            this.wanted = wanted;
        }

        @Override
        protected Serializable[] deserializeRow(long tableId, BitSet columns, ByteArrayInputStream in) throws IOException {
            return wanted.test(tableId) ? super.deserializeRow(tableId, columns, in) : skip(in);
        }

        private final ZeroDateCells zeroDates = new ZeroDateCells();

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
