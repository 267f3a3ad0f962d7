package org.esabridge.jdbc.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How read transactions are cut into index batches: the fence's promise rests on the cut. */
class PendingChangesTest {
    private static final long NO_IDLE = 60_000;

    @Test
    void aSegmentEndsRightAfterAFenceSoThatLaterCommitsGetALaterStamp() throws Exception {
        PendingChanges pending = new PendingChanges(1000, 10_000, NO_IDLE, NO_IDLE);
        pending.commit(entries("a", 'M'), List.of(), position(1), 0, 1, false);
        pending.commit(Map.of(), List.of(7L), position(2), 0, 1, false);
        pending.commit(entries("b", 'M'), List.of(), position(3), 0, 1, false);

        PendingChanges.Segment first = pending.take(0);
        assertEquals(Map.of(key("a"), 'M'), first.entries);
        assertEquals(List.of(7L), first.fences);
        assertEquals(position(2), first.end);
        assertNull(pending.take(0), "b waits: the stream is not idle and its segment is open");
    }

    @Test
    void aRowChangedTwiceKeepsItsLastChangeInTheOrderOfThatChange() throws Exception {
        PendingChanges pending = new PendingChanges(1000, 10_000, 0, NO_IDLE);
        pending.commit(entries("a", 'M'), List.of(), position(1), 0, 1, false);
        pending.commit(entries("b", 'M'), List.of(), position(2), 0, 1, false);
        pending.commit(entries("a", 'D'), List.of(), position(3), 0, 1, false);

        PendingChanges.Segment s = pending.take(1000);
        assertEquals(List.of(key("b"), key("a")), List.copyOf(s.entries.keySet()));
        assertEquals('D', s.entries.get(key("a")));
        assertEquals(2, pending.pendingEntries());
        pending.written(s);
        assertEquals(0, pending.pendingEntries());
    }

    @Test
    void aLargeSegmentIsClosedAtATransactionBoundary() throws Exception {
        PendingChanges pending = new PendingChanges(2, 10_000, NO_IDLE, NO_IDLE);
        Map<ChangeIndex.Key, Character> three = new LinkedHashMap<>();
        three.put(key("a"), 'M');
        three.put(key("b"), 'M');
        three.put(key("c"), 'M');
        pending.commit(three, List.of(), position(1), 0, 3, false);
        PendingChanges.Segment s = pending.take(0);
        assertEquals(3, s.entries.size(), "a transaction is never split");
        assertTrue(s.closed);
    }

    @Test
    void aFenceThatWantsANewStampGetsTheOpenSegmentAtOnceOrAnEmptyOneAfterTheLast() throws Exception {
        PendingChanges pending = new PendingChanges(1000, 10_000, NO_IDLE, NO_IDLE);
        pending.wantStamp();
        PendingChanges.Segment first = pending.take(0);
        assertTrue(first.stamp && first.writesSomething() && first.entries.isEmpty());
        assertNull(first.end, "nothing read yet: the writer keeps its stored position");
        pending.written(first);

        pending.commit(entries("a", 'M'), List.of(), position(1), 0, 1, false);
        assertNull(pending.take(0), "open, the stream not idle");
        pending.wantStamp();
        PendingChanges.Segment open = pending.take(0);
        assertEquals(Map.of(key("a"), 'M'), open.entries);
        assertTrue(open.stamp);
        pending.written(open);

        pending.wantStamp();
        PendingChanges.Segment empty = pending.take(0);
        assertTrue(empty.stamp && empty.entries.isEmpty());
        assertEquals(position(1), empty.end, "written through where the last segment ended");
        pending.written(empty);
        assertNull(pending.take(0), "asked once, flushed once");
    }

    private static Map<ChangeIndex.Key, Character> entries(String id, char kind) {
        Map<ChangeIndex.Key, Character> m = new LinkedHashMap<>();
        m.put(key(id), kind);
        return m;
    }

    private static ChangeIndex.Key key(String id) {
        return new ChangeIndex.Key("t", id);
    }

    private static BinlogPosition position(long seq) {
        return new BinlogPosition("0-1-" + seq, "f", seq);
    }
}
