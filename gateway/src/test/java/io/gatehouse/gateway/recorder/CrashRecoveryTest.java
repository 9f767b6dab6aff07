package io.gatehouse.gateway.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.Value;
import io.gatehouse.audit.note.NoteSigner;
import io.gatehouse.audit.note.NoteVerifier;
import io.gatehouse.gateway.security.SigningKeyFile;
import io.gatehouse.gateway.testing.TestEvents;
import io.gatehouse.store.LogEntry;
import io.gatehouse.store.Store;
import io.gatehouse.store.StoreSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue "The record", crash test: the recorder runs in a child process with many concurrent producers and
 * is killed with SIGKILL at random moments, at least 20 times. After every kill: each event whose future
 * had completed (the child printed its ACK only then) is present at its index and unchanged, the log
 * verifies from scratch, and the next round appends after it.
 */
class CrashRecoveryTest {
    static final int ROUNDS = Integer.getInteger("gatehouse.crash.rounds", 20);

    @TempDir
    Path dir;

    @Test
    void acknowledgedEventsSurviveSigkillAndTheLogKeepsVerifying() throws Exception {
        Random random = new Random(42);
        Map<Long, String> acked = new ConcurrentHashMap<>();
        long previousSize = 0;
        List<String> report = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            long startedAt = runAndKill(round, 100 + random.nextInt(600), acked);
            assertThat(startedAt)
                    .as("round %d reopened at the size the last round left", round)
                    .isGreaterThanOrEqualTo(previousSize);
            try (Store store = Store.open(StoreSettings.sqlite(dir.resolve("store.db")))) {
                long size = store.log().size("crash.test/log");
                for (Map.Entry<Long, String> ack : acked.entrySet()) {
                    assertThat(ack.getKey())
                            .as("acknowledged index beyond the log")
                            .isLessThan(size);
                }
                checkAcknowledged(store, acked);
                StoreVerifier.Result verified = StoreVerifier.verify(store.log(), "crash.test/log", verifier());
                assertThat(verified.ok())
                        .as("round %d: %s", round, verified.summary())
                        .isTrue();
                assertThat(size).as("round %d appended", round).isGreaterThan(previousSize);
                report.add("round " + round + ": log " + size + " events, " + acked.size() + " acknowledged so far");
                previousSize = size;
            }
        }
        System.out.println(String.join("\n", report));
    }

    private NoteVerifier verifier() {
        return NoteVerifier.parse(new NoteSigner("crash.test/log", SigningKeyFile.loadOrCreate(dir)).verifierKey());
    }

    private void checkAcknowledged(Store store, Map<Long, String> acked) {
        List<Long> indexes = acked.keySet().stream().sorted().toList();
        int i = 0;
        while (i < indexes.size()) {
            long from = indexes.get(i);
            List<LogEntry> page = store.log().read("crash.test/log", from, 2000);
            Map<Long, LogEntry> byIndex = new java.util.HashMap<>();
            page.forEach(e -> byIndex.put(e.index(), e));
            while (i < indexes.size() && byIndex.containsKey(indexes.get(i))) {
                long index = indexes.get(i);
                Event event = TestEvents.decode(byIndex.get(index).entry());
                assertThat(((Value.Str) event.fields().get("payload")).value())
                        .as("event at acknowledged index %d", index)
                        .isEqualTo(acked.get(index));
                i++;
            }
            assertThat(byIndex).as("acknowledged index %d missing", from).containsKey(from);
        }
    }

    /** Starts the child, lets it append for {@code millis} after its first acknowledgement, kills it; returns the size it reopened at. */
    private long runAndKill(int round, long millis, Map<Long, String> acked) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        CrashChild.class.getName(),
                        dir.toString(),
                        Integer.toString(round),
                        "16")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        CountDownLatch ready = new CountDownLatch(1);
        CountDownLatch firstAck = new CountDownLatch(1);
        long[] startSize = {-1};
        Thread reader = Thread.ofPlatform().start(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("READY ")) {
                        startSize[0] = Long.parseLong(line.substring(6));
                        ready.countDown();
                    } else if (line.startsWith("ACK ") && line.endsWith(" END")) {
                        // a line cut off by the kill has no END and is not an acknowledgement
                        String[] parts = line.split(" ");
                        if (parts.length == 4) {
                            acked.put(Long.parseLong(parts[1]), parts[2]);
                            firstAck.countDown();
                        }
                    }
                }
            } catch (IOException e) {
                // the child was killed mid-line; what was read before is what counts
            }
        });
        assertThat(ready.await(60, TimeUnit.SECONDS))
                .as("child of round %d became ready", round)
                .isTrue();
        assertThat(firstAck.await(60, TimeUnit.SECONDS))
                .as("child of round %d acknowledged an event", round)
                .isTrue();
        Thread.sleep(millis);
        child.destroyForcibly(); // SIGKILL on Linux
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
        return startSize[0];
    }
}
