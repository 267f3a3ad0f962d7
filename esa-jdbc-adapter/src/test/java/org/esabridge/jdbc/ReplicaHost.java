package org.esabridge.jdbc;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.esabridge.api.Cursor;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.ResultSink;
import org.esabridge.api.Session;

/**
 * A light working sync host for one structure: pulls changes the way esa-protocol.md §7 describes
 * (startSync, getCurrentTime, then getModified → NULL → getModifiedPaged → readDataPage 0..n-1 → closeCursor,
 * getDeleted likewise, with after = the previous sync's time) into an in-memory replica. When getDeleted
 * answers NOT_SUPPORTED it finds deletions by comparing ids instead, as a host's detectDeleted does: ranges of
 * its own ids whose countRange differs from its count are halved until the missing ids are found. Ids are
 * compared as numbers (the structures it is used with have integer ids).
 * Each call may go to another esa-bridge node, as behind a load balancer.
 */
final class ReplicaHost {
    final Map<String, ExternalRecord> replica = new HashMap<>();
    private final Supplier<ExternalSystemAdapter> nodes;
    private final Session session;
    private final String structure;
    private Instant previous;
    int syncs;
    int cursors;
    int pages;
    long delivered;
    long duplicatesInACursor;
    int comparisons;

    ReplicaHost(ExternalSystemAdapter adapter, String principal, String structure) {
        this(() -> adapter, principal, structure);
    }

    /** A host whose every call goes to the node {@code nodes} gives. */
    ReplicaHost(Supplier<ExternalSystemAdapter> nodes, String principal, String structure) {
        this.nodes = nodes;
        this.session = new Session(principal);
        this.structure = structure;
    }

    /** One incremental sync; the first one is a full read of the modified rows. */
    void sync() throws Exception {
        nodes.get().startSync(session, "esa-bridge-1");
        Instant now = nodes.get().getCurrentTime();
        Instant after = previous == null ? Instant.EPOCH : previous;
        ResultSink apply = new ResultSink() {
            @Override
            public void record(ExternalRecord r) {
                replica.put(r.id(), r);
                delivered++;
            }

            @Override
            public void id(String id) {
                replica.remove(id);
                delivered++;
            }
        };
        if (!nodes.get().getModified(structure, after, apply)) {
            readAll(nodes.get().getModifiedPaged(session, structure, after), apply);
        }
        if (previous != null) {
            try {
                if (!nodes.get().getDeleted(structure, after, apply)) {
                    readAll(nodes.get().getDeletedPaged(session, structure, after), apply);
                }
            } catch (EsaException e) {
                if (e.code() != ErrorCode.NOT_SUPPORTED) {
                    throw e;
                }
                compareIds();
            }
        }
        previous = now;
        syncs++;
    }

    /** Drops the replica's ids the structure no longer has, found by countRange over halved ranges. */
    private void compareIds() throws EsaException {
        comparisons++;
        List<Long> ids = new ArrayList<>();
        replica.keySet().forEach(id -> ids.add(Long.parseLong(id)));
        Collections.sort(ids);
        List<Long> gone = new ArrayList<>();
        missing(ids, 0, ids.size() - 1, gone);
        gone.forEach(id -> replica.remove(Long.toString(id)));
    }

    private void missing(List<Long> ids, int from, int to, List<Long> gone) throws EsaException {
        if (from > to) {
            return;
        }
        long there = nodes.get().countRange(structure, Long.toString(ids.get(from)), Long.toString(ids.get(to)));
        if (there == to - from + 1) {
            return;
        }
        if (from == to) {
            gone.add(ids.get(from));
            return;
        }
        int middle = (from + to) >>> 1;
        missing(ids, from, middle, gone);
        missing(ids, middle + 1, to, gone);
    }

    private void readAll(Cursor c, ResultSink apply) throws Exception {
        cursors++;
        Set<String> seen = new HashSet<>();
        ResultSink counting = new ResultSink() {
            @Override
            public void record(ExternalRecord r) throws IOException {
                note(r.id());
                apply.record(r);
            }

            @Override
            public void id(String id) throws IOException {
                note(id);
                apply.id(id);
            }

            private void note(String id) {
                if (!seen.add(id)) {
                    duplicatesInACursor++;
                }
            }
        };
        for (long p = 0; p < c.pageCount(); p++) {
            nodes.get().readDataPage(session, c.cursorId(), p, counting);
            pages++;
        }
        nodes.get().closeCursor(session, c.cursorId());
    }
}
