package io.gatehouse.bench;

import io.gatehouse.audit.Event;
import io.gatehouse.gateway.recorder.LogWriter;
import io.gatehouse.store.Store;
import io.gatehouse.store.StoreSettings;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of the log writer's thread per event, which depends far less on a shared disk and CPU than
 * events per second do: N best-effort events (a pgbench statement's one event with its outcome) appended in
 * bursts as sessions would, then 2,000 single waited appends (one commit each, as fail-closed at one client).
 * Three rounds; the first includes JIT warm-up.
 *
 * <p>Usage: {@code java -cp bench/target/gatehouse-bench.jar io.gatehouse.bench.WriterCpu [events]}
 * (default 200,000; SQLite store in a temporary directory).
 */
public final class WriterCpu {
    private static final int WAITED = 2_000;

    private WriterCpu() {}

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Path dir = Files.createTempDirectory("gatehouse-writer-cpu");
        try (Store store = Store.open(StoreSettings.sqlite(dir.resolve("bench.db")))) {
            LogWriter writer = BenchLog.openWriter(store, "bench/writer-cpu");
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long writerId = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("gatehouse-log-writer"))
                    .findFirst()
                    .orElseThrow()
                    .threadId();
            for (int round = 0; round < 3; round++) {
                long cpu0 = threads.getThreadCpuTime(writerId);
                long written0 = writer.written();
                long t0 = System.nanoTime();
                for (int i = 0; i < events; i++) {
                    writer.appendBestEffort(statement(i));
                    if (i % 2_000 == 1_999) {
                        while (writer.backlog() > 20_000) {
                            Thread.sleep(1);
                        }
                    }
                }
                while (writer.backlog() > 0) {
                    Thread.sleep(1);
                }
                long written = writer.written() - written0;
                System.out.printf(
                        "best-effort: %d events, writer CPU %.2f µs/event, %.0f events/s%n",
                        written,
                        (threads.getThreadCpuTime(writerId) - cpu0) / 1e3 / written,
                        written / ((System.nanoTime() - t0) / 1e9));
                cpu0 = threads.getThreadCpuTime(writerId);
                t0 = System.nanoTime();
                for (int i = 0; i < WAITED; i++) {
                    writer.append(statement(i)).join();
                }
                System.out.printf(
                        "waited, one producer: writer CPU %.1f µs/commit, %.1f µs/append%n",
                        (threads.getThreadCpuTime(writerId) - cpu0) / 1e3 / WAITED,
                        (System.nanoTime() - t0) / 1e3 / WAITED);
            }
            writer.close();
        }
    }

    private static Event statement(long i) {
        return BenchLog.pgbenchStatement("0193a5c2-7d1e-7c3a-9f00-" + (i % 32), i, i);
    }
}
