package org.esabridge.api.xml;

import java.time.Instant;
import java.time.LocalDateTime;

/**
 * One record's parts, written in their order (id, modification time, fields) by a source that reads them itself, such
 * as a result set's row: {@link EncodedRecords#begin()} hands one out and {@link EncodedRecords#end()} takes the record.
 * The bytes are those {@link EncodedRecords#add} writes for the {@link org.esabridge.api.ExternalRecord} of the same
 * parts, without that record, its field list or a string per value.
 *
 * <p>A part XML cannot carry does not throw: {@link EncodedRecords#end()} then refuses the record.
 */
public interface RecordText {
    /** The record's id, in protocol text form; call first, or not at all for a record without one. */
    void id(String id);

    /** The record's modification time; after the id, before the fields. */
    void modifiedAt(Instant modifiedAt);

    /**
     * {@link #modifiedAt(Instant)} for the instant whose UTC wall time is {@code utc}: the same text, without the
     * instant.
     */
    void modifiedAtUtc(LocalDateTime utc);

    /**
     * The next field, in protocol text form ({@link org.esabridge.api.FieldValue#text()}).
     *
     * @param name the field's name: the same string object for the same field of every record is cheapest
     * @param text the value; null for xsi:nil
     */
    void field(String name, String text);

    /**
     * {@link #field(String, String)} for a value given as its UTF-8 bytes, as a database sends text: a value of plain
     * ASCII is copied as it is, any other decoded as UTF-8 first (malformed input replaced, as
     * {@code new String(utf8, UTF_8)} does).
     *
     * @param utf8 the value's bytes, not kept; null for xsi:nil
     */
    void fieldUtf8(String name, byte[] utf8);
}
