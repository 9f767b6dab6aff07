package io.gatehouse.bench;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.Value;
import io.gatehouse.gateway.recorder.LogWriter;
import io.gatehouse.store.Store;
import io.gatehouse.store.StoreSettings;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of the sessions indexer per event, on this thread: N events shaped like pgbench's (32 sessions,
 * each a start and then best-effort statements recorded with their outcomes) are appended through the log
 * writer with the indexer stopped, then {@code catchUp()} indexes them, timed; the index is rebuilt and the
 * catch-up repeated (three rounds; the first includes JIT warm-up). The indexer runs flat out while it is
 * far behind, so this is its cost per event, not its pacing.
 *
 * <p>Usage: {@code java -cp bench/target/gatehouse-bench.jar io.gatehouse.bench.IndexerCpu [events]
 * [best-effort|fail-closed]} (default 200,000 best-effort statements; fail-closed: half as many statements, each a
 * command and a separate outcome; SQLite store in a temporary directory, deleted at the end).
 */
public final class IndexerCpu {
    private IndexerCpu() {}

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        boolean failClosed = args.length > 1 && args[1].equals("fail-closed");
        Path dir = Files.createTempDirectory("gatehouse-indexer-cpu");
        try (Store store = Store.open(StoreSettings.sqlite(dir.resolve("bench.db")))) {
            LogWriter writer = BenchLog.openWriter(store, "bench/indexer-cpu");
            for (int s = 0; s < 32; s++) {
                writer.appendBestEffort(start(s));
            }
            for (int i = 0; i < events; i++) {
                if (failClosed) {
                    // the command before it runs, and its outcome as a second event (two events per statement)
                    writer.appendBestEffort(BenchLog.pgbenchCommand(session(i / 2), i / 64 + 1, i));
                    writer.appendBestEffort(BenchLog.pgbenchOutcome(session(i / 2), i / 64 + 1));
                    i++;
                } else {
                    writer.appendBestEffort(statement(i));
                }
                if (i % 2_000 == 1_999) {
                    while (writer.backlog() > 20_000) {
                        Thread.sleep(1);
                    }
                }
            }
            while (writer.backlog() > 0) {
                Thread.sleep(1);
            }
            writer.close();
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int round = 0; round < 3; round++) {
                store.sessionIndexer().rebuild();
                long cpu0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                long indexed = store.sessionIndexer().catchUp();
                long cpu = threads.getCurrentThreadCpuTime() - cpu0;
                System.out.printf(
                        "indexed %d events: %.2f µs CPU/event, %.0f events/s%n",
                        indexed, cpu / 1e3 / indexed, indexed / ((System.nanoTime() - t0) / 1e9));
            }
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String session(long i) {
        return "0193a5c2-7d1e-7c3a-9f00-0000000000" + (10 + i % 32);
    }

    private static Event start(long s) {
        return Event.builder(EventKind.SESSION_START)
                .timeMicros(System.currentTimeMillis() * 1000)
                .session(session(s))
                .identity("agent-7")
                .connection("pg-prod")
                .field("protocol", Value.of("postgres"))
                .field("source", Value.of("127.0.0.1"))
                .field("database", Value.of("bench"))
                .build();
    }

    /** About the size of a pgbench -S statement recorded with its outcome (as WriterCpu). */
    private static Event statement(long i) {
        return BenchLog.pgbenchStatement(session(i), i / 32 + 1, i);
    }
}
