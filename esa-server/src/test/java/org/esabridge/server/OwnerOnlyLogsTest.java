package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.esabridge.api.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory, the server log and the audit log name records, tables and clients: like the token, they
 * are their owner's alone (issue 25 §6), also when a log kept from before was readable by others.
 */
class OwnerOnlyLogsTest {
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    @TempDir
    Path dir;

    @Test
    void theDataDirectoryAndTheServerLogAreOwnerOnly() throws Exception {
        Path data = dir.resolve("data");
        // The log as Main starts it, in a JVM of its own (it takes over System.err).
        Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), QuietStartProbe.class.getName(), "--data-dir", data.toString())
                .redirectOutput(dir.resolve("probe.out").toFile()).redirectError(dir.resolve("probe.err").toFile())
                .start();
        assertTrue(probe.waitFor(60, TimeUnit.SECONDS), "the probe did not end");
        assertEquals(0, probe.exitValue(), Files.readString(dir.resolve("probe.err"), Charset.defaultCharset()));
        assertEquals(OWNER_DIR, Files.getPosixFilePermissions(data));
        assertEquals(OWNER_FILE, Files.getPosixFilePermissions(data.resolve(LogRouting.FILE_NAME)));
    }

    @Test
    void theAuditLogIsOwnerOnlyEvenWhenItWasNot() throws Exception {
        Path fresh = dir.resolve("audit").resolve("audit.log");
        AuditLog.open(fresh).close();
        assertEquals(OWNER_FILE, Files.getPosixFilePermissions(fresh));
        assertEquals(OWNER_DIR, Files.getPosixFilePermissions(fresh.getParent()));

        Path kept = dir.resolve("kept.log");
        Files.writeString(kept, "an older line" + System.lineSeparator());
        Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString("rw-r--r--"));
        AuditLog audit = AuditLog.open(kept);
        audit.succeeded(new CallContext(new Session("host"), "1", "127.0.0.1"), "update", "customers", "1",
                Instant.EPOCH, Instant.EPOCH);
        audit.close();
        assertEquals(OWNER_FILE, Files.getPosixFilePermissions(kept));
        List<String> lines = Files.readAllLines(kept);
        assertEquals(2, lines.size(), lines.toString());
    }
}
