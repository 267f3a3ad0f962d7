package org.esabridge.testkit.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The wire-mode host's reading of an answer: counts {@code <record>} start tags in the bytes as they arrive,
 * without parsing the XML, so that what a benchmark measures is the ESA's cost and not the host's parser. The
 * tag cannot occur inside field text (a {@code <} there is escaped), so the count is exact.
 */
final class RecordCounter {
    private static final byte[] TAG = "<record>".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FAULT = "<exception".getBytes(StandardCharsets.US_ASCII);

    private final byte[] buffer = new byte[64 * 1024];

    /** What one answer held. */
    record Counted(long records, long bytes, boolean fault) {
    }

    Counted count(InputStream in) throws IOException {
        long records = 0;
        long bytes = 0;
        int matched = 0;
        int faultMatched = 0;
        boolean fault = false;
        int n;
        while ((n = in.read(buffer)) > 0) {
            bytes += n;
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                matched = b == TAG[matched] ? matched + 1 : (b == TAG[0] ? 1 : 0);
                if (matched == TAG.length) {
                    records++;
                    matched = 0;
                }
                if (!fault) {
                    faultMatched = b == FAULT[faultMatched] ? faultMatched + 1 : (b == FAULT[0] ? 1 : 0);
                    fault = faultMatched == FAULT.length;
                }
            }
        }
        return new Counted(records, bytes, fault);
    }
}
