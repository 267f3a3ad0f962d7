package org.esabridge.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files and directories that hold secrets (tokens, passwords, keys, table files) or what a log says about the
 * data (the server log, the audit log), readable by their owner only.
 * On a file system without POSIX permissions they are created plainly: its own access control applies.
 */
public final class OwnerOnlyFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private OwnerOnlyFiles() {
    }

    /** The attributes that create a file ({@code rw-------}) or directory ({@code rwx------}) owner-only. */
    public static FileAttribute<?>[] attributes(boolean directory) {
        if (!POSIX) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------"))
        };
    }

    /** Creates the directory owner-only (its parents as usual) unless it exists. */
    public static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir.getParent() == null ? dir : dir.getParent());
        Files.createDirectory(dir, attributes(true));
    }

    /** Makes an existing directory owner-only. */
    public static Path restrict(Path dir) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        return dir;
    }

    /**
     * Writes the text (UTF-8) to a new owner-only file beside {@code file} and moves it into place atomically, so
     * a reader never sees the file half written and the secret is never readable by others, not even briefly.
     */
    public static void writeString(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp",
                attributes(false));
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Opens the file for appending, created owner-only ({@code rw-------}) if it is new; an existing one (a log
     * kept from an older version) is made owner-only first.
     */
    public static OutputStream append(Path file) throws IOException {
        try {
            Files.createFile(file, attributes(false));
        } catch (FileAlreadyExistsException e) {
            if (POSIX) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        }
        return Files.newOutputStream(file, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }
}
