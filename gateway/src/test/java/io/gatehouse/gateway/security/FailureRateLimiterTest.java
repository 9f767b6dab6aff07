package io.gatehouse.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class FailureRateLimiterTest {
    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private volatile Instant now = Instant.parse("2025-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final FailureRateLimiter limiter = new FailureRateLimiter(FailureRateLimiter.Policy.DEFAULT, clock);

    private void fail(String source, int times) {
        for (int i = 0; i < times; i++) {
            limiter.recordFailure(source);
        }
    }

    @Test
    void fiveFailuresPassAndTheSixthAttemptIsBlocked() {
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.check("10.0.0.1").allowed())
                    .as("attempt %d", i + 1)
                    .isTrue();
            limiter.recordFailure("10.0.0.1");
        }

        assertThat(limiter.check("10.0.0.1")).isEqualTo(new FailureRateLimiter.Blocked(Duration.ofMinutes(1)));
        assertThat(limiter.check("10.0.0.2").allowed()).isTrue();
    }

    @Test
    void unblockedAfterTheLockout() {
        fail("10.0.0.1", 5);
        clock.advance(Duration.ofSeconds(59));
        assertThat(limiter.check("10.0.0.1")).isEqualTo(new FailureRateLimiter.Blocked(Duration.ofSeconds(1)));

        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.check("10.0.0.1").allowed()).isTrue();
    }

    @Test
    void failuresSpreadBeyondTheWindowDoNotBlock() {
        fail("10.0.0.1", 4);
        clock.advance(Duration.ofMinutes(1));
        fail("10.0.0.1", 4);

        assertThat(limiter.check("10.0.0.1").allowed()).isTrue();
    }

    @Test
    void eachFurtherFailureDoublesTheLockoutUpToTheCap() {
        fail("10.0.0.1", 5);
        List<Duration> lockouts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            FailureRateLimiter.Decision decision = limiter.check("10.0.0.1");
            lockouts.add(((FailureRateLimiter.Blocked) decision).retryAfter());
            clock.advance(((FailureRateLimiter.Blocked) decision).retryAfter());
            assertThat(limiter.check("10.0.0.1").allowed()).isTrue();
            limiter.recordFailure("10.0.0.1");
        }

        assertThat(lockouts)
                .containsExactly(
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(2),
                        Duration.ofMinutes(4),
                        Duration.ofMinutes(8),
                        Duration.ofMinutes(15),
                        Duration.ofMinutes(15));
    }

    @Test
    void escalationIsForgottenAfterAQuietPeriod() {
        fail("10.0.0.1", 6); // locked for 2 minutes
        clock.advance(Duration.ofMinutes(2).plus(Duration.ofMinutes(15)));

        limiter.recordFailure("10.0.0.1");

        assertThat(limiter.check("10.0.0.1").allowed()).isTrue();
    }

    @Test
    void successClearsTheSource() {
        fail("10.0.0.1", 5);
        limiter.recordSuccess("10.0.0.1");

        assertThat(limiter.check("10.0.0.1").allowed()).isTrue();
        fail("10.0.0.1", 4);
        assertThat(limiter.check("10.0.0.1").allowed()).isTrue();
        assertThat(limiter.trackedSources()).isEqualTo(1);
    }

    @Test
    void memoryIsBoundedByEvictingTheLeastRecentlyUpdatedSource() {
        FailureRateLimiter small = new FailureRateLimiter(
                new FailureRateLimiter.Policy(
                        2, Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(15), 3),
                clock);
        small.recordFailure("a");
        small.recordFailure("a"); // a blocked
        small.recordFailure("b");
        small.recordFailure("b"); // b blocked
        small.recordFailure("c");
        small.recordFailure("a"); // a updated again: b is now the eldest
        small.recordFailure("d");

        assertThat(small.trackedSources()).isEqualTo(3);
        assertThat(small.check("a").allowed()).isFalse();
        assertThat(small.check("b").allowed()).isTrue(); // evicted
        for (int i = 0; i < 1000; i++) {
            small.recordFailure("spray-" + i);
        }
        assertThat(small.trackedSources()).isEqualTo(3);
    }

    @Test
    void concurrentFailuresAreAllCounted() throws Exception {
        int threads = 16;
        int perThread = 100;
        FailureRateLimiter counting = new FailureRateLimiter(
                new FailureRateLimiter.Policy(
                        threads * perThread,
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(15),
                        100_000),
                clock);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        // one failure short of the limit in total: thread 0 leaves one out
                        if (!(thread == 0 && i == 0)) {
                            counting.recordFailure("shared");
                        }
                        counting.recordFailure("own-" + thread);
                        counting.check("shared");
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(counting.check("shared").allowed()).isTrue();
        assertThat(counting.trackedSources()).isEqualTo(threads + 1);
        counting.recordFailure("shared");
        assertThat(counting.check("shared").allowed()).isFalse();
    }
}
