package io.gatehouse.gateway.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes small files that hold secrets (keys, certificates' private halves) or that must
 * never be seen half-written (certificates, public keys).
 *
 * <p>Why this shape: a secret file created with the default umask and then {@code chmod}ed is
 * readable by others for a moment, so secret files are created with mode 0600 as an attribute of
 * the {@code open} call itself. A crash mid-write must not leave a truncated key that the next
 * start would reject (or worse, half-trust), so content goes to a temporary file in the same
 * directory, is forced to disk, and is then renamed over the target: {@code rename(2)} within one
 * file system is atomic (POSIX), so readers see the old file or the new one, never a mix.
 *
 * <p>On a file system without POSIX permissions (Windows) the files are written without the mode
 * and a warning is logged once per file; the rest of the contract holds.
 */
public final class FileSecrets {
    private static final Logger log = LoggerFactory.getLogger(FileSecrets.class);

    /** Owner read/write only: {@code -rw-------}. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** Readable by everyone, writable by the owner: {@code -rw-r--r--}, for certificates and public keys. */
    public static final Set<PosixFilePermission> PUBLIC_READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private FileSecrets() {}

    /** Writes {@code content} to {@code file} atomically with mode 0600 from the first byte on. */
    public static void writeSecret(Path file, byte[] content) {
        write(file, content, OWNER_ONLY);
    }

    /** UTF-8 variant of {@link #writeSecret(Path, byte[])}. */
    public static void writeSecret(Path file, String content) {
        writeSecret(file, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes non-secret {@code content} (a certificate, a public key) atomically with mode 0644. */
    public static void writePublic(Path file, byte[] content) {
        write(file, content, PUBLIC_READABLE);
    }

    /** UTF-8 variant of {@link #writePublic(Path, byte[])}. */
    public static void writePublic(Path file, String content) {
        writePublic(file, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the whole file. The message of a failure names the file, never its content. */
    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("file " + file.toAbsolutePath() + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new IllegalStateException("file " + file.toAbsolutePath() + " is not readable", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
    }

    /** Reads the whole file as UTF-8. */
    public static String readString(Path file) {
        return new String(read(file), StandardCharsets.UTF_8);
    }

    /**
     * Creates {@code directory} (mode 0700 when it is new) and checks that it is a writable
     * directory, so a misconfigured data directory fails at start with a message that names it.
     */
    public static Path ensureWritableDirectory(Path directory) {
        Path dir = directory.toAbsolutePath();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalStateException("data directory " + dir + " is not a directory");
        }
        try {
            if (!Files.exists(dir)) {
                Files.createDirectories(dir, directoryAttributes(dir));
            }
        } catch (FileSystemException e) {
            throw notWritable(firstExistingAncestor(dir), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dir, e);
        }
        if (!Files.isWritable(dir)) {
            throw notWritable(dir, null);
        }
        return dir;
    }

    private static void write(Path file, byte[] content, Set<PosixFilePermission> mode) {
        Path target = file.toAbsolutePath();
        Path dir = ensureWritableDirectory(target.getParent());
        boolean posix = supportsPosix(dir);
        if (!posix) {
            log.warn("file system of {} has no POSIX permissions; {} is written without mode 0600", dir, target);
        }
        Path temp;
        try {
            temp = posix
                    ? Files.createTempFile(
                            dir, "." + target.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(mode))
                    : Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        } catch (AccessDeniedException e) {
            // Files.isWritable can say yes (root, ACLs) where the kernel says no (read-only mount).
            throw notWritable(dir, e);
        } catch (FileSystemException e) {
            throw notWritable(dir, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file in " + dir, e);
        }
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (posix) {
                // open(2) applies the process umask to the mode given at creation, so a public file
                // may have come out narrower than 0644; set the mode exactly. A secret file is
                // never wider than 0600 at any moment: a umask only removes bits.
                Files.setPosixFilePermissions(temp, mode);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new UncheckedIOException("cannot write " + target, e);
        } catch (RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    /** The POSIX permissions of {@code file}, or empty when the file system has none. */
    public static Set<PosixFilePermission> permissions(Path file) {
        try {
            PosixFileAttributeView view =
                    Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            return view == null ? Set.of() : view.readAttributes().permissions();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the permissions of " + file.toAbsolutePath(), e);
        }
    }

    private static FileAttribute<?>[] directoryAttributes(Path dir) {
        Path ancestor = firstExistingAncestor(dir);
        return ancestor != null && supportsPosix(ancestor)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY)}
                : new FileAttribute<?>[0];
    }

    private static boolean supportsPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static Path firstExistingAncestor(Path dir) {
        Path current = dir;
        while (current != null && !Files.exists(current)) {
            current = current.getParent();
        }
        return current == null ? dir : current;
    }

    private static IllegalStateException notWritable(Path dir, Exception cause) {
        return new IllegalStateException("data directory " + dir + " is not writable", cause);
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException suppressed) {
            log.warn("cannot delete temporary file {}", temp, suppressed);
        }
    }
}
