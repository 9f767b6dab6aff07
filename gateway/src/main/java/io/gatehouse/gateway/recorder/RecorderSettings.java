package io.gatehouse.gateway.recorder;

import java.time.Duration;

/**
 * Tuning of the log writer: queue capacity (also the best-effort backlog bound), batch size, checkpoints.
 *
 * @param callerCommits a producer that finds the writer idle commits its waited-for events itself, on its own
 *     thread, instead of waking the writer thread and waiting to be woken back ({@link LogWriter}); for a
 *     store whose commit is local and short (the embedded store's commit journal), not for one across a
 *     network, which would hold the producer's thread (an event loop) for a round trip.
 */
public record RecorderSettings(
        int queueCapacity, int batchLimit, Duration checkpointInterval, Duration deadline, boolean callerCommits) {
    public RecorderSettings {
        if (queueCapacity <= 0 || batchLimit <= 0) {
            throw new IllegalArgumentException(
                    "queue capacity and batch limit must be positive, got " + queueCapacity + " and " + batchLimit);
        }
    }

    public RecorderSettings(int queueCapacity, int batchLimit, Duration checkpointInterval, Duration deadline) {
        this(queueCapacity, batchLimit, checkpointInterval, deadline, false);
    }

    public static RecorderSettings defaults() {
        return new RecorderSettings(65_536, 1024, Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    public RecorderSettings withCallerCommits(boolean enabled) {
        return new RecorderSettings(queueCapacity, batchLimit, checkpointInterval, deadline, enabled);
    }
}
