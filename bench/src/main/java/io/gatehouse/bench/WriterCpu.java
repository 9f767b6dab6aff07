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
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

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
        var keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path dir = Files.createTempDirectory("gatehouse-writer-cpu");
        try (Store store = Store.open(StoreSettings.sqlite(dir.resolve("bench.db")))) {
            LogWriter writer = AuditLog.open(
                    "bench/writer-cpu",
                    store.log(),
                    new NoteSigner("bench/writer-cpu", keys),
                    new RecorderSettings(1 << 20, 1024, Duration.ofSeconds(1), Duration.ofSeconds(5)),
                    Clock.systemUTC());
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

    /** About the size of a pgbench -S statement recorded with its outcome. */
    private static Event statement(long i) {
        return Event.builder(EventKind.COMMAND)
                .timeMicros(System.currentTimeMillis() * 1000)
                .session("0193a5c2-7d1e-7c3a-9f00-" + (i % 32))
                .identity("agent-7")
                .connection("pg-prod")
                .field("command", Value.of(i))
                .field("protocol", Value.of("extended"))
                .field("sql", Value.of("SELECT abalance FROM pgbench_accounts WHERE aid = $1"))
                .field("parameters", Value.of(List.of(Value.of(Long.toString(i)))))
                .field("statement", Value.of("P_1"))
                .field("database", Value.of("bench"))
                .field("status", Value.of("ok"))
                .field("tag", Value.of("SELECT 1"))
                .field("rows", Value.of(1L))
                .field("duration_micros", Value.of(80L))
                .build();
    }
}
