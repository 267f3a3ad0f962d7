package org.esabridge.jdbc.capture;

import org.esabridge.jdbc.capture.CaptureStatus;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of the binlog capture on this node, for {@link CaptureStatus}. */
public final class CaptureStats {
    private final AtomicLong eventsRead = new AtomicLong();
    private final AtomicLong entriesWritten = new AtomicLong();
    private final AtomicLong gaps = new AtomicLong();

    public void eventRead() {
        eventsRead.incrementAndGet();
    }

    public void flushed(long entries, boolean gap) {
        entriesWritten.addAndGet(entries);
        if (gap) {
            gaps.incrementAndGet();
        }
    }

    public void gap() {
        gaps.incrementAndGet();
    }

    public long eventsRead() {
        return eventsRead.get();
    }

    public long entriesWritten() {
        return entriesWritten.get();
    }

    public long gaps() {
        return gaps.get();
    }
}
