package org.esabridge.testkit;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.esabridge.api.Cursor;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.FieldValue;
import org.esabridge.api.ResultSink;

/**
 * Drives one sync cycle the way a host does (esa-protocol.md §7) against any ESA URL:
 * {@code startSync} → {@code getCurrentTime} (time shift) → per structure {@code getModified(after)}
 * (NULL → {@code getModifiedPaged} → {@code readDataPage} 0..n-1 → {@code closeCursor}) and
 * {@code getDeleted(after)} likewise → merge into the {@link Replica} → the host's edits written back with
 * {@code create} / {@code update(last-seen)} / {@code delete(last-seen)} → {@code needSyncAgain} →
 * {@code endSync} → {@code release}.
 *
 * <p>{@code after} is the ESA time {@code getCurrentTime} answered at the start of the previous completed
 * sync of that structure, so the host never compares its own clock with the ESA's; duplicates are harmless,
 * a gap is impossible. The first sync reads everything from the epoch and skips {@code getDeleted}: there is
 * nothing to delete yet, and an ESA may not keep deletions from that far back.
 *
 * <p>Conflicts, never resolved here: a host edit whose record the ESA shows changed or deleted since the
 * edit's last-seen is not sent; one that the ESA refuses with RECORD_MODIFIED (a change that came in after
 * the read) is kept too. Both are reported and stay in the replica, marked, until
 * {@link Replica#resolve} settles them.
 */
public final class SyncHostSimulator {

    /**
     * @param externalSystemId the host's id for startSync
     * @param structures       the structures to sync, or null for all the ESA lists
     * @param progress         told about each page and structure
     * @param beforeWriteBack  run between reading and writing back (tests use it to make a write race)
     */
    public record Options(String externalSystemId, List<String> structures, SyncProgress progress,
                          Runnable beforeWriteBack) {
        public Options {
            Objects.requireNonNull(externalSystemId, "externalSystemId == null");
            structures = structures == null ? null : List.copyOf(structures);
            progress = progress == null ? SyncProgress.NONE : progress;
        }

        public static Options defaults() {
            return new Options("esa-testkit", null, SyncProgress.NONE, null);
        }
    }

    private static final int PROGRESS_EVERY = 5_000;

    private final EsaClient client;
    private final Replica replica;
    private final Options options;

    public SyncHostSimulator(EsaClient client, Replica replica, Options options) {
        this.client = Objects.requireNonNull(client, "client == null");
        this.replica = Objects.requireNonNull(replica, "replica == null");
        this.options = Objects.requireNonNull(options, "options == null");
    }

    /** One whole cycle. The replica is updated in memory; the caller saves it (see {@link ReplicaFile}). */
    public SyncReport run() throws EsaException, IOException {
        SyncReport report = new SyncReport();
        long started = System.nanoTime();
        String version = client.startSync(options.externalSystemId());
        try {
            if (!version.equals("1.0")) {
                report.warnings.add("startSync answered protocol version " + version + ", expected 1.0");
            }
            Instant local = Instant.now();
            Instant syncStart = client.getCurrentTime();
            report.timeShift = Duration.between(local, syncStart);
            List<String> names = structures(report);
            Map<String, SyncReport.StructureStats> stats = new LinkedHashMap<>();
            for (String name : names) {
                SyncReport.StructureStats s = new SyncReport.StructureStats(name);
                stats.put(name, s);
                report.structures.add(s);
                long t0 = System.nanoTime();
                options.progress().structureStarted(name);
                readChanges(replica.structure(name), s, report);
                s.nanos += System.nanoTime() - t0;
            }
            if (options.beforeWriteBack() != null) {
                options.beforeWriteBack().run();
            }
            for (String name : names) {
                SyncReport.StructureStats s = stats.get(name);
                long t0 = System.nanoTime();
                writeBack(replica.structure(name), s, report);
                s.nanos += System.nanoTime() - t0;
                options.progress().structureDone(s);
            }
            report.needSyncAgain = client.needSyncAgain();
            for (String name : names) {
                replica.structure(name).lastSync(syncStart);
            }
            for (Replica.Structure s : replica.structures()) {
                long open = s.edits().values().stream().filter(e -> e.conflict() != null).count();
                if (open > 0) {
                    report.warnings.add(s.name() + ": " + open + " conflicted host edit(s) wait for a resolution");
                }
            }
            client.endSync();
        } finally {
            try {
                client.release();
            } catch (EsaException | IOException e) {
                report.warnings.add("release failed: " + e.getMessage());
            }
            report.nanos = System.nanoTime() - started;
        }
        return report;
    }

    private List<String> structures(SyncReport report) throws EsaException, IOException {
        List<String> listed = new ArrayList<>();
        for (ExternalStructure s : client.getStructureList()) {
            listed.add(s.name());
        }
        if (options.structures() == null) {
            return listed;
        }
        for (String wanted : options.structures()) {
            if (!listed.contains(wanted)) {
                report.warnings.add("structure " + wanted + " is not in the ESA's structure list");
            }
        }
        return options.structures();
    }

    // --- reading ---

    private void readChanges(Replica.Structure s, SyncReport.StructureStats stats, SyncReport report)
            throws EsaException, IOException {
        Instant after = s.lastSync() == null ? Instant.EPOCH : s.lastSync();
        Merge merge = new Merge(s, stats, report);
        if (!client.getModified(s.name(), after, merge)) {
            paged(client.getModifiedPaged(s.name(), after), s.name(), merge, stats, report);
        }
        if (s.lastSync() == null) {
            return;
        }
        try {
            if (!client.getDeleted(s.name(), after, merge)) {
                paged(client.getDeletedPaged(s.name(), after), s.name(), merge, stats, report);
            }
        } catch (EsaException e) {
            if (e.code() != ErrorCode.NOT_SUPPORTED) {
                throw e;
            }
            // The host would now compare ids (detectDeleted with countRange); the simulator only says so.
            report.warnings.add(s.name() + ": deletions not available (" + e.getMessage() + ")");
        }
    }

