package org.esabridge.jdbc.mariadb.capture;

import org.esabridge.jdbc.capture.CaptureStatus;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of the binlog capture on this node, for {@link CaptureStatus}. */
final class CaptureStats {
    private final AtomicLong eventsRead = new AtomicLong();
    private final AtomicLong entriesWritten = new AtomicLong();
    private final AtomicLong gaps = new AtomicLong();

    void eventRead() {
        eventsRead.incrementAndGet();
    }

    void flushed(long entries, boolean gap) {
        entriesWritten.addAndGet(entries);
        if (gap) {
            gaps.incrementAndGet();
        }
    }

    void gap() {
        gaps.incrementAndGet();
    }

    long eventsRead() {
        return eventsRead.get();
    }

    long entriesWritten() {
        return entriesWritten.get();
    }

    long gaps() {
        return gaps.get();
    }
}
