package org.esabridge.jdbc.mariadb.capture;

import java.io.Serializable;
import org.esabridge.jdbc.catalog.ValueKind;
import org.esabridge.jdbc.mariadb.ZeroDates;

/**
 * The binlog client turns a DATE or DATETIME with a zero year, month or day ({@code 0000-00-00}, {@code 2024-00-15})
 * into null, and the zero TIMESTAMP into 1970-01-01: neither is the value the adapter reads over JDBC. The row
 * deserializers ({@link RowEventDecoding}) catch the fields of such a date as the client splits them and hand on a
 * {@link ZeroDate} instead, which {@link RowIdDecoder} spells as {@link ZeroDates} does. One instance per
 * deserializer, used on the client's thread only.
 */
final class ZeroDateCells {
    /** A DATE/DATETIME/TIMESTAMP value with a zero part, as the binary log holds it. */
    record ZeroDate(int year, int month, int day, int hour, int minute, int second, int micros) implements Serializable {
        static final ZeroDate ZERO = new ZeroDate(0, 0, 0, 0, 0, 0, 0);

        String wire(ValueKind kind, int fsp) {
            return ZeroDates.wire(year, month, day, hour, minute, second, micros, kind, fsp);
        }
    }

    private ZeroDate caught;
    private int micros;

    /** Call before the client decodes a DATE or DATETIME cell. */
    void reset() {
        caught = null;
        micros = 0;
    }

    /** The fractional seconds the client read for the cell, in microseconds. */
    int micros(int value) {
        micros = value;
        return value;
    }

    /**
     * Catches a date with a zero part, or answers null for an ordinary one (the client then computes its time).
     * A caught date is given the client's stand-in 0 so that the rest of its decoding runs as for any date.
     */
    Long zero(int year, int month, int day, int hour, int minute, int second) {
        // Year 0 too: the client's Julian/Gregorian calendar has none; its digits are what java.time prints.
        if (year != 0 && month != 0 && day != 0) {
            return null;
        }
        caught = new ZeroDate(year, month, day, hour, minute, second, micros);
        return 0L;
    }

    /** The cell's value: the client's, or the caught zero date. */
    Serializable result(Serializable decoded) {
        return caught != null ? caught : decoded;
    }

    /**
     * A TIMESTAMP cell as microseconds since 1970 (DATE_AND_TIME_AS_LONG_MICRO): below one second it is MariaDB's
     * zero TIMESTAMP, as no TIMESTAMP before 1970-01-01 00:00:01 UTC exists.
     */
    static Serializable timestamp(Serializable decoded) {
        return decoded instanceof Long micros && micros >= 0 && micros < 1_000_000L ? ZeroDate.ZERO : decoded;
    }
}
