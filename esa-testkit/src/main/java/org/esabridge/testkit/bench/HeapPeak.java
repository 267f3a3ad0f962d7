package org.esabridge.testkit.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * The heap high-water mark of a benchmark step: {@link #reset()} before the step, {@link #bytes()} after it.
 * The JVM keeps a peak per memory pool and none for the heap as a whole, so the figure is the sum of the heap
 * pools' peaks: an upper bound of the heap in use at any one time, which includes garbage not yet collected.
 */
public final class HeapPeak {
    private HeapPeak() {
    }

    /** Collects what garbage it can, then starts the heap pools' peaks afresh from their current use. */
    public static void reset() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The sum of the heap pools' peaks since the last {@link #reset()}, in bytes. */
    public static long bytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
