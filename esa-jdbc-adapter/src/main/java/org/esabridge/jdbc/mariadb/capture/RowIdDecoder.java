package org.esabridge.jdbc.mariadb.capture;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.BitSet;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.RecordId;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.ValueCodec;
import org.esabridge.jdbc.catalog.ValueKind;

/**
 * Spells the external id of a row image from the binary log exactly as the adapter spells it when it reads the
 * row over JDBC ({@code RecordMapper.readId}, {@link ValueCodec#read}, {@link RecordId}): the index is looked up
 * by that text, so one differing character would be a missed change. The binary log carries raw values — signed
 * integers whatever the column says, string bytes without their character set, BINARY(n) without its trailing
 * zero bytes — so each id column's catalog type decides how its value is read. An id column of a type not
 * handled here makes the table uncapturable ({@link UnsupportedIdException}), never a wrong id.
 */
final class RowIdDecoder {
    /** Why a table's ids cannot be spelled from the binary log. */
    static final class UnsupportedIdException extends Exception {
        private static final long serialVersionUID = 1L;

        UnsupportedIdException(String message) {
            super(message);
        }
    }

    /** One id column: its value in a row image → protocol text, or null when it cannot be spelled. */
    @FunctionalInterface
    private interface Part {
        String spell(Serializable value);
    }

    private final int[] positions;
    private final Part[] parts;

    private RowIdDecoder(int[] positions, Part[] parts) {
        this.positions = positions;
        this.parts = parts;
    }

    /**
     * @param columns  every column of the table in the row image's order (the binary log's column names, or the
     *                 catalog's ordinal positions when the log does not carry names)
     * @param charsets each string column's character set name ({@code CHARACTER_SET_NAME}), by column name
     */
    static RowIdDecoder of(Table table, List<String> columns, Map<String, String> charsets) throws UnsupportedIdException {
        int n = table.idColumns().size();
        int[] positions = new int[n];
        Part[] parts = new Part[n];
        for (int i = 0; i < n; i++) {
            Column c = table.idColumns().get(i);
            positions[i] = indexOf(columns, c.name());
            if (positions[i] < 0) {
                throw new UnsupportedIdException("id column " + c.name() + " is not in the binary log's row image");
            }
            parts[i] = part(c, table.kind(c), charsets.get(c.name()));
        }
        return new RowIdDecoder(positions, parts);
    }

    /** Checks that every id column of the table has a type this class spells exactly. */
    static void check(Table table, Map<String, String> charsets) throws UnsupportedIdException {
        for (Column c : table.idColumns()) {
            part(c, table.kind(c), charsets.get(c.name()));
        }
    }