    private void paged(Cursor cursor, String structure, Merge merge, SyncReport.StructureStats stats,
                       SyncReport report) throws EsaException, IOException {
        stats.paged = true;
        long before = merge.entries;
        try {
            for (long page = 0; page < cursor.pageCount(); page++) {
                client.readDataPage(cursor.cursorId(), page, merge);
                stats.pages++;
                options.progress().received(structure, stats.records + stats.deletes, stats.pages, cursor.pageCount());
            }
        } finally {
            try {
                client.closeCursor(cursor.cursorId());
            } catch (EsaException e) {
                report.warnings.add(structure + ": closeCursor failed: " + e.getMessage());
            }
        }
        long read = merge.entries - before;
        if (read != cursor.total()) {
            report.warnings.add(structure + ": cursor announced " + cursor.total() + " entries, its pages held " + read);
        }
    }

    /** Merges what the ESA sends into the replica, one entry at a time. */
    private final class Merge implements ResultSink {
        private final Replica.Structure s;
        private final SyncReport.StructureStats stats;
        private final SyncReport report;
        long entries;

        Merge(Replica.Structure s, SyncReport.StructureStats stats, SyncReport report) {
            this.s = s;
            this.stats = stats;
            this.report = report;
        }

        @Override
        public void record(ExternalRecord r) {
            entries++;
            stats.records++;
            if (stats.records % PROGRESS_EVERY == 0) {
                options.progress().received(s.name(), stats.records + stats.deletes, stats.pages, -1);
            }
            if (r.id() == null || r.modifiedAt() == null) {
                report.warnings.add(s.name() + ": a record without id or modified-at was skipped");
                return;
            }
            Replica.Stored old = s.record(r.id());
            if (old != null && old.lastSeen() != null && r.modifiedAt().isBefore(old.lastSeen())) {
                return; // an older duplicate (inline and paged answers may overlap)
            }
            boolean changedThere = old == null || !r.modifiedAt().equals(old.lastSeen());
            Replica.Edit edit = s.edits().get(r.id());
            if (edit != null && edit.conflict() == null && changedThere && old != null) {
                conflict(s, edit, "changed in the ESA (modified-at " + r.modifiedAt() + ") after the host's last-seen "
                        + old.lastSeen(), report);
            }
            s.put(new Replica.Stored(r.id(), r.modifiedAt(), r.fields()));
        }

        @Override
        public void id(String id) {
            entries++;
            stats.deletes++;
            Replica.Edit edit = s.edits().get(id);
            s.remove(id);
            if (edit == null) {
                return;
            }
            if (edit.kind() == Replica.EditKind.DELETE) {
                s.removeEdit(id); // deleted on both sides: the same outcome, nothing to decide
            } else if (edit.conflict() == null) {
                conflict(s, edit, "deleted in the ESA while edited on the host", report);
            }
        }
    }

    private static void conflict(Replica.Structure s, Replica.Edit edit, String reason, SyncReport report) {
        s.putEdit(edit.conflicted(reason));
        report.conflicts.add(new SyncReport.Conflict(s.name(), edit.key(), edit.kind(), reason));
    }

    // --- writing back ---

    private void writeBack(Replica.Structure s, SyncReport.StructureStats stats, SyncReport report) throws IOException {
        for (Replica.Edit edit : new ArrayList<>(s.edits().values())) {
            if (edit.conflict() != null) {
                continue;
            }
            Replica.Stored base = s.record(edit.key());
            try {
                switch (edit.kind()) {
                    case CREATE: {
                        ExternalRecord created = client.create(s.name(), new ExternalRecord(null, null, edit.fields()));
                        s.removeEdit(edit.key());
                        s.put(new Replica.Stored(created.id(), created.modifiedAt(), created.fields()));
                        stats.created++;
                        break;
                    }
                    case UPDATE: {
                        Instant at = client.update(s.name(), base.lastSeen(),
                                new ExternalRecord(edit.key(), null, edit.fields()));
                        s.removeEdit(edit.key());
                        s.put(new Replica.Stored(edit.key(), at, overlay(base.fields(), edit.fields())));
                        stats.updated++;
                        break;
                    }
                    case DELETE:
                        client.delete(s.name(), base.lastSeen(), edit.key());
                        s.removeEdit(edit.key());
                        s.remove(edit.key());
                        stats.deleted++;
                        break;
                    default:
                        throw new IllegalStateException(edit.kind().name());
                }
            } catch (EsaException e) {
                if (e.code() == ErrorCode.RECORD_MODIFIED || e.code() == ErrorCode.RECORD_NOT_FOUND
                        && edit.kind() == Replica.EditKind.UPDATE) {
                    conflict(s, edit, "the ESA refused the " + edit.kind().name().toLowerCase(java.util.Locale.ROOT)
                            + " with " + e.code() + " (last-seen " + (base == null ? "-" : base.lastSeen()) + "): "
                            + e.getMessage(), report);
                } else {
                    report.errors.add(s.name() + " " + edit.key() + ": " + edit.kind() + " refused with " + e.code()
                            + ": " + e.getMessage());
                }
            }
        }
    }

    private static List<FieldValue> overlay(List<FieldValue> base, List<FieldValue> changes) {
        Map<String, FieldValue> merged = new LinkedHashMap<>();
        base.forEach(f -> merged.put(f.name(), f));
        changes.forEach(f -> merged.put(f.name(), f));
        return new ArrayList<>(merged.values());
    }
}
