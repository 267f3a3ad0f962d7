package org.esabridge.jdbc;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.esabridge.api.Cursor;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.ResultSink;
import org.esabridge.api.Session;

/**
 * A light working sync host for one structure: pulls changes the way esa-protocol.md §7 describes
 * (getCurrentTime, then getModified → NULL → getModifiedPaged → readDataPage 0..n-1 → closeCursor, getDeleted
 * likewise, with after = the previous sync's time) into an in-memory replica. Each call may go to another
 * esa-bridge node, as behind a load balancer.
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
        if (previous != null && !nodes.get().getDeleted(structure, after, apply)) {
            readAll(nodes.get().getDeletedPaged(session, structure, after), apply);
        }
        previous = now;
        syncs++;
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
