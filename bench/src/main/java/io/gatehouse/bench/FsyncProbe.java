package io.gatehouse.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The physical reference for any durable-write figure: how many write+fsync pairs per second the disk
 * under {@code dir} sustains, measured in the same run as the benchmark it accompanies.
 */
final class FsyncProbe {
    private FsyncProbe() {}

    record Result(double fsyncsPerSecond, double microsPerFsync) {}

    static Result measure(Path dir, Duration duration) throws IOException {
        Path file = Files.createTempFile(dir, "fsync-probe", ".bin");
        ByteBuffer block = ByteBuffer.allocate(4096);
        long count = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long end = System.nanoTime() + duration.toNanos();
            long start = System.nanoTime();
            while (System.nanoTime() < end) {
                block.clear();
                channel.write(block, (count % 256) * 4096);
                channel.force(false);
                count++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(count / seconds, seconds * 1e6 / count);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
