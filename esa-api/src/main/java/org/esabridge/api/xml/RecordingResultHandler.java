package org.esabridge.api.xml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.esabridge.api.Cursor;
import org.esabridge.api.EsaParameter;
import org.esabridge.api.ExternalField;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.Relation;

/**
 * Keeps every entry it receives, in order, for a test or a client to look at afterwards: as a
 * {@link org.esabridge.api.ResultSink} it captures what an adapter streams, as an {@link EsaResultHandler}
 * what {@link EsaResultReader} reads. It holds the whole result in memory, so it is for small results only; a
 * result that grows with the data belongs in a sink that writes or counts.
 *
 * <p>Not thread-safe: one call fills it, then it is read.
 */
public final class RecordingResultHandler implements EsaResultHandler {

    /** An id in {@link #entries()}. */
    public record Id(String id) {
    }

    /** A {@code <value>} in {@link #entries()}. */
    public record Value(String value) {
    }

    /** The protocol's NULL answer in {@link #entries()}. */
    public record NullValue() {
    }

    private final List<Object> entries = new ArrayList<>();

    @Override
    public void record(ExternalRecord record) {
        entries.add(record);
    }

    @Override
    public void id(String id) {
        entries.add(new Id(id));
    }

    @Override
    public void value(String value) {
        entries.add(new Value(value));
    }

    @Override
    public void nullValue() {
        entries.add(new NullValue());
    }

    @Override
    public void cursor(Cursor cursor) {
        entries.add(cursor);
    }

    @Override
    public void structure(ExternalStructure structure) {
        entries.add(structure);
    }

    @Override
    public void field(ExternalField field) {
        entries.add(field);
    }

    @Override
    public void relation(Relation relation) {
        entries.add(relation);
    }

    @Override
    public void parameter(EsaParameter parameter) {
        entries.add(parameter);
    }

    /**
     * Every entry in the order received: records, cursors, structures, fields, relations and parameters as
     * they are; ids, values and the NULL answer as {@link Id}, {@link Value} and {@link NullValue}.
     */
    public List<Object> entries() {
        return Collections.unmodifiableList(entries);
    }

    /** How many entries arrived, of every kind. */
    public int size() {
        return entries.size();
    }

    public List<ExternalRecord> records() {
        return of(ExternalRecord.class);
    }

    public List<String> ids() {
        return of(Id.class).stream().map(Id::id).toList();
    }

    public List<String> values() {
        return of(Value.class).stream().map(Value::value).toList();
    }

    public List<Cursor> cursors() {
        return of(Cursor.class);
    }

    public List<ExternalStructure> structures() {
        return of(ExternalStructure.class);
    }

    public List<ExternalField> fields() {
        return of(ExternalField.class);
    }

    /** The entries of one kind, in order: {@code of(Relation.class)}, {@code of(EsaParameter.class)}. */
    public <T> List<T> of(Class<T> kind) {
        return entries.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** What arrived, counted by kind, for a message: "an empty result" or "2 ExternalRecord, 1 NullValue". */
    @Override
    public String toString() {
        if (entries.isEmpty()) {
            return "an empty result";
        }
        Map<String, Long> counts = entries.stream().collect(Collectors.groupingBy(e -> e.getClass().getSimpleName(),
                LinkedHashMap::new, Collectors.counting()));
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }
}
