package io.gatehouse.gateway.recorder;

import java.time.Duration;

/** Tuning of the log writer: queue capacity (also the best-effort backlog bound), batch size, checkpoints. */
public record RecorderSettings(int queueCapacity, int batchLimit, Duration checkpointInterval, Duration deadline) {
    public RecorderSettings {
        if (queueCapacity <= 0 || batchLimit <= 0) {
            throw new IllegalArgumentException(
                    "queue capacity and batch limit must be positive, got " + queueCapacity + " and " + batchLimit);
        }
    }

    public static RecorderSettings defaults() {
        return new RecorderSettings(65_536, 1024, Duration.ofSeconds(1), Duration.ofSeconds(2));
    }
}
