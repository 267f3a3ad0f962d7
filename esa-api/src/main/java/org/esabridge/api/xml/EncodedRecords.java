package org.esabridge.api.xml;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.esabridge.api.ExternalRecord;

/**
 * Records already encoded as the {@code <record>} elements of a result, byte for byte what {@link EsaResultWriter#record}
 * writes for them: for a producer that reads records ahead on a thread of its own (a cursor's next page) and hands
 * them to an {@link EncodedRecordSink} later. Encoding where the records are read keeps the answering thread to the
 * writing, and holds a page as a few arrays of bytes instead of several objects per value.
 *
 * <p>Not thread-safe: filled by one thread, then handed over (with a happens-before edge, such as a completed
 * {@code Future}) and written once.
 */
public final class EncodedRecords {
    /** The bytes are held in arrays of this size: written in large pieces, never copied to grow. */
    private static final int CHUNK_BYTES = 64 * 1024;

    private final RecordEncoder encoder = new RecordEncoder();
    private final Chunks chunks = new Chunks();
    private int count;

    /**
     * Encodes and appends a record.
     *
     * @return false, with nothing appended, when a text of the record holds a character XML 1.0 cannot carry: the
     *         record must then go to {@link EsaResultWriter#record} (or its sink) itself, which refuses it as usual
     */
    public boolean add(ExternalRecord record) throws IOException {
        if (!encoder.encode(record)) {
            return false;
        }
        encoder.writeTo(chunks);
        count++;
        return true;
    }

    /**
     * Begins a record to be written part by part, from a source that reads its parts itself (a result set's row),
     * dropping one begun and not {@linkplain #end() ended}.
     */
    public RecordText begin() {
        encoder.begin();
        return encoder;
    }

    /**
     * Appends the record {@linkplain #begin() begun}, as {@link #add} appends a record of the same parts.
     *
     * @return false, with nothing appended, when a part holds a character XML 1.0 cannot carry (as {@link #add})
     */
    public boolean end() throws IOException {
        if (!encoder.end()) {
            return false;
        }
        encoder.writeTo(chunks);
        count++;
        return true;
    }

    /** Records appended. */
    public int count() {
        return count;
    }

    /** Bytes appended. */
    public long bytes() {
        return chunks.size;
    }

    /** Writes every record appended, in order. */
    void writeTo(OutputStream out) throws IOException {
        for (int i = 0; i < chunks.full.size(); i++) {
            out.write(chunks.full.get(i));
        }
        if (chunks.used > 0) {
            out.write(chunks.current, 0, chunks.used);
        }
    }

    /** Appends into fixed-size arrays. */
    private static final class Chunks extends OutputStream {
        final List<byte[]> full = new ArrayList<>();
        byte[] current = new byte[CHUNK_BYTES];
        int used;
        long size;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            size += len;
            while (len > 0) {
                if (used == current.length) {
                    full.add(current);
                    current = new byte[CHUNK_BYTES];
                    used = 0;
                }
                int n = Math.min(len, current.length - used);
                System.arraycopy(b, off, current, used, n);
                used += n;
                off += n;
                len -= n;
            }
        }
    }
}
