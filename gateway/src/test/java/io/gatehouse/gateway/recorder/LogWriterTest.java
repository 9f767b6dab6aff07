package io.gatehouse.gateway.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.Value;
import io.gatehouse.audit.note.NoteSigner;
import io.gatehouse.audit.note.NoteVerifier;
import io.gatehouse.gateway.testing.TestEvents;
import io.gatehouse.store.Store;
import io.gatehouse.store.StoreSettings;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogWriterTest {
    static final String ORIGIN = "test.gatehouse/log";

    @TempDir
    Path dir;

    Store store;
    FlakyLog log;
    NoteSigner signer;

    /** The store under test; {@link LogWriterOnPostgresTest} runs the same tests on PostgreSQL. */
    StoreSettings settings() {
        return StoreSettings.sqlite(dir.resolve("s.db"));
    }

    @BeforeEach
    void open() throws NoSuchAlgorithmException {
        store = Store.open(settings());
        log = new FlakyLog(store.log());
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        signer = new NoteSigner(ORIGIN, keys);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Whether producers commit on their own thread; {@link LogWriterCallerCommitsTest} runs the tests with it. */
    boolean callerCommits() {
        return false;
    }

    LogWriter writer(int queue) {
        return AuditLog.open(
                ORIGIN,
                log,
                signer,
                new RecorderSettings(queue, 256, Duration.ofMillis(50), Duration.ofSeconds(2), callerCommits()),
                Clock.systemUTC());
    }

    static Event event(String payload) {
        return event("s1", payload);
    }

    static Event event(String session, String payload) {
        return Event.builder(EventKind.COMMAND)
                .timeMicros(1_700_000_000_000_000L)
                .session(session)
                .identity("devin")
                .connection("pg")
                .field("sql", Value.of(payload))
                .build();
    }

    @Test
    void concurrentProducersGetDenseDistinctIndexesOnlyOnceDurable() throws Exception {
        LogWriter writer = writer(65_536);
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<List<CompletableFuture<Long>>> perThread = new ArrayList<>();
        for (int t = 0; t < 32; t++) {
            List<CompletableFuture<Long>> mine = new ArrayList<>();
            perThread.add(mine);
            int producer = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 100; i++) {
                    mine.add(writer.append(event("p" + producer + "-" + i)));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        perThread.forEach(futures::addAll);
        Set<Long> indexes = new HashSet<>();
        for (CompletableFuture<Long> f : futures) {
            indexes.add(f.get());
        }
        assertThat(indexes).hasSize(3200);
        assertThat(indexes).allMatch(i -> i >= 0 && i < 3200);
        // completed means durable: every acknowledged index is readable from the store now
        assertThat(store.log().size(ORIGIN)).isEqualTo(3200);
        Event first = TestEvents.decode(store.log().read(ORIGIN, 0, 1).get(0).entry());
        assertThat(first.seq()).isZero();
        assertThat(first.log()).isEqualTo(ORIGIN);
        writer.close();

        assertThat(store.log().latestCheckpoint(ORIGIN))
                .get()
                .extracting(c -> c.size())
                .isEqualTo(3200L);
        StoreVerifier.Result verified =
                StoreVerifier.verify(store.log(), ORIGIN, NoteVerifier.parse(signer.verifierKey()));
        assertThat(verified.ok()).as(verified.summary()).isTrue();
    }

    @Test
    void onlyUpperSubtreesAreStoredAndLowerOnesDeriveExactly() throws Exception {
        LogWriter writer = writer(4096);
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            futures.add(writer.append(event("e" + i)));
        }
        for (CompletableFuture<Long> f : futures) {
            f.get();
        }
        writer.close();
        // the true tree, recomputed independently from the stored leaf hashes
        io.gatehouse.audit.merkle.MerkleFrontier truth = io.gatehouse.audit.merkle.MerkleFrontier.empty();
        java.util.Map<String, byte[]> expected = new java.util.HashMap<>();
        for (var entry : store.log().read(ORIGIN, 0, 1000)) {
            for (var node : truth.append(entry.leafHash())) {
                expected.put(node.level() + "/" + node.index(), node.hash());
            }
        }
        StoredTree tree = new StoredTree(store.log(), ORIGIN);
        for (var e : expected.entrySet()) {
            int level = Integer.parseInt(e.getKey().split("/")[0]);
            long index = Long.parseLong(e.getKey().split("/")[1]);
            assertThat(tree.node(level, index)).as("node %s", e.getKey()).isEqualTo(e.getValue());
            assertThat(store.log().node(ORIGIN, level, index).isPresent())
                    .as("node %s stored", e.getKey())
                    .isEqualTo(level == 0 || level >= StoredTree.STORED_LEVEL);
        }
        assertThat(expected).containsKey("6/0"); // 100 leaves reach level 6
    }

    @Test
    void checkpointsAreSignedWhileEventsArrive() throws Exception {
        LogWriter writer = writer(1024);
        writer.appendDurably(event("a"), Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> store.log().latestCheckpoint(ORIGIN).isPresent());
        writer.appendDurably(event("b"), Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> store.log().latestCheckpoint(ORIGIN).get().size() == 2);
        assertThat(NoteVerifier.parse(signer.verifierKey())
                        .verify(store.log().latestCheckpoint(ORIGIN).get().note())
                        .size())
                .isEqualTo(2);
        writer.close();
    }

    @Test
    void whenTheStoreIsDownFailClosedAppendsFailAndNothingIsHalfWritten() {
        LogWriter writer = writer(1024);
        writer.appendDurably(event("before"), Duration.ofSeconds(2));
        log.down = true;
        assertThatThrownBy(() -> writer.appendDurably(event("during"), Duration.ofSeconds(2)))
                .isInstanceOf(RecordingUnavailableException.class)
                .hasMessageContaining("store");
        log.down = false;
        long index = writer.appendDurably(event("after"), Duration.ofSeconds(2));
        assertThat(index)
                .as("the failed event's index is not skipped nor reused")
                .isEqualTo(1);
        writer.close();
        StoreVerifier.Result verified =
                StoreVerifier.verify(store.log(), ORIGIN, NoteVerifier.parse(signer.verifierKey()));
        assertThat(verified.ok()).as(verified.summary()).isTrue();
    }

    @Test
    void bestEffortEventsAreKeptWhileTheStoreIsDownAndWrittenWhenItReturns() {
        LogWriter writer = writer(1024);
        log.down = true;
        for (int i = 0; i < 10; i++) {
            writer.appendBestEffort(event("be-" + i));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> writer.failedBatches() > 0);
        assertThat(writer.backlog()).isEqualTo(10);
        log.down = false;
        await().atMost(Duration.ofSeconds(5)).until(() -> writer.backlog() == 0);
        assertThat(store.log().size(ORIGIN)).isEqualTo(10);
        List<String> payloads = store.log().read(ORIGIN, 0, 100).stream()
                .map(e -> ((Value.Str) TestEvents.decode(e.entry()).field("sql")).value())
                .toList();
        assertThat(payloads)
                .containsExactly("be-0", "be-1", "be-2", "be-3", "be-4", "be-5", "be-6", "be-7", "be-8", "be-9");
        writer.close();
    }

    /**
     * An append that throws after its transaction committed (the commit's reply lost): the retry must not
     * write the batch's best-effort events a second time. Each event is in the log once, in order, and the
     * log verifies; a waited-for event of that batch was refused to its producer, and is in the log once too.
     */
    @Test
    void aBatchWhoseCommitReplyWasLostIsNotWrittenTwice() throws Exception {
        LogWriter writer = writer(1024);
        writer.append(event("before")).get();
        log.loseNextCommitReply = true;
        CompletableFuture<Long> waited = writer.append(event("waited"));
        for (int i = 0; i < 5; i++) {
            writer.appendBestEffort(event("be-" + i));
        }
        assertThatThrownBy(waited::get)
                .as("the producer was told its record failed")
                .hasCauseInstanceOf(RecordingUnavailableException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> writer.backlog() == 0);
        writer.append(event("after")).get();

        List<String> payloads = store.log().read(ORIGIN, 0, 100).stream()
                .map(e -> ((Value.Str) TestEvents.decode(e.entry()).field("sql")).value())
                .toList();
        assertThat(payloads).doesNotHaveDuplicates().startsWith("before").endsWith("after");
        assertThat(payloads)
                .containsExactlyInAnyOrder("before", "waited", "be-0", "be-1", "be-2", "be-3", "be-4", "after");
        assertThat(payloads.stream().filter(p -> p.startsWith("be-")).toList())
                .containsExactly("be-0", "be-1", "be-2", "be-3", "be-4");
        assertThat(writer.failedBatches()).isEqualTo(1);
        assertThat(writer.written()).isEqualTo(payloads.size());
        assertThat(writer.commits())
                .as("'before', 'after', and any batch besides the lost one (which is not counted)")
                .isBetween(2L, (long) payloads.size() - 1);
        assertThat(writer.commitNanos()).isPositive();
        writer.close();
        StoreVerifier.Result verified =
                StoreVerifier.verify(store.log(), ORIGIN, NoteVerifier.parse(signer.verifierKey()));
        assertThat(verified.ok()).as(verified.summary()).isTrue();
    }

    @Test
    void aFullQueueRefusesRatherThanGrowing() throws Exception {
        log.appendDelayMillis = 300;
        LogWriter writer = writer(4);
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(writer.append(event("x" + i)));
        }
        long refused =
                futures.stream().filter(f -> f.isCompletedExceptionally()).count();
        assertThat(refused).isPositive();
        ExecutionException e =
                org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> futures.stream()
                        .filter(CompletableFuture::isCompletedExceptionally)
                        .findFirst()
                        .get()
                        .get());
        assertThat(e.getCause())
                .isInstanceOf(RecordingUnavailableException.class)
                .hasMessageContaining("queue is full");
        log.appendDelayMillis = 0;
        writer.close();
    }

    /** The backpressure signal: behind a slow store yes, behind a failing one no (best-effort keeps working). */
    @Test
    void bestEffortIsBehindWhileASlowStoreLagsButNotWhileTheStoreIsDown() {
        log.appendDelayMillis = 200;
        LogWriter writer = writer(16);
        assertThat(writer.bestEffortBehind()).isFalse();
        for (int i = 0; i < 12; i++) {
            writer.appendBestEffort(event("slow-" + i));
        }
        assertThat(writer.bestEffortBehind())
                .as("12 of 16 outstanding, store slow")
                .isTrue();
        log.appendDelayMillis = 0;
        await().atMost(Duration.ofSeconds(5)).until(() -> writer.backlog() == 0);
        assertThat(writer.bestEffortBehind()).as("drained").isFalse();

        log.down = true;
        for (int i = 0; i < 12; i++) {
            writer.appendBestEffort(event("down-" + i));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> writer.failedBatches() > 0);
        assertThat(writer.backlog()).isEqualTo(12);
        assertThat(writer.bestEffortBehind())
                .as("store down: no backpressure, best-effort runs on from the backlog")
                .isFalse();
        log.down = false;
        await().atMost(Duration.ofSeconds(5)).until(() -> writer.backlog() == 0);
        assertThat(store.log().size(ORIGIN)).isEqualTo(24);
        writer.close();
    }

    @Test
    void aBestEffortBacklogHasABoundToo() {
        LogWriter writer = writer(8);
        log.down = true;
        assertThatThrownBy(() -> {
                    for (int i = 0; i < 100; i++) {
                        writer.appendBestEffort(event("be-" + i));
                    }
                })
                .isInstanceOf(RecordingUnavailableException.class)
                .hasMessageContaining("backlog is full");
        log.down = false;
        writer.close();
    }

    @Test
    void reservedRoomIsHeldUntilUsedAndAReservationBeyondTheBacklogIsRefused() {
        LogWriter writer = writer(8);
        log.down = true;
        writer.reserveBestEffort(6);
        assertThatThrownBy(() -> writer.reserveBestEffort(3))
                .isInstanceOf(RecordingUnavailableException.class)
                .hasMessageContaining("backlog is full");
        assertThatThrownBy(() -> {
                    for (int i = 0; i < 3; i++) {
                        writer.appendBestEffort(event("other-" + i));
                    }
                })
                .as("only 2 of 8 are left for anyone else")
                .isInstanceOf(RecordingUnavailableException.class);
        for (int i = 0; i < 6; i++) {
            writer.appendReserved(event("reserved-" + i)); // never refused: its room was taken before
        }
        writer.releaseReserved(0);
        log.down = false;
        await().atMost(Duration.ofSeconds(5)).until(() -> writer.backlog() == 0);
        List<String> payloads = store.log().read(ORIGIN, 0, 100).stream()
                .map(e -> ((Value.Str) TestEvents.decode(e.entry()).field("sql")).value())
                .toList();
        assertThat(payloads)
                .containsExactly(
                        "other-0",
                        "other-1",
                        "reserved-0",
                        "reserved-1",
                        "reserved-2",
                        "reserved-3",
                        "reserved-4",
                        "reserved-5");
        writer.reserveBestEffort(8);
        writer.releaseReserved(8);
        assertThat(writer.backlog()).isZero();
        writer.close();
    }
}
