package org.esabridge.server;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.esabridge.api.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An answer document of the command-line ESA or the ESA that dials out, composed whole before any of it is sent
 * (see {@link CallExchange}): the first {@link #MEMORY_BYTES} in memory, the rest — a page of large values can be
 * hundreds of megabytes — in an owner-only file in the spool directory ({@code <data-dir>/spool}), which
 * {@link #close} deletes. So the heap an answer takes is bounded whatever the page holds.
 */
final class SpooledAnswer extends OutputStream {
    private static final Logger LOG = LoggerFactory.getLogger(SpooledAnswer.class);

    /** Bytes of an answer kept in memory; a larger one goes to a file. */
    static final int MEMORY_BYTES = 1024 * 1024;
    private static final String PREFIX = "answer-";

    private final Path spool;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream(1024);
    private Path file;
    private OutputStream toFile;
    private long size;

    /** @param spool the directory a large answer goes to, or null to keep it in memory (short faults) */
    SpooledAnswer(Path spool) {
        this.spool = spool;
    }

    /**
     * Deletes the answers a process that ended abruptly left in {@code spool}: each process spools its own
     * answers, and one data directory serves one process at a time.
     */
    static void clear(Path spool) {
        if (!Files.isDirectory(spool)) {
            return;
        }
        try (DirectoryStream<Path> left = Files.newDirectoryStream(spool, PREFIX + "*")) {
            for (Path file : left) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.warn("could not clear the answer spool {}: {}", spool, e.getMessage());
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (file == null && spool != null && memory.size() + (long) len > MEMORY_BYTES) {
            spill();
        }
        if (file == null) {
            memory.write(b, off, len);
        } else {
            toFile.write(b, off, len);
        }
        size += len;
    }

    private void spill() throws IOException {
        OwnerOnlyFiles.createDirectories(spool);
        file = Files.createTempFile(spool, PREFIX, ".xml", OwnerOnlyFiles.attributes(false));
        toFile = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
        memory.writeTo(toFile);
        memory = null;
    }

    @Override
    public void flush() throws IOException {
        if (toFile != null) {
            toFile.flush();
        }
    }

    /** The document's length in bytes. */
    long size() {
        return size;
    }

    /** Whether the document went to a file. */
    boolean spilled() {
        return file != null;
    }

    /** Sends the whole document. */
    void writeTo(OutputStream out) throws IOException {
        if (file == null) {
            memory.writeTo(out);
        } else {
            toFile.flush();
            Files.copy(file, out);
        }
    }

    /** The document as a request body; each attempt reads it anew. */
    HttpRequest.BodyPublisher publisher() {
        if (file == null) {
            return HttpRequest.BodyPublishers.ofByteArray(memory.toByteArray());
        }
        try {
            toFile.flush();
            return HttpRequest.BodyPublishers.ofFile(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the spooled file, if any. */
    @Override
    public void close() {
        if (file == null) {
            return;
        }
        try {
            toFile.close();
        } catch (IOException e) {
            LOG.debug("closing the spooled answer {}", file, e);
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not delete the spooled answer {}: {}", file, e.getMessage());
        }
    }
}
