package io.gatehouse.gateway.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Limits failed authentications per source (a client IP address in text form).
 *
 * <p>Rules, checked by the tests:
 *
 * <ul>
 *   <li>Up to {@code maxFailures} failures within {@code window} of the first one pass; the
 *       failure that reaches {@code maxFailures} locks the source for {@code firstLockout}.
 *   <li>Every further failure (recorded after or during a lockout) doubles the lockout, up to
 *       {@code maxLockout}. The escalation is forgotten once the source has been quiet for {@code
 *       maxLockout} after its lockout ended; otherwise an attacker could wait out one lockout and
 *       start over at the first step.
 *   <li>A success clears the source.
 *   <li>Refusals of a locked-out source are counted ({@link #refused}) so that the caller records the first
 *       one and then at most one per {@link #REFUSAL_RECORD_INTERVAL}, each record carrying how many
 *       refusals it stands for: an attacker retrying in a loop is still on the record, but cannot turn every
 *       attempt into an audit event (10,000 attempts would otherwise be 10,000 events).
 * </ul>
 *
 * <p>Memory is bounded: at most {@code maxTrackedSources} sources are tracked; when a new one
 * arrives, the one updated least recently is dropped. An attacker with that many addresses can
 * flush a lockout early, but such an attacker is not slowed by a per-address limit anyway; the
 * bound keeps a spray of spoofed sources from exhausting the heap.
 *
 * <p>Thread-safety: one lock guards the map. Each call does O(1) work under it, and the limiter is
 * consulted once per authentication, not per byte, so contention is not a concern.
 */
public final class FailureRateLimiter {

    /** The limiter's settings. */
    public record Policy(
            int maxFailures, Duration window, Duration firstLockout, Duration maxLockout, int maxTrackedSources) {
        public static final Policy DEFAULT =
                new Policy(5, Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(15), 100_000);

        public Policy {
            if (maxFailures < 1) {
                throw new IllegalArgumentException("maxFailures is " + maxFailures + "; expected at least 1");
            }
            requirePositive("window", window);
            requirePositive("firstLockout", firstLockout);
            requirePositive("maxLockout", maxLockout);
            if (maxLockout.compareTo(firstLockout) < 0) {
                throw new IllegalArgumentException(
                        "maxLockout " + maxLockout + " is shorter than firstLockout " + firstLockout);
            }
            if (maxTrackedSources < 1) {
                throw new IllegalArgumentException(
                        "maxTrackedSources is " + maxTrackedSources + "; expected at least 1");
            }
        }

        private static void requirePositive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " is " + value + "; expected a positive duration");
            }
        }
    }

    /** Whether a source may attempt to authenticate now. */
    public sealed interface Decision permits Allowed, Blocked {
        default boolean allowed() {
            return this instanceof Allowed;
        }
    }

    /** The source may try. */
    public record Allowed() implements Decision {}

    /** The source is locked out; it may try again after {@code retryAfter}. */
    public record Blocked(Duration retryAfter) implements Decision {}

    private static final Allowed ALLOWED = new Allowed();

    /** At most one recorded refusal per locked-out source in this interval (see {@link #refused}). */
    public static final Duration REFUSAL_RECORD_INTERVAL = Duration.ofSeconds(10);

    /** Mutable per-source state; only touched under the limiter's lock. */
    private static final class SourceState {
        int failures;
        Instant windowStart;
        Instant lockedUntil = Instant.MIN;
        long unrecordedRefusals;
        Instant lastRecordedRefusal = Instant.MIN;

        SourceState(Instant now) {
            windowStart = now;
        }
    }

    private final Policy policy;
    private final Clock clock;
    private final LinkedHashMap<String, SourceState> sources;

    public FailureRateLimiter() {
        this(Policy.DEFAULT, Clock.systemUTC());
    }

    public FailureRateLimiter(Policy policy, Clock clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        // Insertion order, re-inserted on every update: the eldest entry is the least recently updated.
        this.sources = new LinkedHashMap<>();
    }

    public Policy policy() {
        return policy;
    }

    /** Whether {@code source} may attempt to authenticate now. */
    public Decision check(String source) {
        Instant now = clock.instant();
        synchronized (sources) {
            SourceState state = sources.get(source);
            if (state == null || !now.isBefore(state.lockedUntil)) {
                return ALLOWED;
            }
            return new Blocked(Duration.between(now, state.lockedUntil));
        }
    }

    /** Records a failed authentication from {@code source}. */
    public void recordFailure(String source) {
        Instant now = clock.instant();
        synchronized (sources) {
            SourceState state = sources.remove(source);
            if (state == null || forgotten(state, now)) {
                state = new SourceState(now);
            }
            state.failures++;
            if (state.failures >= policy.maxFailures()) {
                state.lockedUntil = now.plus(lockout(state.failures - policy.maxFailures()));
            }
            sources.put(source, state);
            evictBeyondBound();
        }
    }

    /**
     * Counts one attempt of {@code source} refused because it is locked out ({@link #check} said Blocked).
     * Returns how many refusals (this one included) a record made now should stand for, or 0 when this
     * refusal is left to a later record: the first refusal is recorded, then at most one per {@link
     * #REFUSAL_RECORD_INTERVAL}.
     */
    public long refused(String source) {
        Instant now = clock.instant();
        synchronized (sources) {
            SourceState state = sources.get(source);
            if (state == null) {
                return 1; // forgotten meanwhile (evicted): record it alone
            }
            state.unrecordedRefusals++;
            if (now.isBefore(state.lastRecordedRefusal.plus(REFUSAL_RECORD_INTERVAL))) {
                return 0;
            }
            state.lastRecordedRefusal = now;
            long refusals = state.unrecordedRefusals;
            state.unrecordedRefusals = 0;
            return refusals;
        }
    }

    /** Records a successful authentication from {@code source}: its failures are forgotten. */
    public void recordSuccess(String source) {
        synchronized (sources) {
            sources.remove(source);
        }
    }

    /** How many sources are tracked now (never more than {@link Policy#maxTrackedSources()}). */
    public int trackedSources() {
        synchronized (sources) {
            return sources.size();
        }
    }

    private boolean forgotten(SourceState state, Instant now) {
        if (state.failures < policy.maxFailures()) {
            // Not yet locked: a plain fixed window counted from the first failure.
            return !now.isBefore(state.windowStart.plus(policy.window()));
        }
        return !now.isBefore(state.lockedUntil.plus(policy.maxLockout()));
    }

    /** {@code firstLockout * 2^escalations}, saturating at {@code maxLockout}. */
    private Duration lockout(int escalations) {
        Duration lockout = policy.firstLockout();
        for (int i = 0; i < escalations && lockout.compareTo(policy.maxLockout()) < 0; i++) {
            lockout = lockout.multipliedBy(2);
        }
        return lockout.compareTo(policy.maxLockout()) > 0 ? policy.maxLockout() : lockout;
    }

    private void evictBeyondBound() {
        Iterator<Map.Entry<String, SourceState>> eldest = sources.entrySet().iterator();
        while (sources.size() > policy.maxTrackedSources() && eldest.hasNext()) {
            eldest.next();
            eldest.remove();
        }
    }
}
