package org.esabridge.jdbc.mariadb.embedded;

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
 * start until someone found and stopped it by hand. Such a server has no Java parent any more (it was handed to
 * init or a subreaper); it is asked to shut down cleanly (SIGTERM), as its own parent would have, before the new
 * one starts.
 */
final class OrphanedServer {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanedServer.class);
    private static final long SHUTDOWN_SECONDS = 60;

    private OrphanedServer() {
    }

    /**
     * Stops the orphaned mariadbd whose pid file is in {@code dataDir} and whose command line names that
     * directory; refuses at once when a live Java process (another esa-bridge) still owns that server.
     *
     * @throws IOException when the directory is in use by a running process
     */
    static void stop(Path dataDir) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            return;
        }
        try (DirectoryStream<Path> pidFiles = Files.newDirectoryStream(dataDir, "*.pid")) {
            for (Path pidFile : pidFiles) {
                Optional<ProcessHandle> server = serverOf(pidFile, dataDir);
                if (server.isPresent() && !orphaned(server.get())) {
                    throw new IOException("its data directory " + dataDir + " is in use by the MariaDB server (pid "
                            + server.get().pid() + ") of another running process; stop that one first");
                }
                server.ifPresent(OrphanedServer::shutDown);
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

    /** No Java process owns it any more: a server of a running esa-bridge on the same directory is left alone. */
    private static boolean orphaned(ProcessHandle server) {
        return server.parent().flatMap(parent -> parent.info().command())
                .map(command -> !command.endsWith("java"))
                .orElse(true);
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
