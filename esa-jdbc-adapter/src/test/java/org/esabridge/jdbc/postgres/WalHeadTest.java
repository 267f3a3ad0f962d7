package org.esabridge.jdbc.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.esabridge.jdbc.capture.BinlogPosition;
import org.junit.jupiter.api.Test;

/**
 * The WAL head's arithmetic: an insert position just after a page header is the page's start (the reader's commit
 * ends and keepalives name the boundary, and no record ends inside a header), and positions compare as LSNs.
 */
class WalHeadTest {
    private static final long PAGE = 8192;
    private static final long SEGMENT = 16L << 20;

    @Test
    void anInsertPositionJustAfterAPageHeaderIsThePagesStart() {
        assertEquals(5 * PAGE, WalHead.pageStart(5 * PAGE + 24, PAGE, SEGMENT));
        assertEquals(3 * SEGMENT, WalHead.pageStart(3 * SEGMENT + 40, PAGE, SEGMENT), "a segment's long header");
        assertEquals(5 * PAGE + 25, WalHead.pageStart(5 * PAGE + 25, PAGE, SEGMENT));
        assertEquals(5 * PAGE + 40, WalHead.pageStart(5 * PAGE + 40, PAGE, SEGMENT));
        assertEquals(5 * PAGE, WalHead.pageStart(5 * PAGE, PAGE, SEGMENT));
    }

    @Test
    void theReaderHasPassedAHeadAtOrBeforeWhatItWrote() {
        WalHead head = new WalHead("slot", "now()");
        assertTrue(head.covers(lsn(100), lsn(100)));
        assertTrue(head.covers(lsn(101), lsn(100)));
        assertFalse(head.covers(lsn(99), lsn(100)));
        assertEquals(lsn(100), head.advance(lsn(100), lsn(50)), "what was written stays written");
        assertEquals(lsn(150), head.advance(lsn(100), lsn(150)));
    }

    private static BinlogPosition lsn(long pos) {
        return new BinlogPosition("", null, pos);
    }
}
