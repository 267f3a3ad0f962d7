package org.esabridge.jdbc.embedded;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MariaDB server left running on our data directory by an earlier process that was killed (SIGKILL, an
 * out-of-memory kill, a test JVM its build gave up on): it holds the directory's locks, so a new server could not
 * start until someone found and stopped it by hand. It is asked to shut down cleanly (SIGTERM), as its own
 * parent would have, before the new one starts.
 */
final class OrphanedServer {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanedServer.class);
    private static final long SHUTDOWN_SECONDS = 60;

    private OrphanedServer() {
    }

    /** Stops the mariadbd whose pid file is in {@code dataDir} and whose command line names that directory. */
    static void stop(Path dataDir) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            return;
        }
        try (DirectoryStream<Path> pidFiles = Files.newDirectoryStream(dataDir, "*.pid")) {
            for (Path pidFile : pidFiles) {
                serverOf(pidFile, dataDir).ifPresent(OrphanedServer::shutDown);
            }
        }
    }

    private static Optional<ProcessHandle> serverOf(Path pidFile, Path dataDir) throws IOException {
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        // Only a mariadbd of this very directory: a recycled pid must never take another process down.
        return ProcessHandle.of(pid).filter(p -> p.info().commandLine()
                .filter(line -> line.contains("mariadbd") && line.contains(dataDir.toString())).isPresent());
    }

    private static void shutDown(ProcessHandle server) {
        LOG.warn("a MariaDB server (pid {}) left running on the data directory by an earlier process is stopped",
                server.pid());
        CompletableFuture<ProcessHandle> exited = server.onExit();
        server.destroy();
        try {
            exited.get(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            server.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // onExit never completes exceptionally
        }
    }
}
