package io.gatehouse.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.store.LogEntry;
import io.gatehouse.store.Store;
import io.gatehouse.store.StoreCorruptException;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreSettings;
import io.gatehouse.store.TreeNode;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit journal in front of the embedded store's log: what it makes durable, what it replays after a
 * crash, what it refuses. The store contract through it is {@code JournaledSqliteStoreTest}; a real
 * gateway killed with SIGKILL while the journal is ahead of SQLite is {@code GatewayKillTest}.
 */
class JournaledLogRepositoryTest {
    private static final String ORIGIN = "gatehouse/test";

    @TempDir
    Path directory;

    private Path file() {
        return directory.resolve("gatehouse.db");
    }

    private Store open(boolean journal) {
        Store store = Store.open(StoreSettings.sqlite(file()).withPoolSize(2).withCommitJournal(journal));
        store.log().createIfAbsent(ORIGIN);
        return store;
    }

    @Test
    void anAppendIsDurableInTheJournalBeforeSqliteHasItAndIsAppliedAfterACrash() throws Exception {
        Store store = open(true);
        JournaledLogRepository log = (JournaledLogRepository) store.log();
        log.pauseApplier(true);
        log.append(ORIGIN, entries(0, 5), List.of());
        log.append(ORIGIN, entries(5, 3), List.of());

        assertThat(rowsInSqlite())
                .as("SQLite has nothing yet: the journal alone holds the appends")
                .isZero();
        assertThat(store.journalBehind()).isEqualTo(2);
        assertThat(store.journalApplying()).isTrue();
        log.abandon(); // the process dies here
        store.close();
        assertThat(rowsInSqlite()).isZero();

        try (Store reopened = open(true)) {
            assertThat(reopened.log().size(ORIGIN)).isEqualTo(8);
            assertThat(reopened.log().read(ORIGIN, 0, 100)).containsExactlyElementsOf(entries(0, 8));
        }
        assertThat(rowsInSqlite()).isEqualTo(8);
        assertThat(chainAtOpen()).as("replayed, synced and emptied").isEmpty();
    }

