package org.esabridge.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the request body while the parser reads it and fails once it exceeds the limit, so a body sent
 * without (or with a false) Content-Length cannot make the server read without bound. Remembers that it
 * failed, because the parser may wrap the exception into a refusal of its own.
 */
final class BodyLimitInputStream extends FilterInputStream {

    private final long limit;
    private long count;
    private boolean exceeded;

    BodyLimitInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    /** Whether the body went past the limit. */
    boolean exceeded() {
        return exceeded;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        counted(skipped);
        return skipped;
    }

    private void counted(long n) throws IOException {
        count += n;
        if (count > limit) {
            exceeded = true;
            throw new IOException("request body exceeds " + limit + " bytes");
        }
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
