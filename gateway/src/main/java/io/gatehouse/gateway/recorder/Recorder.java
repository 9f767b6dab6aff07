package io.gatehouse.gateway.recorder;

import io.gatehouse.audit.Event;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where every event goes. The contract that makes Gatehouse fail-closed: {@link #append} returns a future
 * that completes with the event's index in the log only once the event is durable in the store; a caller
 * that must not act before its record exists (a fail-closed command, an admin change) waits for it with
 * {@link #appendDurably} and refuses to act when that throws.
 */
public interface Recorder {

    /** Queues an unsequenced event; the future completes with its log index once its batch has committed. */
    CompletableFuture<Long> append(Event draft);

    /**
     * Queues events that the caller waits for together (a pipeline of commands); the future completes once all
     * are durable, or exceptionally if one is not. A recorder may commit them in one group where one-by-one
     * {@link #append}s could cost a commit each. The default appends them one by one.
     */
    default CompletableFuture<Void> appendAll(List<Event> drafts) {
        CompletableFuture<?>[] futures = new CompletableFuture<?>[drafts.size()];
        for (int i = 0; i < futures.length; i++) {
            futures[i] = append(drafts.get(i));
        }
        return CompletableFuture.allOf(futures);
    }

    /**
     * Queues an event for a best-effort connection: the caller goes on at once; the event is still written,
     * and kept (bounded) while the store is down. Fails only when even that backlog is full.
     */
    void appendBestEffort(Event draft);

    /**
     * Reserves room in the best-effort backlog for {@code events} events that will be appended later with
     * {@link #appendReserved}: a best-effort statement records its one event after it ran (with its outcome),
     * so the room is taken before it is forwarded. Throws {@link RecordingUnavailableException} when the
     * backlog is full, reserving nothing. The default reserves nothing (and {@link #appendReserved} then may
     * fail like {@link #appendBestEffort}).
     */
    default void reserveBestEffort(int events) {}

    /** Queues a best-effort event whose room was reserved with {@link #reserveBestEffort}. */
    default void appendReserved(Event draft) {
        appendBestEffort(draft);
    }

    /** Gives back reserved room that will not be used. */
    default void releaseReserved(int events) {}

    /**
     * True while the best-effort backlog is over half full because the writer is behind a store that works:
     * best-effort sessions then pause reading their clients until it drains (backpressure) rather than run
     * into a full backlog and be refused. False while the store is failing: best-effort keeps working from the
     * bounded backlog then, as documented.
     */
    default boolean bestEffortBehind() {
        return false;
    }

    /**
     * Reports {@code commands} commands that were refused, not executed, because their record could not be made
     * durable in time (fail-closed). Counted for monitoring ({@code gatehouse_recorder_refused_commands_total});
     * the default counts nothing.
     */
    default void commandsRefused(int commands) {}

    /** Appends and waits until durable or the deadline passes; the usual way to honour fail-closed. */
    default long appendDurably(Event draft, Duration deadline) {
        CompletableFuture<Long> future = append(draft);
        try {
            return future.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new RecordingUnavailableException(
                    "the record was not durable within " + deadline.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RecordingUnavailableException unavailable) {
                throw unavailable;
            }
            throw new RecordingUnavailableException("the recording store failed: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RecordingUnavailableException("interrupted while waiting for the record", e);
        }
    }
}
