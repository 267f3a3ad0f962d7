package org.esabridge.testkit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.esabridge.api.FieldValue;

/**
 * What the simulated host knows of an ESA: per structure the records as the ESA last showed them (each with
 * its last-seen modified-at), the ESA time of the last completed sync, and the host's own edits that still
 * have to be written back. Held in memory (a test tool); {@link ReplicaFile} keeps it between runs.
 *
 * <p>The host's view of a record is its ESA version with the pending edit on top. A pending edit that met a
 * change on the ESA side is marked conflicted and stays until someone {@link #resolve resolves} it: the
 * simulator never picks a winner by itself.
 */
public final class Replica {

    /** A record as the ESA last showed it. */
    public record Stored(String id, Instant lastSeen, List<FieldValue> fields) {
        public Stored {
            Objects.requireNonNull(id, "id == null");
            fields = List.copyOf(fields);
        }

        public String text(String field) {
            for (FieldValue f : fields) {
                if (f.name().equals(field)) {
                    return f.text();
                }
            }
            return null;
        }
    }

    public enum EditKind { CREATE, UPDATE, DELETE }

    /**
     * A host-side change not yet accepted by the ESA.
     *
     * @param key      the record id, or a local key ({@code new-N}) for a create
     * @param fields   the fields to send (changed fields of an update, all fields of a create)
     * @param conflict why the edit met a change on the ESA side, or null while it is not conflicted
     */
    public record Edit(EditKind kind, String key, List<FieldValue> fields, String conflict) {
        public Edit {
            Objects.requireNonNull(kind, "kind == null");
            Objects.requireNonNull(key, "key == null");
            fields = List.copyOf(fields);
        }

        Edit conflicted(String reason) {
            return new Edit(kind, key, fields, reason);
        }
    }

    /** One structure's part of the replica. */
    public static final class Structure {
        private final String name;
        private Instant lastSync;
        private final Map<String, Stored> records = new LinkedHashMap<>();
        private final Map<String, Edit> edits = new LinkedHashMap<>();

        Structure(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        /** The ESA time the last completed sync of this structure started at, or null before the first. */
        public Instant lastSync() {
            return lastSync;
        }

        void lastSync(Instant at) {
            lastSync = at;
        }

        public Map<String, Stored> records() {
            return Collections.unmodifiableMap(records);
        }

        public Map<String, Edit> edits() {
            return Collections.unmodifiableMap(edits);
        }

        public Stored record(String id) {
            return records.get(id);
        }

        void put(Stored record) {
            records.put(record.id(), record);
        }

        void remove(String id) {
            records.remove(id);
        }

        void putEdit(Edit edit) {
            edits.put(edit.key(), edit);
        }

        void removeEdit(String key) {
            edits.remove(key);
        }
    }

    private final Map<String, Structure> structures = new LinkedHashMap<>();
    private long nextLocalKey = 1;

    public Structure structure(String name) {
        return structures.computeIfAbsent(name, Structure::new);
    }

    public Collection<Structure> structures() {
        return Collections.unmodifiableCollection(structures.values());
    }

    // --- host-side edits ---

    /** The host changes fields of a record it has; sent with the record's last-seen at the next sync. */
    public void update(String structure, String id, List<FieldValue> changed) {
        Structure s = structure(structure);
        if (s.record(id) == null) {
            throw new IllegalArgumentException("the replica has no record " + id + " in " + structure);
        }
        Edit before = s.edits().get(id);
        Map<String, FieldValue> merged = new LinkedHashMap<>();
        if (before != null) {
            if (before.kind() == EditKind.DELETE) {
                throw new IllegalArgumentException("record " + id + " of " + structure + " is deleted on the host");
            }
            before.fields().forEach(f -> merged.put(f.name(), f));
        }
        changed.forEach(f -> merged.put(f.name(), f));
        s.putEdit(new Edit(EditKind.UPDATE, id, new ArrayList<>(merged.values()), null));
    }

    /** The host deletes a record; sent with the record's last-seen at the next sync. */
    public void delete(String structure, String id) {
        Structure s = structure(structure);
        if (s.record(id) == null) {
            throw new IllegalArgumentException("the replica has no record " + id + " in " + structure);
        }
        s.putEdit(new Edit(EditKind.DELETE, id, List.of(), null));
    }

    /** The host creates a record; the ESA assigns the id at the next sync. @return the local key */
    public String create(String structure, List<FieldValue> fields) {
        String key = "new-" + nextLocalKey++;
        structure(structure).putEdit(new Edit(EditKind.CREATE, key, fields, null));
        return key;
    }

    public enum Resolution {
        /** Drop the host's edit; the ESA's version stands. */
        KEEP_ESA,
        /** Send the host's edit again, now against the ESA version the replica holds. */
        KEEP_HOST
    }

    /** Settles a conflicted edit; the only way one is ever settled. */
    public void resolve(String structure, String key, Resolution resolution) {
        Structure s = structure(structure);
        Edit edit = s.edits().get(key);
        if (edit == null || edit.conflict() == null) {
            throw new IllegalArgumentException("no conflict on " + key + " in " + structure);
        }
        if (resolution == Resolution.KEEP_ESA || s.record(key) == null && edit.kind() != EditKind.CREATE) {
            s.removeEdit(key);
        } else {
            s.putEdit(new Edit(edit.kind(), key, edit.fields(), null));
        }
    }

    long nextLocalKey() {
        return nextLocalKey;
    }

    void nextLocalKey(long next) {
        nextLocalKey = next;
    }
}
