package io.gatehouse.bench;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.Value;
import io.gatehouse.audit.note.NoteSigner;
import io.gatehouse.gateway.index.SessionIndexing;
import io.gatehouse.gateway.recorder.AuditLog;
import io.gatehouse.gateway.recorder.LogWriter;
import io.gatehouse.gateway.recorder.RecorderSettings;
import io.gatehouse.store.Store;
import io.gatehouse.store.StoreSettings;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Durable appends per second and ack latency of the recorder (issue "The record", benchmark): P producers
 * each append a ~300-byte event and wait for its durability ack before the next, as a fail-closed session
 * does. Runs on SQLite (embedded store, same disk as the fsync probe) and on PostgreSQL (a private server
 * with fsync and synchronous_commit on), and prints the disk's fsync rate measured in the same run.
 *
 * <p>With {@code --indexer off,on} each case also runs with the gateway's sessions indexer tailing the log
 * (as in a running gateway), to show what reading the record back costs the recorder.
 *
 * <p>Usage: {@code bench/recorder.sh [--seconds N] [--producers 1,8,64] [--stores sqlite,postgresql]
 * [--indexer off,on]}
 */
public final class RecorderBench {
    private RecorderBench() {}

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        List<Integer> producers = List.of(1, 8, 64);
        List<String> stores = List.of("sqlite", "postgresql");
        List<String> indexer = List.of("off");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--producers" -> producers = parseInts(args[++i]);
                case "--stores" -> stores = List.of(args[++i].split(","));
                case "--indexer" -> indexer = List.of(args[++i].split(","));
                default ->
                    throw new IllegalArgumentException(
                            "unknown argument " + args[i]
                                    + "; expected --seconds N, --producers 1,8,64, --stores sqlite,postgresql, --indexer off,on");
            }
        }
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "gatehouse-bench");
        FsyncProbe.Result fsync = FsyncProbe.measure(work, Duration.ofSeconds(3));
        System.out.printf(
                Locale.ROOT,
                "disk reference (%s): %.0f fsyncs/s, %.0f µs per write+fsync%n",
                work,
                fsync.fsyncsPerSecond(),
                fsync.microsPerFsync());
        System.out.printf(
                Locale.ROOT,
                "%-11s %8s %9s %12s %10s %10s %16s%n",
                "store",
                "indexer",
                "producers",
                "events/s",
                "p50 ack",
                "p99 ack",
                "events per fsync");
        try {
            for (String kind : stores) {
                for (int p : producers) {
                    for (String index : indexer) {
                        Result r = run(kind, p, seconds, work, index.equals("on"));
                        System.out.printf(
                                Locale.ROOT,
                                "%-11s %8s %9d %12.0f %8.0fµs %8.0fµs %16.1f%n",
                                kind,
                                index,
                                p,
                                r.perSecond,
                                r.p50,
                                r.p99,
                                r.perSecond / fsync.fsyncsPerSecond());
                    }
                }
            }
        } finally {
            PgBench.deleteRecursively(work);
        }
    }

    record Result(double perSecond, double p50, double p99) {}

    private static EmbeddedPostgresServer postgres;

    /** A private PostgreSQL with fsync and synchronous_commit on, so durability costs what it costs. */
    private static synchronized EmbeddedPostgresServer durablePostgres() {
        if (postgres == null) {
            postgres = EmbeddedPostgresServer.startDurable();
        }
        return postgres;
    }

    static Result run(String kind, int producers, int seconds, Path work, boolean indexer) throws Exception {
        StoreSettings settings =
                switch (kind) {
                    case "sqlite" ->
                        StoreSettings.sqlite(
                                Files.createTempDirectory(work, "sqlite").resolve("bench.db"));
                    case "postgresql" ->
                        StoreSettings.of(EmbeddedPostgresServer.shared().createDatabase());
                    default ->
                        throw new IllegalArgumentException("unknown store " + kind + "; expected sqlite or postgresql");
                };
        var keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        try (Store store = Store.open(settings)) {
            LogWriter writer = AuditLog.open(
                    "bench/" + kind + "-" + producers,
                    store.log(),
                    new NoteSigner("bench/" + kind + "-" + producers, keys),
                    new RecorderSettings(65_536, 1024, Duration.ofSeconds(1), Duration.ofSeconds(5)),
                    Clock.systemUTC());
            SessionIndexing indexing =
                    indexer ? SessionIndexing.start(store.sessionIndexer(), Duration.ofMillis(100)) : null;
            try {
                measure(writer, producers, Duration.ofSeconds(2), null); // warm-up: JIT, page cache, statements
                Latencies all = new Latencies();
                long start = System.nanoTime();
                measure(writer, producers, Duration.ofSeconds(seconds), all);
                double elapsed = (System.nanoTime() - start) / 1e9;
                return new Result(all.count() / elapsed, all.percentileMicros(50), all.percentileMicros(99));
            } finally {
                if (indexing != null) {
                    indexing.close();
                }
                writer.close();
            }
        }
    }

    private static void measure(LogWriter writer, int producers, Duration duration, Latencies into)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        List<Latencies> perThread = new ArrayList<>();
        String padding = "x".repeat(170);
        for (int p = 0; p < producers; p++) {
            Latencies mine = new Latencies();
            perThread.add(mine);
            int producer = p;
            threads.add(Thread.ofPlatform().start(() -> {
                long i = 0;
                while (!stop.get()) {
                    // ~300 bytes encoded: the size of a typical recorded statement with its attribution
                    Event event = Event.builder(EventKind.COMMAND)
                            .timeMicros(System.currentTimeMillis() * 1000)
                            .session("0193a5c2-7d1e-7c3a-9f00-" + String.format(Locale.ROOT, "%012d", producer))
                            .identity("agent-" + producer)
                            .connection("pg-prod")
                            .field("sql", Value.of("select * from accounts where id = $1 /* " + padding + " */"))
                            .field("params", Value.of(Long.toString(i++)))
                            .build();
                    long t0 = System.nanoTime();
                    writer.append(event).join();
                    mine.add(System.nanoTime() - t0);
                }
            }));
        }
        Thread.sleep(duration.toMillis());
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        if (into != null) {
            perThread.forEach(into::addAll);
        }
    }

    private static List<Integer> parseInts(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            out.add(Integer.parseInt(s.strip()));
        }
        return out;
    }
}
