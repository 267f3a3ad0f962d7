package org.esabridge.jdbc.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.esabridge.jdbc.catalog.Column;
import org.junit.jupiter.api.Test;

/** A modification column that stores fewer fractional digits makes a polling read reach back by what it drops. */
class WatermarkStorageLossTest {

    private static Column timestamp(int fsp) {
        return new Column("modified", "timestamp", "timestamp(" + fsp + ")", null, null, null, fsp, false, true, false,
                false, true);
    }

    @Test
    void theReadReachesBackOneUnitOfTheColumnsPrecision() {
        assertEquals(Duration.ofSeconds(1), Watermark.storageLoss(timestamp(0)), "TIMESTAMP: MariaDB's default");
        assertEquals(Duration.ofMillis(1), Watermark.storageLoss(timestamp(3)));
        assertEquals(Duration.ofNanos(10_000), Watermark.storageLoss(timestamp(5)));
        assertEquals(Duration.ZERO, Watermark.storageLoss(timestamp(6)));
        assertEquals(Duration.ZERO, Watermark.storageLoss(null), "tombstones: stamped to the microsecond");
    }
}