    /** SQLite's write lock held by someone else: the applier fails (after SQLite's 5 s busy timeout). */
    @Test
    void whileSqliteRefusesTheApplierAppendsStayDurableReadsFailFastAndAllIsAppliedOnceItTakesWrites()
            throws Exception {
        try (Store store = open(true)) {
            JournaledLogRepository log = (JournaledLogRepository) store.log();
            try (Connection blocker = DriverManager.getConnection("jdbc:sqlite:" + file())) {
                blocker.createStatement().execute("BEGIN IMMEDIATE");
                log.append(ORIGIN, entries(0, 3), List.of());
                waitUntil(() -> !store.journalApplying());
                log.append(ORIGIN, entries(3, 2), List.of()); // appends go on, durable in the journal

                assertThat(store.journalBehind()).isEqualTo(2);
                assertThatThrownBy(() -> log.size(ORIGIN))
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining("the store is not taking writes")
                        .hasMessageContaining("2 appends wait in its commit journal");
                blocker.createStatement().execute("ROLLBACK");
            }
            waitUntil(store::journalApplying);
            assertThat(log.read(ORIGIN, 0, 10)).containsExactlyElementsOf(entries(0, 5));
            assertThat(store.journalBehind()).isZero();
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void readsWaitForTheApplierSoTheySeeEveryAppendThatReturned() {
        try (Store store = open(true)) {
            JournaledLogRepository log = (JournaledLogRepository) store.log();
            log.pauseApplier(true);
            log.append(ORIGIN, entries(0, 4), List.of(node(2, 0)));
            Thread release = Thread.ofVirtual().start(() -> {
                sleep(300);
                log.pauseApplier(false);
            });
            long started = System.nanoTime();
            assertThat(log.size(ORIGIN)).isEqualTo(4);
            assertThat((System.nanoTime() - started) / 1_000_000)
                    .as("waited for the applier")
                    .isGreaterThan(200);
            assertThat(log.node(ORIGIN, 2, 0))
                    .hasValueSatisfying(h -> assertThat(h).isEqualTo(node(2, 0).hash()));
            join(release);
        }
    }

    @Test
    void aTornLastRecordIsNotReplayedAndTheRecordsBeforeItAre() throws Exception {
        crashWithOnlyTheJournalHolding(entries(0, 3), entries(3, 3));
        // records start on 4 KiB pages after the 4 KiB header: the second is at 8192; damage its last bytes
        try (FileChannel channel = FileChannel.open(journalFile(), StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(8);
            channel.read(head, 2 * CommitJournal.PAGE);
            int length = head.flip().getInt(4);
            channel.write(ByteBuffer.wrap(new byte[] {0x55, 0x55}), 2 * CommitJournal.PAGE + 16 + length - 1);
        }

        try (Store reopened = open(true)) {
            assertThat(reopened.log().read(ORIGIN, 0, 100)).containsExactlyElementsOf(entries(0, 3));
            reopened.log().append(ORIGIN, entries(3, 2), List.of()); // the log goes on from there
            assertThat(reopened.log().size(ORIGIN)).isEqualTo(5);
        }
    }

    @Test
    void aStoreOpenedWithoutTheJournalAppliesWhatAStoppedGatewayLeftInIt() throws Exception {
        crashWithOnlyTheJournalHolding(entries(0, 4));

        try (Store tool = open(false)) { // `gatehouse audit verify --data DIR` after a crash, say
            assertThat(tool.log().read(ORIGIN, 0, 10)).containsExactlyElementsOf(entries(0, 4));
        }
        assertThat(chainAtOpen()).isEmpty();
    }

    @Test
    void aStoreOpenedWithoutTheJournalLeavesItToTheGatewayThatHoldsIt() throws Exception {
        try (Store gateway = open(true)) {
            JournaledLogRepository log = (JournaledLogRepository) gateway.log();
            log.pauseApplier(true);
            log.append(ORIGIN, entries(0, 4), List.of());
            try (Store tool = open(false)) {
                assertThat(tool.log().size(ORIGIN))
                        .as("not applied behind the gateway's back")
                        .isZero();
            }
            log.pauseApplier(false);
            assertThat(gateway.log().size(ORIGIN)).isEqualTo(4);
        }
        assertThat(rowsInSqlite()).isEqualTo(4);
    }

    @Test
    void aJournalThatDisagreesWithTheStoreStopsTheOpen() throws Exception {
        crashWithOnlyTheJournalHolding(entries(0, 5));
        // the store file is replaced by another store whose log holds other events at the same positions
        Path other = directory.resolve("other/gatehouse.db");
        try (Store foreign = Store.open(StoreSettings.sqlite(other).withPoolSize(2))) {
            foreign.log().createIfAbsent(ORIGIN);
            foreign.log().append(ORIGIN, otherEntries(0, 5), List.of());
        }
        deleteStoreFiles();
        java.nio.file.Files.copy(other, file());

        assertThatThrownBy(() -> open(true))
                .isInstanceOf(StoreCorruptException.class)
                .hasMessageContaining("commit journal " + journalFile())
                .hasMessageContaining("disagree: event 4 of log '" + ORIGIN + "' differs from the store's");
    }

    @Test
    void aJournalOfALogTheStoreDoesNotHaveStopsTheOpen() {
        Store store = open(true);
        JournaledLogRepository log = (JournaledLogRepository) store.log();
        log.append(ORIGIN, entries(0, 5), List.of());
        assertThat(log.size(ORIGIN)).isEqualTo(5); // applied
        log.pauseApplier(true);
        log.append(ORIGIN, entries(5, 5), List.of());
        log.abandon();
        store.close();
        deleteStoreFiles(); // the store is replaced by an empty one of the same name, the journal kept

        assertThatThrownBy(() -> open(true))
                .isInstanceOf(StoreCorruptException.class)
                .hasMessageContaining("events of log '" + ORIGIN + "', which the store does not have");
    }

    @Test
    void aSecondOpenOfTheSameStoreIsRefusedWhileTheFirstHoldsTheJournal() {
        try (Store first = open(true)) {
            assertThatThrownBy(() -> Store.open(StoreSettings.sqlite(file()).withCommitJournal(true)))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("is locked by another process: is another gateway running on this store?");
            assertThat(first.log().size(ORIGIN)).isZero();
        }
    }

    @Test
    void appendsAreCheckedAgainstTheJournaledSizeAsTheStoreChecksThem() {
        try (Store store = open(true)) {
            JournaledLogRepository log = (JournaledLogRepository) store.log();
            log.pauseApplier(true);
            log.append(ORIGIN, entries(0, 3), List.of());
            assertThatThrownBy(() -> log.append(ORIGIN, entries(2, 2), List.of()))
                    .isInstanceOf(StoreException.class)
                    .hasMessage("log '" + ORIGIN + "': append at index 2 but the log has 3 events");
            assertThatThrownBy(() -> log.append(ORIGIN, entries(3, 1), List.of(node(3, 0))))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("covers events up to 8 but the log has 4 events");
            assertThatThrownBy(() -> log.append("gatehouse/none", entries(0, 1), List.of()))
                    .hasMessage("no log with origin 'gatehouse/none'");
            log.pauseApplier(false);
            assertThat(log.read(ORIGIN, 0, 10)).containsExactlyElementsOf(entries(0, 3));
        }
    }

    @Test
    void aFullJournalStartsOverOnceTheStoreHasAppliedAndSyncedIt() throws Exception {
        long journalBytes = CommitJournal.PAGE + 2L * CommitJournal.CHUNK; // 512 one-page records
        int batches = 1_300;
        try (Store store = StoreOpener.open(
                StoreSettings.sqlite(file()).withPoolSize(2).withCommitJournal(true),
                Clock.systemUTC(),
                journalBytes)) {
            store.log().createIfAbsent(ORIGIN);
            for (int i = 0; i < batches; i++) {
                store.log().append(ORIGIN, entries(2L * i, 2), List.of());
            }
            assertThat(store.log().size(ORIGIN)).isEqualTo(2L * batches);
            assertThat(journalFile().toFile().length())
                    .as("never grew past its size")
                    .isEqualTo(journalBytes);
        }
        try (Store reopened = open(true)) {
            assertThat(reopened.log().read(ORIGIN, 0, 3 * batches)).containsExactlyElementsOf(entries(0, 2 * batches));
        }
    }

    @Test
    void anAppendLargerThanTheWholeJournalGoesStraightToTheStoreInOrder() {
        long journalBytes = CommitJournal.PAGE + 2L * CommitJournal.CHUNK;
        try (Store store = StoreOpener.open(
                StoreSettings.sqlite(file()).withPoolSize(2).withCommitJournal(true),
                Clock.systemUTC(),
                journalBytes)) {
            store.log().createIfAbsent(ORIGIN);
            store.log().append(ORIGIN, entries(0, 2), List.of());
            List<LogEntry> big = new ArrayList<>();
            byte[] payload = new byte[3 * CommitJournal.CHUNK];
            big.add(new LogEntry(2, hash("leaf", 2), payload, "s", "command", 2));
            store.log().append(ORIGIN, big, List.of());
            store.log().append(ORIGIN, entries(3, 2), List.of());
            assertThat(store.log().read(ORIGIN, 0, 10))
                    .extracting(LogEntry::index)
                    .containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(store.log().read(ORIGIN, 2, 1).get(0).entry()).hasSize(payload.length);
        }
    }

    @Test
    void aFileThatIsNotAJournalIsNotTouched() throws Exception {
        java.nio.file.Files.writeString(journalFile(), "something else entirely, and long enough".repeat(200));
        assertThatThrownBy(() -> Store.open(StoreSettings.sqlite(file()).withCommitJournal(true)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is not a Gatehouse commit journal");
        assertThat(java.nio.file.Files.readString(journalFile())).startsWith("something else entirely");
    }

    /** Journals the appends with the applier held, then stops as a crash would: SQLite has none of them. */
    @SafeVarargs
    private void crashWithOnlyTheJournalHolding(List<LogEntry>... appends) {
        Store store = open(true);
        JournaledLogRepository log = (JournaledLogRepository) store.log();
        log.pauseApplier(true);
        for (List<LogEntry> entries : appends) {
            log.append(ORIGIN, entries, List.of());
        }
        log.abandon();
        store.close();
    }

    private void deleteStoreFiles() {
        for (String suffix : new String[] {"", "-wal", "-shm", ".index", ".index-wal", ".index-shm"}) {
            file().resolveSibling(file().getFileName() + suffix).toFile().delete();
        }
    }

    private Path journalFile() {
        return StoreOpener.journalFile(file());
    }

    private List<byte[]> chainAtOpen() {
        try (CommitJournal journal = CommitJournal.open(journalFile(), JournaledLogRepository.DEFAULT_MAX_BYTES)) {
            return journal.recordsAtOpen();
        }
    }

    private long rowsInSqlite() throws SQLException {
        try (Connection sql = DriverManager.getConnection("jdbc:sqlite:" + file());
                ResultSet rows = sql.createStatement().executeQuery("SELECT count(*) FROM log_entries")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static List<LogEntry> entries(long from, int count) {
        return LongStream.range(from, from + count)
                .mapToObj(i -> new LogEntry(
                        i,
                        hash("leaf", i),
                        ("{\"seq\":" + i + "}").getBytes(StandardCharsets.UTF_8),
                        i % 2 == 0 ? "s" + i : null,
                        "command",
                        1_790_000_000_000_000L + i))
                .toList();
    }

    private static List<LogEntry> otherEntries(long from, int count) {
        return LongStream.range(from, from + count)
                .mapToObj(i -> new LogEntry(
                        i,
                        hash("other", i),
                        ("{\"other\":" + i + "}").getBytes(StandardCharsets.UTF_8),
                        null,
                        "command",
                        i))
                .toList();
    }

    private static TreeNode node(int level, long index) {
        return new TreeNode(level, index, hash("node" + level, index));
    }

    private static byte[] hash(String what, long index) {
        try {
            return MessageDigest.getInstance("SHA-256").digest((what + index).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
