package org.esabridge.jdbc.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * When the position fence answers, and when it sends the call to a marker: a log counted by one number here (the
 * engines' own comparisons are their tests').
 */
class WrittenThroughTest {
    private static final LogHead LOG = new LogHead() {
        @Override
        public Head now(Connection c) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean covers(BinlogPosition written, BinlogPosition head) {
            return written.pos() >= head.pos();
        }
    };
    private static final Instant T1 = Instant.parse("2026-12-06T10:00:00.000001Z");
    private static final Instant T2 = Instant.parse("2026-12-06T10:00:01.000001Z");

    private static ChangeIndex.State at(long pos, Instant stamp) {
        return new ChangeIndex.State(new BinlogPosition("", null, pos), T1, stamp, 0);
    }

    private static LogHead.Head head(long pos, String server) {
        return head(pos, server, T1);
    }

    private static LogHead.Head head(long pos, String server, Instant clock) {
        return new LogHead.Head(new BinlogPosition("", null, pos), server, clock);
    }

    /** Segments taken only when closed: the stream never idles, a segment never ages enough. */
    private static PendingChanges pending() {
        return new PendingChanges(1000, 10_000, 60_000, 60_000);
    }

    private static BinlogPosition position(long pos) {
        return new BinlogPosition("", null, pos);
    }

    @Test
    void aPositionAlreadyWrittenIsAnsweredAtOnceWithTheLastFlushsStamp() throws Exception {
        WrittenThrough through = new WrittenThrough(LOG);
        through.start(at(10, T1), pending()).server("s1");
        assertEquals(T1, through.await(head(10, "s1")).getNow(null));
    }

    @Test
    void aLaterPositionIsAnsweredWhenTheWriterHasWrittenThroughIt() throws Exception {
        WrittenThrough through = new WrittenThrough(LOG);
        WrittenThrough.Run run = through.start(at(10, T1), pending());
        run.server("s1");
        CompletableFuture<Instant> answer = through.await(head(20, "s1"));
        assertFalse(answer.isDone());
        assertFalse(run.read(new BinlogPosition("", null, 15)));
        assertTrue(run.read(new BinlogPosition("", null, 20)), "the segment holding the head is cut");
        assertFalse(run.read(new BinlogPosition("", null, 21)), "once per waiter");
        run.written(new BinlogPosition("", null, 15), T1);
        assertFalse(answer.isDone());
        run.written(new BinlogPosition("", null, 25), T2);
        assertEquals(T2, answer.getNow(null));
    }

    @Test
    void aStampOlderThanTheCallsClockIsNotAnsweredTheWriterFlushesANewOne() throws Exception {
        WrittenThrough through = new WrittenThrough(LOG);
        PendingChanges pending = pending();
        WrittenThrough.Run run = through.start(at(10, T1), pending);
        run.server("s1");
        CompletableFuture<Instant> answer = through.await(head(10, "s1", T2));
        assertFalse(answer.isDone(), "written through, but the last flush is older than the call");
        assertTrue(pending.take(0).stamp, "a flush for a new stamp is asked");
        run.written(new BinlogPosition("", null, 12), T1);
        assertFalse(answer.isDone());
        assertTrue(pending.take(0).stamp, "a segment without a flush: asked again");
        run.written(new BinlogPosition("", null, 12), T2);
        assertEquals(T2, answer.getNow(null));
    }

    @Test
    void aFenceForATransactionTheReaderHasReadAlreadyClosesItsSegmentForTheWriter() throws Exception {
        WrittenThrough through = new WrittenThrough(LOG);
        PendingChanges pending = pending();
        WrittenThrough.Run run = through.start(at(10, T1), pending);
        run.server("s1");
        pending.commit(Map.of(new ChangeIndex.Key("item", "1"), 'M'), List.of(), position(15), 0, 1, false);
        assertFalse(run.read(position(15)), "no fence waits");
        CompletableFuture<Instant> later = through.await(head(20, "s1"));
        assertNull(pending.take(0), "the head is not read yet: the reader closes its segment when it reads it");
        pending.commit(Map.of(new ChangeIndex.Key("item", "2"), 'M'), List.of(), position(20), 0, 1, false);
        assertTrue(run.read(position(20)));
        pending.cut(); // as the reader does when read() says so
        PendingChanges.Segment first = pending.take(0);
        assertEquals(position(20), first.end);

        // A commit just before the call: the reader has read it before the fence waits, and no later transaction
        // comes to close its segment (the log idles only after a while, an open segment is taken only when it ages).
        pending.commit(Map.of(new ChangeIndex.Key("item", "3"), 'M'), List.of(), position(30), 0, 1, false);
        assertFalse(run.read(position(30)), "the fence for 20 asked already; none waits for 30");
        CompletableFuture<Instant> answer = through.await(head(30, "s1"));
        PendingChanges.Segment second = pending.take(0);
        assertNotNull(second, "closed by the fence itself: the writer takes it now");
        assertEquals(position(30), second.end);
        assertFalse(run.read(position(30)), "once per waiter");
        run.written(first.end, T1);
        pending.written(first);
        assertEquals(T1, later.getNow(null));
        assertFalse(answer.isDone());
        run.written(second.end, T2);
        pending.written(second);
        assertEquals(T2, answer.getNow(null));
    }

    @Test
    void withoutAReaderHereOrWithAnotherServerTheCallTakesAMarker() throws Exception {
        WrittenThrough through = new WrittenThrough(LOG);
        assertNull(through.await(head(1, "s1")).getNow(Instant.MIN), "no reader on this node");
        WrittenThrough.Run run = through.start(at(10, T1), pending());
        assertNull(through.await(head(1, "s1")).getNow(Instant.MIN), "the reader's server is not known yet");
        run.server("s2");
        assertNull(through.await(head(1, "s1")).getNow(Instant.MIN), "the reader reads another server");
        run.server("s1");
        assertEquals(T1, through.await(head(1, "s1")).getNow(null));
    }

    @Test
    void aReaderThatEndsOrALogThatBreaksTheOrderSendsWaitersToMarkers() throws Exception {
        WrittenThrough through = new WrittenThrough(LOG);
        WrittenThrough.Run run = through.start(at(10, T1), pending());
        run.server("s1");
        CompletableFuture<Instant> waiting = through.await(head(20, "s1"));
        run.ended();
        assertNull(waiting.getNow(Instant.MIN));
        run.written(new BinlogPosition("", null, 30), T2);
        assertNull(through.await(head(20, "s1")).getNow(Instant.MIN), "an ended reader answers nothing");

        WrittenThrough.Run next = through.start(at(30, T2), pending());
        next.server("s1");
        waiting = through.await(head(40, "s1"));
        through.switchOff("out of order");
        assertNull(waiting.getNow(Instant.MIN));
        through.start(at(50, T2), pending()).server("s1");
        assertNull(through.await(head(1, "s1")).getNow(Instant.MIN), "for good, whichever reader runs next");
    }
}
