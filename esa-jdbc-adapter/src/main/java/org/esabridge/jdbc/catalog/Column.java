package org.esabridge.jdbc.catalog;

import java.util.Locale;

/**
 * One column as the dialect's catalog query ({@code Dialect#columnsSql}) describes it; its type names are the
 * engine's, which the engine's {@link ValueCodec#kind} maps to kinds.
 *
 * @param name            the column name as the catalog spells it
 * @param dataType        the type's name, lower case ({@code varchar}, {@code timestamp} …)
 * @param columnType      the full type, lower case ({@code tinyint(1) unsigned}, {@code numeric(10,2)} …)
 * @param charLength      {@code CHARACTER_MAXIMUM_LENGTH} (characters, or bytes for binary kinds), or null
 * @param precision       {@code NUMERIC_PRECISION}, or null
 * @param scale           {@code NUMERIC_SCALE}, or null
 * @param fsp             fractional-seconds digits of temporal kinds ({@code DATETIME_PRECISION}), else 0
 * @param nullable        whether null is allowed
 * @param hasDefault      whether an insert may leave it out (a default, auto-increment or generated)
 * @param autoIncrement   whether the database generates it
 * @param generated       whether it is a computed (virtual or stored) column that cannot be written
 * @param onUpdateNow     whether it has {@code ON UPDATE CURRENT_TIMESTAMP}
 * @param padSpace        whether the database compares its values ignoring trailing spaces (a PAD SPACE
 *                        collation, a blank-padded {@code char(n)} type), so that a value and the value with its trailing
 *                        spaces cut find the same row ({@link IdWhiteSpace})
 */
public record Column(String name, String dataType, String columnType, Long charLength, Long precision, Long scale,
                     int fsp, boolean nullable, boolean hasDefault, boolean autoIncrement, boolean generated,
                     boolean onUpdateNow, boolean padSpace) {

    public Column {
        dataType = dataType.toLowerCase(Locale.ROOT);
        columnType = columnType.toLowerCase(Locale.ROOT);
    }

    /** A column compared exactly, trailing spaces included (every column not read from the catalog). */
    public Column(String name, String dataType, String columnType, Long charLength, Long precision, Long scale,
                  int fsp, boolean nullable, boolean hasDefault, boolean autoIncrement, boolean generated,
                  boolean onUpdateNow) {
        this(name, dataType, columnType, charLength, precision, scale, fsp, nullable, hasDefault, autoIncrement,
                generated, onUpdateNow, false);
    }

    /** TIMESTAMP: stored in UTC, shown with {@code Z}. */
    public boolean isTimestamp() {
        return dataType.equals("timestamp");
    }

    /** A column that can serve as a modification time. */
    public boolean isTemporal() {
        return dataType.equals("timestamp") || dataType.equals("datetime");
    }

    public boolean isUnsigned() {
        return columnType.contains("unsigned");
    }
}
