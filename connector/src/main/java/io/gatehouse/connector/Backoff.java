package io.gatehouse.connector;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential from {@code initial}, capped at {@code max}, with "equal jitter" (half the
 * delay fixed, half random) so that many connectors cut off by the same gateway restart do not all come
 * back in the same instant, while none retries in a tight loop.
 */
final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final RandomGenerator random;
    private int attempt;

    Backoff(Duration initial, Duration max, RandomGenerator random) {
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /** The delay before the next attempt; each call doubles the ceiling until {@code max}. */
    Duration next() {
        long ceiling = initial.toMillis() << Math.min(attempt, 20);
        ceiling = Math.min(ceiling, max.toMillis());
        attempt++;
        long half = ceiling / 2;
        return Duration.ofMillis(half + random.nextLong(half + 1));
    }

    /** After a successful connection: the next failure starts from {@code initial} again. */
    void reset() {
        attempt = 0;
    }
}
