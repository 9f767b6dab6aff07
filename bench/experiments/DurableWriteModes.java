import com.sun.nio.file.ExtendedOpenOption;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One-off experiment (session 8, docs/benchmarks.md): three ways to make a 4 KiB record durable, side by side,
 * with the latency of each and the voluntary context switches it costs the writing thread. The commit journal
 * uses the first ({@code O_DIRECT} write, then {@code fdatasync}); on a device without FUA (virtio here:
 * /sys/block/vda/queue/fua = 0) every mode sleeps twice, once for the write and once for the cache flush.
 *
 * <p>Run: {@code java bench/experiments/DurableWriteModes.java /tmp/probe.bin 2000} (a JDK >= 21).
 */
public class DurableWriteModes {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(64 << 20), 0); // allocated and zeroed: no metadata on the hot path
            channel.force(true);
        }
        try {
            for (int round = 0; round < 3; round++) {
                for (String mode : List.of("direct+fdatasync", "direct+dsync", "buffered+fdatasync")) {
                    measure(file, mode, count);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void measure(Path file, String mode, int count) throws Exception {
        Set<OpenOption> options = new HashSet<>(List.of(StandardOpenOption.WRITE));
        if (mode.startsWith("direct")) {
            options.add(ExtendedOpenOption.DIRECT);
        }
        boolean dsync = mode.endsWith("dsync");
        if (dsync) {
            options.add(StandardOpenOption.DSYNC);
        }
        try (FileChannel channel = FileChannel.open(file, options)) {
            ByteBuffer block = ByteBuffer.allocateDirect(8192).alignedSlice(4096);
            long[] nanos = new long[count];
            long switches = voluntarySwitches();
            for (int i = 0; i < count; i++) {
                block.clear().limit(4096);
                block.put(0, (byte) i);
                long start = System.nanoTime();
                channel.write(block, 4096L * (i + 1));
                if (!dsync) {
                    channel.force(false);
                }
                nanos[i] = System.nanoTime() - start;
            }
            switches = voluntarySwitches() - switches;
            Arrays.sort(nanos);
            System.out.printf(
                    "%-20s %.2f switches/write  p50 %4d µs  p90 %4d µs  p99 %4d µs%n",
                    mode,
                    switches / (double) count,
                    nanos[count / 2] / 1000,
                    nanos[count * 9 / 10] / 1000,
                    nanos[count * 99 / 100] / 1000);
        }
    }

    /** This thread's voluntary context switches so far (proc(5), /proc/thread-self/status). */
    private static long voluntarySwitches() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
            if (line.startsWith("voluntary_ctxt_switches")) {
                return Long.parseLong(line.split("\\s+")[1]);
            }
        }
        throw new IllegalStateException("no voluntary_ctxt_switches in /proc/thread-self/status");
    }
}
