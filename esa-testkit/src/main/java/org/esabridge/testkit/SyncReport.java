package org.esabridge.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What one run of {@link SyncHostSimulator} did; filled as the run goes. */
public final class SyncReport {

    /** A change made on both sides, reported and left for someone to resolve. */
    public record Conflict(String structure, String key, Replica.EditKind kind, String reason) {
        @Override
        public String toString() {
            return structure + " " + key + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + "): " + reason;
        }
    }

    /** Per structure: what came from the ESA and what went back. */
    public static final class StructureStats {
        final String structure;
        long records;
        long pages;
        long deletes;
        long created;
        long updated;
        long deleted;
        boolean paged;
        long nanos;

        StructureStats(String structure) {
            this.structure = structure;
        }

        public String structure() {
            return structure;
        }

        public long records() {
            return records;
        }

        public long pages() {
            return pages;
        }

        public long deletes() {
            return deletes;
        }

        public long created() {
            return created;
        }

        public long updated() {
            return updated;
        }

        public long deleted() {
            return deleted;
        }

        public boolean paged() {
            return paged;
        }

        public Duration duration() {
            return Duration.ofNanos(nanos);
        }
    }

    final List<StructureStats> structures = new ArrayList<>();
    final List<Conflict> conflicts = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    Duration timeShift = Duration.ZERO;
    boolean needSyncAgain;
    long nanos;

    public List<StructureStats> structures() {
        return Collections.unmodifiableList(structures);
    }

    public List<Conflict> conflicts() {
        return Collections.unmodifiableList(conflicts);
    }

    /** Things the run could not do completely but that did not stop it (an untracked deletion, say). */
    public List<String> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    /** Writes the ESA refused for a reason other than a conflict. */
    public List<String> errors() {
        return Collections.unmodifiableList(errors);
    }

    /** ESA clock minus this machine's clock, from getCurrentTime. */
    public Duration timeShift() {
        return timeShift;
    }

    public boolean needSyncAgain() {
        return needSyncAgain;
    }

    public Duration duration() {
        return Duration.ofNanos(nanos);
    }

    public long records() {
        return structures.stream().mapToLong(s -> s.records).sum();
    }

    public long deletes() {
        return structures.stream().mapToLong(s -> s.deletes).sum();
    }

    public long writes() {
        return structures.stream().mapToLong(s -> s.created + s.updated + s.deleted).sum();
    }

    /** The closing lines the CLI prints. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(java.util.Locale.ROOT,
                "sync finished in %.2f s: %d records and %d deletions received, %d writes accepted, %d conflicts%n",
                nanos / 1e9, records(), deletes(), writes(), conflicts.size()));
        out.append(String.format(java.util.Locale.ROOT, "time shift (ESA - local): %d ms; needSyncAgain: %s%n",
                timeShift.toMillis(), needSyncAgain));
        for (Conflict c : conflicts) {
            out.append("CONFLICT ").append(c).append(System.lineSeparator());
        }
        for (String w : warnings) {
            out.append("WARNING ").append(w).append(System.lineSeparator());
        }
        for (String e : errors) {
            out.append("ERROR ").append(e).append(System.lineSeparator());
        }
        return out.toString();
    }
}
