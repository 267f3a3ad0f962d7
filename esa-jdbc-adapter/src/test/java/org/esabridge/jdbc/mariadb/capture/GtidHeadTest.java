package org.esabridge.jdbc.mariadb.capture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.esabridge.jdbc.capture.BinlogPosition;
import org.junit.jupiter.api.Test;

/** When the reader's written position passes the binary log's head, per replication domain; and when not to ask. */
class GtidHeadTest {
    private static boolean covers(String written, String head) {
        return GtidHead.INSTANCE.covers(new BinlogPosition(written, "f", 4), new BinlogPosition(head, null, 0));
    }

    @Test
    void everyDomainOfTheHeadMustBeWrittenThroughItsServersSequence() {
        assertTrue(covers("0-1-100", "0-1-100"));
        assertTrue(covers("0-1-101", "0-1-100"));
        assertFalse(covers("0-1-99", "0-1-100"));
        assertTrue(covers("0-1-100,1-2-7", "1-2-7,0-1-50"));
        assertFalse(covers("0-1-100", "0-1-100,1-2-7"), "a domain the reader never wrote");
        assertFalse(covers("0-1-100,1-2-6", "0-1-100,1-2-7"));
        assertTrue(covers("", ""), "an empty log");
        assertTrue(covers("0-1-5", ""));
        assertFalse(covers("", "0-1-1"));
    }

    /**
     * A replica of two sources in one domain logs their transactions in any order of sequence numbers: a larger
     * number of one server says nothing about another's transaction, which may come later in the log.
     */
    @Test
    void anotherServersLargerSequenceInTheSameDomainPassesNothing() {
        assertFalse(covers("0-2-101", "0-1-100"));
        BinlogPosition written = new BinlogPosition("0-1-100", "f", 4);
        written = GtidHead.INSTANCE.advance(written, new BinlogPosition("0-2-50", "f", 8));
        written = GtidHead.INSTANCE.advance(written, new BinlogPosition("0-1-101", "f", 12));
        assertTrue(GtidHead.INSTANCE.covers(written, new BinlogPosition("0-2-50", null, 0)));
        assertTrue(GtidHead.INSTANCE.covers(written, new BinlogPosition("0-1-101", null, 0)));
        assertFalse(GtidHead.INSTANCE.covers(written, new BinlogPosition("0-2-51", null, 0)));
        assertTrue(GtidHead.INSTANCE.covers(GtidHead.INSTANCE.advance(written, new BinlogPosition("0-2-51,1-3-9",
                "f", 16)), new BinlogPosition("0-2-51,1-3-9", null, 0)));
    }

    @Test
    void onGaleraEveryFenceSetsAMarker() {
        assertNull(BinlogCapture.writtenThrough(true));
        assertNotNull(BinlogCapture.writtenThrough(false));
    }
}
