package io.gatehouse.gateway.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.Value;
import io.gatehouse.gateway.testing.TestEvents;
import io.gatehouse.store.StoreSettings;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The log writer as the gateway runs it on its embedded store: the commit journal in front of SQLite, and
 * producers that find the recorder idle committing their own waited-for events. Every {@link LogWriterTest}
 * (store down, lost commit replies, backlogs, concurrency) runs again this way, plus what is particular to it.
 */
class LogWriterCallerCommitsTest extends LogWriterTest {
    @Override
    StoreSettings settings() {
        return super.settings().withCommitJournal(true);
    }

    @Override
    boolean callerCommits() {
        return true;
    }

    /**
     * The writer thread wakes every few milliseconds while the log is active and may hold the commit lock
     * just then (the producer then wakes it, as without this option): so this counts, over ten statements,
     * how often the producer's own thread made the record durable. Without the option it never does (the
     * writer thread needs tens of microseconds to wake), with it nearly always.
     */
    @Test
    void aProducerThatFindsTheRecorderIdleCommitsOnItsOwnThreadAfterTheOutcomesQueuedBeforeIt() throws Exception {
        LogWriter writer = writer(1024);
        writer.append(event("first")).get();
        int doneOnReturn = 0;
        for (int i = 0; i < 10; i++) {
            writer.appendBestEffort(event("outcome " + i)); // queued, no wake-up: it goes with the next command
            CompletableFuture<Long> command = writer.append(event("command " + i));
            doneOnReturn += command.isDone() ? 1 : 0;
            command.get();
        }

        assertThat(doneOnReturn).as("commands durable when append returned").isGreaterThanOrEqualTo(8);
        List<String> expected = new java.util.ArrayList<>(List.of("first"));
        for (int i = 0; i < 10; i++) {
            expected.add("outcome " + i);
            expected.add("command " + i);
        }
        assertThat(payloads()).containsExactlyElementsOf(expected);
        writer.close();
    }

    @Test
    void aPipelineOfCommandsSharesOneCommit() throws Exception {
        LogWriter writer = writer(1024);
        writer.append(event("warm")).get();
        int oneCommitOnReturn = 0;
        for (int i = 0; i < 10; i++) {
            long commitsBefore = writer.commits();
            CompletableFuture<Void> all = writer.appendAll(List.of(event(i + ".1"), event(i + ".2"), event(i + ".3")));
            oneCommitOnReturn += all.isDone() && writer.commits() == commitsBefore + 1 ? 1 : 0;
            all.get();
        }

        assertThat(oneCommitOnReturn).isGreaterThanOrEqualTo(8);
        assertThat(payloads())
                .hasSize(31)
                .startsWith("warm", "0.1", "0.2", "0.3")
                .endsWith("9.1", "9.2", "9.3");
        writer.close();
    }

    /** Behind a slow disk a producer would hold its event loop for each commit: the writer thread takes them. */
    @Test
    void behindASlowStoreProducersLeaveTheCommitsToTheWriterThread() throws Exception {
        LogWriter writer = writer(1024);
        log.appendDelayMillis = 20;
        for (int i = 0; i < 3; i++) {
            writer.append(event("slow " + i)).get();
        }

        CompletableFuture<Long> next = writer.append(event("next"));

        assertThat(next)
                .as("queued for the writer thread, not committed by this one")
                .isNotDone();
        assertThat(next.get()).isEqualTo(3);
        log.appendDelayMillis = 0;
        writer.close();
    }

    /**
     * Several sessions asking for durable records one after another each find their record alone in the queue;
     * committing on their own threads would hold each one's event loop for a commit, so the writer thread
     * group-commits them. Once one session is alone again, it commits its own record again.
     */
    @Test
    void whileOtherSessionsAskForRecordsTheWriterThreadCommitsThenALoneSessionLeadsAgain() throws Exception {
        LogWriter writer = writer(1024);
        writer.append(event("s1", "a1")).get();
        writer.append(event("s2", "b1")).get(); // a second session: concurrency

        int doneOnReturn = 0;
        for (int i = 0; i < 10; i++) {
            CompletableFuture<Long> command = writer.append(event(i % 2 == 0 ? "s1" : "s2", "both " + i));
            doneOnReturn += command.isDone() ? 1 : 0;
            command.get();
        }
        assertThat(doneOnReturn)
                .as("commands committed by the producer while two sessions interleave")
                .isLessThanOrEqualTo(2);

        Thread.sleep(5); // longer than the quiet period: s2 has stopped
        for (int i = 0; i < 10; i++) {
            // a few commits first: the writer thread's group commits above may have lifted the average commit
            // time past the slow-disk limit on a busy machine, and it settles with the next ones
            writer.append(event("s1", "alone")).get();
        }
        int aloneDone = 0;
        for (int i = 0; i < 10; i++) {
            CompletableFuture<Long> command = writer.append(event("s1", "alone " + i));
            aloneDone += command.isDone() ? 1 : 0;
            command.get();
        }
        assertThat(aloneDone).as("commands committed by the lone producer").isGreaterThanOrEqualTo(8);
        assertThat(payloads()).hasSize(32).endsWith("alone 9");
        writer.close();
    }

    private List<String> payloads() {
        return store.log().read(ORIGIN, 0, 100).stream()
                .map(e -> ((Value.Str) TestEvents.decode(e.entry()).field("sql")).value())
                .toList();
    }
}
