package org.esabridge.server;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per write (create, update, delete), appended to its own file and flushed at once:
 * <pre>
 * 2026-11-23T05:46:31.123Z call=update principal=alice remote=10.0.0.5 call-id=17 structure=customers id=1042
 *     outcome=ok last-seen=2026-11-23T05:40:00Z modified-at=2026-11-23T05:46:31.120311Z
 * </pre>
 * (one line). {@code last-seen} is the old modified-at as the host saw it, {@code modified-at} the new one the
 * write produced; a refused write has its fault code as outcome and, for a conflict, the stored
 * {@code current-modified-at}. Field values are never written — not even of fields that look harmless — and
 * neither are credentials. Values from the request are escaped ({@link LogValues}). The file is opened in
 * append mode, so logrotate's copytruncate works.
 */
final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final Path file;
    private final BufferedWriter out;

    private AuditLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Opens (creates) the file for appending, owner-only (its directory too, if created here); a server that cannot
     * audit does not start.
     */
    static AuditLog open(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            OwnerOnlyFiles.createDirectories(parent);
        }
        return new AuditLog(file, new BufferedWriter(new OutputStreamWriter(OwnerOnlyFiles.append(file),
                StandardCharsets.UTF_8)));
    }

    Path file() {
        return file;
    }

    void succeeded(CallContext context, String call, String structure, String id, Instant lastSeen, Instant modifiedAt) {
        write(line(context, call, structure, id, "ok") + " last-seen=" + LogValues.of(lastSeen)
                + " modified-at=" + LogValues.of(modifiedAt));
    }

    void failed(CallContext context, String call, String structure, String id, Instant lastSeen, EsaException fault) {
        String line = line(context, call, structure, id, fault.code().name()) + " last-seen=" + LogValues.of(lastSeen);
        if (fault instanceof EsaRecordException r && r.modifiedAt() != null) {
            line += " current-modified-at=" + LogValues.of(r.modifiedAt());
        }
        write(line);
    }

    private static String line(CallContext context, String call, String structure, String id, String outcome) {
        return Instant.now() + " call=" + call + " principal=" + LogValues.of(context.session().principal())
                + " remote=" + LogValues.of(context.remote()) + " call-id=" + LogValues.of(context.callId())
                + " structure=" + LogValues.of(structure) + " id=" + LogValues.of(id) + " outcome=" + outcome;
    }

    private synchronized void write(String line) {
        try {
            out.write(line);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            // The write itself has happened; losing its audit line must at least be loud.
            LOG.error("could not append to the audit log {}: {}", file, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            LOG.warn("could not close the audit log {}: {}", file, e.getMessage());
        }
    }
}
