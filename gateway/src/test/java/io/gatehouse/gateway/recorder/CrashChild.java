package io.gatehouse.gateway.recorder;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.Value;
import io.gatehouse.audit.note.NoteSigner;
import io.gatehouse.gateway.security.SigningKeyFile;
import io.gatehouse.store.Store;
import io.gatehouse.store.StoreSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * The process {@link CrashRecoveryTest} kills: opens the log (running recovery), then appends from many
 * producer threads and prints "ACK index payload" for each event only after its future completed, i.e.
 * after the event was durable. Runs until it is killed.
 */
public final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String round = args[1];
        int producers = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        Store store = Store.open(StoreSettings.sqlite(dir.resolve("store.db")));
        NoteSigner signer = new NoteSigner("crash.test/log", SigningKeyFile.loadOrCreate(dir));
        LogWriter writer = AuditLog.open(
                "crash.test/log",
                store.log(),
                signer,
                new RecorderSettings(4096, 256, Duration.ofMillis(50), Duration.ofSeconds(2)),
                Clock.systemUTC());
        synchronized (out) {
            out.println("READY " + writer.head().size());
            out.flush();
        }
        for (int p = 0; p < producers; p++) {
            int producer = p;
            Thread.ofPlatform().daemon().start(() -> produce(writer, out, round, producer));
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void produce(LogWriter writer, PrintStream out, String round, int producer) {
        Semaphore inFlight = new Semaphore(4);
        for (long i = 0; ; i++) {
            String payload = "r" + round + "-p" + producer + "-" + i;
            Event event = Event.builder(EventKind.COMMAND)
                    .timeMicros(System.currentTimeMillis() * 1000)
                    .session("s-" + round + "-" + producer)
                    .identity("crash-" + producer)
                    .connection("crash")
                    .field("sql", Value.of("insert into t values ('" + payload + "')"))
                    .field("payload", Value.of(payload))
                    .build();
            inFlight.acquireUninterruptibly();
            writer.append(event).whenComplete((index, error) -> {
                inFlight.release();
                if (error == null) {
                    synchronized (out) {
                        out.println("ACK " + index + " " + payload + " END");
                        out.flush();
                    }
                }
            });
        }
    }
}
