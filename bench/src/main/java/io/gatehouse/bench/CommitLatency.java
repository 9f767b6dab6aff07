package io.gatehouse.bench;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.Value;
import io.gatehouse.audit.note.NoteSigner;
import io.gatehouse.gateway.recorder.AuditLog;
import io.gatehouse.gateway.recorder.LogWriter;
import io.gatehouse.gateway.recorder.RecorderSettings;
import io.gatehouse.store.Store;
import io.gatehouse.store.StoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a fail-closed statement waits for at one client, without PostgreSQL or pgbench around it: one producer
 * queues the previous statement's outcome (best-effort) and then its command (waited for), and times the wait
 * for the command's record, as a session does. Side by side in one run, in alternating rounds:
 *
 * <ul>
 *   <li>{@code fsync}: the disk's reference, a 4 KiB write and {@code fdatasync} ({@link FsyncProbe});
 *   <li>{@code journal}: the embedded store with its commit journal, the producer committing on its own thread
 *       when the recorder is idle (the gateway's default);
 *   <li>{@code journal-thread}: the same journal, the commit handed to the writer thread;
 *   <li>{@code sqlite}: the embedded store without the journal (a synced SQLite transaction per commit).
 * </ul>
 *
 * <p>Usage: {@code bench/commit.sh [--statements N] [--rounds R]}. Prints p50, p99 and mean per path and each
 * one's excess over the fsync reference, which is what the issue's "one fsync + 50 µs" compares against.
 */
public final class CommitLatency {
    private static final String ORIGIN = "gatehouse/commit-latency";

    private CommitLatency() {}

    record Variant(String name, boolean journal, boolean callerCommits) {}

    public static void main(String[] args) throws Exception {
        int statements = 3000;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--statements" -> statements = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default ->
                    throw new IllegalArgumentException(
                            "unknown argument " + args[i] + "; expected --statements N, --rounds R");
            }
        }
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "commit-latency");
        Variant[] paths = {
            new Variant("journal", true, true),
            new Variant("journal-thread", true, false),
            new Variant("sqlite", false, false)
        };
        long[][] waits = new long[paths.length + 1][];
        try {
            for (int r = 0; r < rounds + 1; r++) { // round 0 warms the JIT and is not counted
                long[] probe = probe(work, statements);
                if (r > 0) {
                    waits[0] = concat(waits[0], probe);
                }
                for (int p = 0; p < paths.length; p++) {
                    long[] measured = run(work.resolve("r" + r + "-" + paths[p].name()), paths[p], statements);
                    if (r > 0) {
                        waits[p + 1] = concat(waits[p + 1], measured);
                    }
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%d statements x %d rounds per path, alternating; %d cpus%n",
                statements,
                rounds,
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-16s %9s %9s %9s %14s%n", "path", "p50", "p99", "mean", "mean - fsync");
        double fsyncMean = mean(waits[0]);
        print("fsync", waits[0], fsyncMean);
        for (int p = 0; p < paths.length; p++) {
            print(paths[p].name(), waits[p + 1], fsyncMean);
        }
    }

    private static long[] probe(Path work, int count) throws Exception {
        Path file = Files.createTempFile(work, "probe", ".bin");
        long[] waits = new long[count];
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer block = java.nio.ByteBuffer.allocate(4096);
            for (int i = 0; i < count; i++) {
                block.clear();
                long start = System.nanoTime();
                channel.write(block, (i % 256) * 4096L);
                channel.force(false);
                waits[i] = System.nanoTime() - start;
            }
        }
        return waits;
    }

    private static long[] run(Path dir, Variant path, int count) throws Exception {
        Files.createDirectories(dir);
        long[] waits = new long[count];
        StoreSettings settings =
                StoreSettings.sqlite(dir.resolve("gatehouse.db")).withCommitJournal(path.journal());
        try (Store store = Store.open(settings)) {
            var keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            RecorderSettings recorder = new RecorderSettings(
                    1 << 16, 1024, Duration.ofSeconds(1), Duration.ofSeconds(5), path.callerCommits());
            try (LogWriter writer =
                    AuditLog.open(ORIGIN, store.log(), new NoteSigner(ORIGIN, keys), recorder, Clock.systemUTC())) {
                for (int i = 0; i < count; i++) {
                    if (i > 0) {
                        writer.appendBestEffort(outcome(i - 1));
                    }
                    Event command = command(i);
                    long start = System.nanoTime();
                    writer.append(command).get();
                    waits[i] = System.nanoTime() - start;
                    Thread.sleep(0, 100_000); // the statement runs upstream meanwhile (about 100 µs at one client)
                }
            }
        }
        return waits;
    }

    private static Event command(long n) {
        return statementEvent(EventKind.COMMAND, n)
                .field("protocol", Value.of("extended"))
                .field("sql", Value.of("SELECT abalance FROM pgbench_accounts WHERE aid = $1"))
                .field("parameters", Value.of(java.util.List.of(Value.of(Long.toString(1000 + n)))))
                .field("statement", Value.of("P_1"))
                .field("database", Value.of("bench"))
                .build();
    }

    private static Event outcome(long n) {
        return statementEvent(EventKind.COMMAND_RESULT, n)
                .field("status", Value.of("ok"))
                .field("tag", Value.of("SELECT 1"))
                .field("rows", Value.of(1L))
                .field("duration_micros", Value.of(80L))
                .build();
    }

    /** What a session's command and its outcome share: session, identity, connection and command number. */
    private static Event.Builder statementEvent(EventKind kind, long n) {
        return Event.builder(kind)
                .timeMicros(System.currentTimeMillis() * 1000)
                .session("s-commit-latency")
                .identity("agent-7")
                .connection("pg-prod")
                .field("command", Value.of(n));
    }

    private static void print(String name, long[] waits, double fsyncMean) {
        long[] sorted = waits.clone();
        Arrays.sort(sorted);
        double mean = mean(waits);
        System.out.printf(
                Locale.ROOT,
                "%-16s %7.0fµs %7.0fµs %7.0fµs %+12.0fµs%n",
                name,
                sorted[sorted.length / 2] / 1e3,
                sorted[(int) (sorted.length * 0.99)] / 1e3,
                mean / 1e3,
                (mean - fsyncMean) / 1e3);
    }

    private static double mean(long[] values) {
        return Arrays.stream(values).average().orElse(0);
    }

    private static long[] concat(long[] a, long[] b) {
        if (a == null) {
            return b;
        }
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
