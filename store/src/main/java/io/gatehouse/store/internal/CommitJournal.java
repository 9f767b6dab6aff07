package io.gatehouse.store.internal;

import com.sun.nio.file.ExtendedOpenOption;
import io.gatehouse.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The embedded store's commit journal: one pre-allocated file in which a log append is made durable with a
 * single {@code pwrite} and {@code fdatasync}, before SQLite applies it (see {@link JournaledLogRepository}).
 *
 * <p>Why. A SQLite commit in WAL mode writes every page the transaction touched (about five for a log
 * append, each a frame of two {@code pwrite}s) and then syncs; on this project's VMs each write that reaches
 * the disk is a virtio exit, and the commit cost about twice its fsync (docs/benchmarks.md). Here a batch is
 * one record written where no data has to be allocated, so the sync is the only real cost.
 *
 * <p>Layout. A 4 KiB header ({@link #MAGIC_TEXT}), then records, each starting on a 4 KiB boundary (a record
 * that shares a page with the previous one waits for that page's write-back to finish; measured 25 % slower):
 *
 * <pre>
 *   u32 0x47485231 ("GHR1")   u32 payload length   u64 sequence number   payload   u32 CRC-32C
 * </pre>
 *
 * <p>The CRC covers length, sequence and payload. The journal's content is the <em>chain</em> of records that
 * starts at offset 4096 with consecutive sequence numbers and valid checksums; the first record that breaks
 * it (a torn write, zeros, a stale record of an earlier lap, whose sequence number is lower) ends it. {@link
 * #reset} empties the chain by zeroing the first record's header; the caller does that only when everything
 * in it is durable elsewhere. Sequence numbers only grow within a process and continue the chain found at
 * open; an empty journal starts from a random number, so stale records cannot extend a new chain.
 *
 * <p>The file grows in {@link #CHUNK} pieces of written zeros up to its maximum size (blocks allocated and
 * zeroed once, so a record's {@code fdatasync} never has to commit file-system metadata), and is locked
 * for the lifetime of this object: a second gateway on the same store fails with a clear error.
 */
final class CommitJournal implements AutoCloseable {
    static final String MAGIC_TEXT = "GATEHOUSE COMMIT JOURNAL 1\n";
    static final int PAGE = 4096;
    static final int CHUNK = 1 << 20;
    private static final int RECORD_MAGIC = 0x47485231;
    private static final int RECORD_OVERHEAD = 4 + 4 + 8 + 4;

    private final Path file;
    private final FileChannel channel;
    /** The same file for {@code O_DIRECT} record writes ({@link #writeDirect}); null without direct I/O. */
    private FileChannel direct;
    /** A page-aligned direct buffer for those writes. */
    private ByteBuffer aligned;

    private final FileLock lock;
    private final long maxBytes;
    private final List<byte[]> found;
    private long fileSize;
    /** Where the next record goes. */
    private long tail;
    /** Sequence number of the next record. */
    private long nextSequence;

    private CommitJournal(
            Path file,
            FileChannel channel,
            FileLock lock,
            long maxBytes,
            long fileSize,
            List<byte[]> found,
            long tail,
            long nextSequence) {
        this.file = file;
        this.channel = channel;
        this.direct = openDirect(file);
        this.lock = lock;
        this.maxBytes = maxBytes;
        this.fileSize = fileSize;
        this.found = found;
        this.tail = tail;
        this.nextSequence = nextSequence;
    }

    /**
     * Opens (creating if absent) and locks the journal at {@code file}, and reads its chain.
     *
     * @param maxBytes the size the file may grow to; at least two chunks
     */
    static CommitJournal open(Path file, long maxBytes) {
        CommitJournal journal = open(file, maxBytes, true);
        if (journal == null) {
            throw new StoreException("the store's commit journal " + file
                    + " is locked by another process: is another gateway running on this store?");
        }
        return journal;
    }

    /**
     * Opens an existing journal if no other process holds it; null if one does or there is no journal. For
     * those who open the store without being its writer, to apply what a stopped gateway left in it.
     */
    static CommitJournal openIfFree(Path file, long maxBytes) {
        if (!java.nio.file.Files.exists(file)) {
            return null;
        }
        return open(file, maxBytes, false);
    }

    private static CommitJournal open(Path file, long maxBytes, boolean create) {
        if (maxBytes < PAGE + 2L * CHUNK) {
            throw new IllegalArgumentException("commit journal size " + maxBytes + " is below " + (PAGE + 2L * CHUNK));
        }
        FileChannel channel = null;
        try {
            channel = create
                    ? FileChannel.open(
                            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this process: a second store opened on the same file
            }
            if (lock == null) {
                channel.close();
                return null;
            }
            long size = channel.size();
            if (size == 0) {
                writeHeader(channel);
                zeroFill(channel, PAGE, CHUNK);
                channel.force(true);
                size = PAGE + CHUNK;
            } else {
                checkHeader(file, channel, size);
            }
            List<byte[]> found = new ArrayList<>();
            long[] end = scan(channel, size, found);
            long next = found.isEmpty() ? new SecureRandom().nextLong(1L << 32, 1L << 61) : end[1];
            return new CommitJournal(file, channel, lock, maxBytes, size, found, end[0], next);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StoreException("the store's commit journal " + file + " cannot be opened: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    Path file() {
        return file;
    }

    /** The payloads of the chain found when the journal was opened, in order. */
    List<byte[]> recordsAtOpen() {
        return found;
    }

    /** True if a payload of {@code length} bytes could ever fit (after a {@link #reset}). */
    boolean fits(int length) {
        return PAGE + align(RECORD_OVERHEAD + (long) length) <= maxBytes;
    }

    /** True if a payload of {@code length} bytes fits after the chain without a {@link #reset}. */
    boolean hasRoomFor(int length) {
        return tail + align(RECORD_OVERHEAD + (long) length) <= maxBytes;
    }

    /** Bytes from the start of the chain to its end. */
    long used() {
        return tail - PAGE;
    }

    /**
     * Writes one record after the chain and syncs it ({@code fdatasync}); the record is durable when this
     * returns. On failure nothing moves: the next append is written at the same place with the same number,
     * so a record whose write reached the disk although the call failed is either overwritten or, after a
     * crash, replayed as the last of the chain.
     *
     * @throws IllegalStateException if the record does not fit ({@link #hasRoomFor})
     */
    void append(byte[] payload) throws IOException {
        long length = RECORD_OVERHEAD + (long) payload.length;
        if (!hasRoomFor(payload.length)) {
            throw new IllegalStateException("commit journal full: " + length + " bytes at " + tail);
        }
        if (tail + align(length) > fileSize) {
            grow(tail + align(length));
        }
        ByteBuffer record = ByteBuffer.allocate((int) length);
        record.putInt(RECORD_MAGIC).putInt(payload.length).putLong(nextSequence).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(record.array(), 4, 12 + payload.length);
        record.putInt((int) crc.getValue());
        record.flip();
        if (direct == null || !writeDirect(record)) {
            writeFully(channel, record, tail);
        }
        channel.force(false); // fdatasync; after an O_DIRECT write it flushes the device's cache
        tail = align(tail + length);
        nextSequence++;
    }

    /**
     * Writes the record, padded with zeros to whole pages, with {@code O_DIRECT}: straight from an aligned
     * buffer to the device, without the page cache's copy and write-back (measured here: 85-98 µs for write and
     * sync, against 102-122 µs through the page cache). False, and direct I/O off for good, if the file system
     * refuses it; the caller then writes through the page cache.
     */
    private boolean writeDirect(ByteBuffer record) {
        int padded = (int) align(record.remaining());
        if (aligned == null || aligned.capacity() < padded) {
            aligned = ByteBuffer.allocateDirect(padded + PAGE).alignedSlice(PAGE);
        }
        aligned.clear();
        aligned.put(record.duplicate());
        while (aligned.position() < padded) {
            aligned.put((byte) 0);
        }
        aligned.flip();
        try {
            writeFully(direct, aligned, tail);
            return true;
        } catch (IOException e) {
            closeQuietly(direct);
            direct = null;
            return false;
        }
    }

    private static void writeFully(FileChannel target, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += target.write(buffer, at);
        }
    }

    /** The journal's file opened for {@code O_DIRECT} writes, or null where the file system has no direct I/O. */
    private static FileChannel openDirect(Path file) {
        try {
            return FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null; // tmpfs, for one
        }
    }

    /** Empties the chain (the next record is written at its start); everything in it must be durable elsewhere. */
    void reset() throws IOException {
        // the page of the first record, zeroed: one write of it keeps direct and cached I/O from mixing in it
        tail = PAGE;
        if (direct == null || !writeDirect(ByteBuffer.allocate(PAGE))) {
            writeFully(channel, ByteBuffer.allocate(RECORD_OVERHEAD), PAGE);
        }
        channel.force(false);
    }

    private void grow(long needed) throws IOException {
        long target = Math.min(maxBytes, Math.max(fileSize + CHUNK, align(needed)));
        zeroFill(channel, fileSize, target - fileSize);
        channel.force(true); // the new size is metadata
        fileSize = target;
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            // closing the channel releases it anyway
        }
        closeQuietly(direct);
        closeQuietly(channel);
    }

    /** Reads the chain into {@code found}; returns {end of the chain, next sequence number}. */
    private static long[] scan(FileChannel channel, long size, List<byte[]> found) throws IOException {
        long at = PAGE;
        long expected = -1;
        ByteBuffer head = ByteBuffer.allocate(16);
        while (at + RECORD_OVERHEAD <= size) {
            head.clear();
            readFully(channel, head, at);
            head.flip();
            int magic = head.getInt();
            int length = head.getInt();
            long sequence = head.getLong();
            if (magic != RECORD_MAGIC
                    || length < 0
                    || at + RECORD_OVERHEAD + (long) length > size
                    || (expected >= 0 && sequence != expected)) {
                break;
            }
            ByteBuffer body = ByteBuffer.allocate(length + 4);
            readFully(channel, body, at + 16);
            CRC32C crc = new CRC32C();
            crc.update(head.array(), 4, 12);
            crc.update(body.array(), 0, length);
            if (body.getInt(length) != (int) crc.getValue()) {
                break;
            }
            found.add(Arrays.copyOf(body.array(), length));
            expected = sequence + 1;
            at = align(at + RECORD_OVERHEAD + length);
        }
        return new long[] {found.isEmpty() ? PAGE : at, expected};
    }

    private static void writeHeader(FileChannel channel) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(PAGE);
        header.put(MAGIC_TEXT.getBytes(StandardCharsets.US_ASCII));
        header.clear();
        long at = 0;
        while (header.hasRemaining()) {
            at += channel.write(header, at);
        }
    }

    private static void checkHeader(Path file, FileChannel channel, long size) throws IOException {
        byte[] expected = MAGIC_TEXT.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer header = ByteBuffer.allocate(expected.length);
        if (size >= PAGE) {
            readFully(channel, header, 0);
        }
        if (size < PAGE || !Arrays.equals(header.array(), expected)) {
            throw new StoreException("the store's commit journal " + file + " is not a Gatehouse commit journal"
                    + " (its first bytes differ); move it away only if you know it holds nothing the store lacks");
        }
    }

    private static void zeroFill(FileChannel channel, long from, long length) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(length, CHUNK));
        long at = from;
        long end = from + length;
        while (at < end) {
            zeros.clear();
            zeros.limit((int) Math.min(zeros.capacity(), end - at));
            at += channel.write(zeros, at);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
        long position = at;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                return; // short file: the caller's checks reject what is missing
            }
            position += read;
        }
    }

    private static long align(long offset) {
        return (offset + PAGE - 1) & -PAGE;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing more to release
            }
        }
    }
}