    private static int indexOf(List<String> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            // Column names are case-insensitive in MariaDB.
            if (columns.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The id of a row image, or null when a part is NULL or not of the expected shape (the caller records a gap).
     *
     * @param included the columns present in the image (all of them with {@code binlog_row_image=FULL})
     */
    String id(Serializable[] row, BitSet included) {
        List<String> texts = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            int position = positions[i];
            if (!included.get(position)) {
                return null;
            }
            // The image holds only the included columns, in order.
            int index = included.get(0, position).cardinality();
            Serializable value = index < row.length ? row[index] : null;
            String text;
            try {
                text = value == null ? null : parts[i].spell(value);
            } catch (RuntimeException e) {
                return null;
            }
            if (text == null) {
                return null;
            }
            texts.add(text);
        }
        return RecordId.encode(texts);
    }

    private static Part part(Column c, ValueKind kind, String charset) throws UnsupportedIdException {
        String type = c.dataType();
        switch (kind) {
            case INTEGER:
                if (type.equals("year")) {
                    // The client adds 1900 to the stored byte; 0 stands for the year 0000 (1900 is no YEAR value).
                    return v -> {
                        int year = ((Number) v).intValue();
                        return Integer.toString(year == 1900 ? 0 : year);
                    };
                }
                return integer(c);
            case BOOLEAN:
                if (type.equals("bit")) {
                    return v -> Boolean.toString(((BitSet) v).get(0));
                }
                return v -> Boolean.toString(((Number) v).longValue() != 0);
            case BITS:
                return v -> bits((BitSet) v).toString();
            case DECIMAL:
                return v -> ((BigDecimal) v).toPlainString();
            case STRING:
                return string(c, charset);
            case DATE:
                return v -> v instanceof ZeroDateCells.ZeroDate z ? z.wire(kind, 0) : fromMicros((Long) v).toLocalDate().toString();
            case DATETIME, TIMESTAMP:
                return v -> v instanceof ZeroDateCells.ZeroDate z ? z.wire(kind, c.fsp())
                        : ValueCodec.formatDateTime(fromMicros((Long) v), c.fsp(), kind == ValueKind.TIMESTAMP);
            case BINARY:
                if (type.equals("binary")) {
                    // The log drops BINARY(n)'s trailing zero bytes; the column holds all n.
                    int length = c.charLength() == null ? -1 : Math.toIntExact(c.charLength());
                    return v -> Base64.getEncoder().encodeToString(length < 0 ? (byte[]) v
                            : Arrays.copyOf((byte[]) v, Math.max(length, ((byte[]) v).length)));
                }
                return v -> Base64.getEncoder().encodeToString((byte[]) v);
            default:
                break;
        }
        throw new UnsupportedIdException("id column " + c.name() + " of type " + c.columnType()
                + " cannot be read exactly from the binary log");
    }

    private static Part integer(Column c) {
        boolean unsigned = c.isUnsigned();
        return switch (c.dataType()) {
            case "tinyint" -> v -> Long.toString(unsigned ? ((Number) v).longValue() & 0xFFL : ((Number) v).longValue());
            case "smallint" -> v -> Long.toString(unsigned ? ((Number) v).longValue() & 0xFFFFL : ((Number) v).longValue());
            case "mediumint" -> v -> Long.toString(unsigned ? ((Number) v).longValue() & 0xFFFFFFL : ((Number) v).longValue());
            case "int", "integer" -> v -> Long.toString(unsigned ? ((Number) v).longValue() & 0xFFFFFFFFL
                    : ((Number) v).longValue());
            default -> v -> unsigned ? Long.toUnsignedString(((Number) v).longValue()) : Long.toString(((Number) v).longValue());
        };
    }

    private static Part string(Column c, String charsetName) throws UnsupportedIdException {
        String type = c.dataType();
        boolean plain = type.equals("char") || type.equals("varchar") || type.endsWith("text");
        Charset charset = charsetName == null ? null : charset(charsetName);
        if (!plain || charset == null) {
            throw new UnsupportedIdException("id column " + c.name() + " of type " + c.columnType()
                    + (charsetName == null ? "" : " " + charsetName) + " cannot be read exactly from the binary log");
        }
        boolean latin1 = charsetName.equalsIgnoreCase("latin1");
        boolean padded = type.equals("char");
        return v -> {
            byte[] bytes = v instanceof String s ? s.getBytes(StandardCharsets.ISO_8859_1) : (byte[]) v;
            String text = latin1 ? latin1(bytes) : new String(bytes, charset);
            // MariaDB returns CHAR values without their trailing spaces (no PAD_CHAR_TO_FULL_LENGTH).
            return padded ? text.replaceFirst(" +$", "") : text;
        };
    }

    /** Java's charset for a MariaDB character set whose every value decodes the same way; null for others. */
    private static Charset charset(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "utf8mb4", "utf8mb3", "utf8" -> StandardCharsets.UTF_8;
            case "ascii" -> StandardCharsets.US_ASCII;
            case "latin1" -> Charset.forName("windows-1252");
            case "ucs2", "utf16" -> StandardCharsets.UTF_16BE;
            case "utf16le" -> StandardCharsets.UTF_16LE;
            case "utf32" -> Charset.forName("UTF-32BE");
            default -> null;
        };
    }

    /**
     * MariaDB's latin1 is Windows-1252 with the five bytes that code page leaves undefined mapped to the C1
     * controls of the same number (as ISO 8859-1 does); Java's windows-1252 would turn them into U+FFFD.
     */
    private static String latin1(byte[] bytes) {
        String cp1252 = new String(bytes, Charset.forName("windows-1252"));
        if (cp1252.indexOf('\uFFFD') < 0) {
            return cp1252;
        }
        StringBuilder sb = new StringBuilder(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            boolean undefined = b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D;
            sb.append(undefined ? (char) b : cp1252.charAt(i));
        }
        return sb.toString();
    }

    private static BigInteger bits(BitSet set) {
        BigInteger value = BigInteger.ZERO;
        for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
            value = value.setBit(i);
        }
        return value;
    }

    /**
     * The log's DATE/DATETIME/TIMESTAMP value, read with DATE_AND_TIME_AS_LONG_MICRO: microseconds of UTC. The library
     * counts dates before the Gregorian cutover (1582-10-15) in java.util's Julian calendar, so those are turned back
     * into their fields the same way; MariaDB's own calendar is proleptic Gregorian, like java.time's.
     */
    private static LocalDateTime fromMicros(long micros) {
        long seconds = Math.floorDiv(micros, 1_000_000L);
        int nanos = (int) Math.floorMod(micros, 1_000_000L) * 1000;
        if (seconds * 1000 >= GREGORIAN_CUTOVER_MILLIS) {
            return LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
        }
        GregorianCalendar julian = new GregorianCalendar(TimeZone.getTimeZone("UTC"), Locale.ROOT);
        julian.setTimeInMillis(seconds * 1000);
        if (julian.get(Calendar.ERA) != GregorianCalendar.AD) {
            throw new IllegalArgumentException("a year before 1");
        }
        return LocalDateTime.of(julian.get(Calendar.YEAR), julian.get(Calendar.MONTH) + 1,
                julian.get(Calendar.DAY_OF_MONTH), julian.get(Calendar.HOUR_OF_DAY), julian.get(Calendar.MINUTE),
                julian.get(Calendar.SECOND), nanos);
    }

    /** java.util.GregorianCalendar's default cutover: 1582-10-15T00:00Z. */
    private static final long GREGORIAN_CUTOVER_MILLIS = -12_219_292_800_000L;
}
