package io.gatehouse.gateway.pg;

import static io.gatehouse.gateway.pg.PgFixture.number;
import static io.gatehouse.gateway.pg.PgFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.gateway.security.FailureRateLimiter;
import io.gatehouse.gateway.testing.NettyLeakCheck;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile clients against the PostgreSQL listener (issue 7, part 5). Each attack must end in an
 * ErrorResponse with a fitting SQLSTATE or a cut connection, never in a hang; an event is recorded (a
 * {@code blocked} event before a session exists, {@code session.end} after); and a well-behaved client
 * ({@link WellBehavedClient}) is served throughout. Netty's leak detector runs at PARANOID for the class.
 */
@ExtendWith(NettyLeakCheck.class)
class PgHostileClientsTest {
    /** The SQLSTATEs a refused hostile client may see (PostgreSQL docs, Appendix A). */
    private static final Set<String> FITTING = Set.of(
            PgErrors.PROTOCOL_VIOLATION,
            PgErrors.TOO_LARGE,
            PgErrors.CONNECTION_FAILURE,
            PgErrors.FEATURE_NOT_SUPPORTED,
            PgErrors.INVALID_AUTHORIZATION);

    @TempDir
    static Path dir;

    static PgFixture pg;

    @BeforeAll
    static void start() {
        pg = new PgFixture(
                dir,
                EmbeddedPostgresServer.shared(),
                Map.of(ConfigKey.PG_STARTUP_TIMEOUT, "2s", ConfigKey.PG_MAX_MESSAGE_SIZE, "64KiB"));
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    private enum Phase {
        BEFORE_STARTUP,
        DURING_AUTHENTICATION,
        AFTER_LOGIN
    }

    @Test
    void randomBytesInEveryPhaseGetAProtocolErrorOrACutAndAreRecorded() throws Exception {
        try (WellBehavedClient client = WellBehavedClient.start(pg)) {
            client.awaitServed(3);
            for (Phase phase : Phase.values()) {
                List<RawPgClient.Answer> answers = new ArrayList<>();
                for (int seed = 0; seed < 12; seed++) {
                    Random random = new Random(phase.name().hashCode() * 100L + seed);
                    byte[] garbage = new byte[1 + random.nextInt(2000)];
                    random.nextBytes(garbage);
                    try (RawPgClient raw = RawPgClient.connect(pg.pgPort())) {
                        enter(raw, phase);
                        raw.send(garbage);
                        raw.shutdownOutput();
                        raw.readTimeout(15_000); // beyond the 2 s start-up timeout: no answer and no close = hang
                        RawPgClient.Answer answer = raw.awaitErrorOrClose();
                        if (!answer.closed()) {
                            assertThat(raw.closedAfterward())
                                    .as("closed after the error")
                                    .isTrue();
                        }
                        answers.add(answer);
                    }
                }
                assertThat(answers)
                        .as(phase + ": every answer is a fitting error or a close")
                        .allSatisfy(a -> {
                            if (!a.closed()) {
                                assertThat(a.sqlState()).isIn(FITTING);
                            }
                        });
                assertThat(answers)
                        .as(phase + ": most garbage is answered with an error, not just dropped")
                        .filteredOn(a -> !a.closed())
                        .hasSizeGreaterThan(answers.size() / 2);
            }
            client.assertServedThroughout();
        }
        awaitEverySessionEnded();
        assertThat(pg.events(EventKind.BLOCKED).stream().map(e -> text(e, "reason")))
                .anySatisfy(reason -> assertThat(reason).startsWith("protocol violation"));
    }

    @Test
    void lengthsBeyondTheLimitsAreRefusedWith54000Or08P01InEveryPhase() throws Exception {
        try (WellBehavedClient client = WellBehavedClient.start(pg)) {
            client.awaitServed(3);
            // Start-up packet: a length beyond the message limit, then one below the 8-byte minimum.
            assertThat(answerTo(Phase.BEFORE_STARTUP, int32(Integer.MAX_VALUE)).sqlState())
                    .isEqualTo(PgErrors.TOO_LARGE);
            assertThat(answerTo(Phase.BEFORE_STARTUP, int32(3)).sqlState()).isEqualTo(PgErrors.PROTOCOL_VIOLATION);
            // SASL response of 2 GiB: refused as too large before any of it is buffered.
            RawPgClient.Answer sasl = answerTo(Phase.DURING_AUTHENTICATION, header('p', Integer.MAX_VALUE));
            assertThat(sasl.sqlState()).isEqualTo(PgErrors.TOO_LARGE);
            // A Query of 2 GiB after login, and a message whose length is shorter than its own length field.
            RawPgClient.Answer query = answerTo(Phase.AFTER_LOGIN, header('Q', Integer.MAX_VALUE));
            assertThat(query.sqlState()).isEqualTo(PgErrors.TOO_LARGE);
            assertThat(query.message()).contains("exceeds the gateway's limit of 65536");
            assertThat(answerTo(Phase.AFTER_LOGIN, header('Q', 2)).sqlState()).isEqualTo(PgErrors.PROTOCOL_VIOLATION);
            client.assertServedThroughout();
        }
        awaitEverySessionEnded();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(pg.events(EventKind.SESSION_END).stream().map(e -> text(e, "reason")))
                    .anySatisfy(r -> assertThat(r).contains("exceeds the gateway's limit of 65536"));
            assertThat(pg.events(EventKind.BLOCKED).stream().map(e -> text(e, "sqlstate")))
                    .contains(PgErrors.TOO_LARGE, PgErrors.PROTOCOL_VIOLATION);
        });
    }

    @Test
    void slowlorisStartupPacketsAreCutAtTheStartupTimeoutWhileOthersAreServed() throws Exception {
        int attackers = 20;
        byte[] startup = RawPgClient.startupMessage("devin", "pg-test");
        long blockedBefore = timedOutStartups();
        try (WellBehavedClient client = WellBehavedClient.start(pg)) {
            client.awaitServed(3);
            List<RawPgClient> slow = new ArrayList<>();
            for (int i = 0; i < attackers; i++) {
                slow.add(RawPgClient.connect(pg.pgPort()));
            }
            long start = System.nanoTime();
            // One byte of the start-up packet every 250 ms from each: it would take 10 s to complete.
            Thread drip = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < startup.length - 1; i++) {
                    for (RawPgClient raw : slow) {
                        try {
                            raw.send(new byte[] {startup[i]});
                        } catch (IOException cut) {
                            // expected once the gateway has cut it
                        }
                    }
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            for (RawPgClient raw : slow) {
                raw.readTimeout(15_000);
                RawPgClient.Answer answer = raw.awaitErrorOrClose();
                assertThat(answer.sqlState()).isEqualTo(PgErrors.CONNECTION_FAILURE);
                assertThat(answer.message()).isEqualTo("start-up did not finish within 2 s");
                assertThat(raw.closedAfterward()).isTrue();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took)
                    .as("cut after the 2 s start-up timeout, not before")
                    .isGreaterThan(Duration.ofSeconds(2));
            assertThat(took).as("no hang").isLessThan(Duration.ofSeconds(15));
            drip.interrupt();
            drip.join();
            for (RawPgClient raw : slow) {
                raw.close();
            }
            client.assertServedThroughout();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(timedOutStartups() - blockedBefore)
                .isGreaterThanOrEqualTo(attackers));
    }

    @Test
    void tenThousandFailedLoginsFromOneAddressAreLockedOutAndRecordedWithoutFloodingTheLog() throws Exception {
        InetAddress attacker = InetAddress.getByName("127.0.0.2");
        String wrong = "gh_" + "x".repeat(43);
        Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        int attempts = 10_000;
        long start = System.nanoTime();
        try (WellBehavedClient client = WellBehavedClient.start(pg)) {
            client.awaitServed(3);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                AtomicInteger next = new AtomicInteger();
                for (int t = 0; t < 4; t++) {
                    done.add(pool.submit(() -> {
                        while (next.getAndIncrement() < attempts) {
                            try (RawPgClient raw = RawPgClient.connect(pg.pgPort(), attacker)) {
                                RawPgClient.Answer a = raw.login("devin", "pg-test", wrong);
                                String state = a == null ? "logged in" : a.closed() ? "closed" : a.sqlState();
                                answers.computeIfAbsent(state, k -> new AtomicInteger())
                                        .incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            // The lockout is per address: the well-behaved client (127.0.0.1) was served all along.
            client.assertServedThroughout();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Map<String, Integer> counts = answers.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
        int wrongPassword = counts.getOrDefault(PgErrors.INVALID_PASSWORD, 0);
        int lockedOut = counts.getOrDefault(PgErrors.TOO_MANY, 0);
        assertThat(counts.keySet()).as(counts.toString()).containsOnly(PgErrors.INVALID_PASSWORD, PgErrors.TOO_MANY);
        // 5 failures lock the address; a few more may be in flight on the 4 threads when the lock lands.
        assertThat(wrongPassword).isBetween(5, 5 + 4);
        assertThat(wrongPassword + lockedOut).isEqualTo(attempts);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<Event> fromAttacker = pg.events(EventKind.BLOCKED).stream()
                    .filter(e -> "127.0.0.2".equals(text(e, "source")))
                    .toList();
            assertThat(fromAttacker.stream().filter(e -> PgErrors.INVALID_PASSWORD.equals(text(e, "sqlstate"))))
                    .hasSize(wrongPassword);
            List<Event> refusals = fromAttacker.stream()
                    .filter(e -> PgErrors.TOO_MANY.equals(text(e, "sqlstate")))
                    .toList();
            // The first refusal, then at most one per REFUSAL_RECORD_INTERVAL, each counting what it stands for.
            long intervals = took.toMillis() / FailureRateLimiter.REFUSAL_RECORD_INTERVAL.toMillis() + 1;
            assertThat(refusals).hasSizeBetween(1, (int) intervals + 1);
            assertThat(number(refusals.get(0), "refused")).isEqualTo(1L);
            long counted =
                    refusals.stream().mapToLong(e -> number(e, "refused")).sum();
            assertThat(counted).isBetween((long) refusals.size(), (long) lockedOut);
            figure("failed logins: " + attempts + " attempts in " + took.toMillis() + " ms: " + counts
                    + "; blocked events 28P01=" + wrongPassword + ", 53300=" + refusals.size() + " standing for "
                    + counted + " refusals");
        });
        assertThat(pg.events().stream().map(Event::toString)).noneMatch(s -> s.contains(wrong));
    }

    @Test
    void aClientThatStopsReadingALargeResultHoldsBoundedGatewayMemoryAndTheDatabaseWaits() throws Exception {
        String marker = "/* never read */";
        try (WellBehavedClient client = WellBehavedClient.start(pg)) {
            client.awaitServed(3);
            long before = gatewayMemory();
            try (RawPgClient raw = RawPgClient.connect(pg.pgPort())) {
                assertThat(raw.login("devin", "pg-test", pg.token)).isNull();
                // About 1 GB of rows; the client reads none of them.
                raw.send(RawPgClient.query("select repeat('x', 1000) from generate_series(1, 1000000) " + marker));
                // Backpressure reaches the database: its backend blocks writing to the gateway (wait event
                // ClientWrite) instead of the gateway buffering the result.
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(200))
                        .untilAsserted(
                                () -> assertThat(backendWaitEvent(marker)).isEqualTo("ClientWrite"));
                long during = gatewayMemory();
                client.awaitServed(5); // others are served while that session is stuck
                long later = gatewayMemory();
                figure("unread result: gateway memory before " + (before >> 20) + " MiB, while stuck " + (during >> 20)
                        + " / " + (later >> 20) + " MiB");
                assertThat(Math.max(during, later) - before)
                        .as("gateway memory held for the unread result (bytes)")
                        .isLessThan(64L << 20);
            }
            client.assertServedThroughout();
        }
        // The client left: the session ends on the record and its database backend goes away.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(backendWaitEvent(marker)).isNull();
            assertThat(pg.events(EventKind.COMMAND).stream()
                            .filter(e -> String.valueOf(text(e, "sql")).contains(marker))
                            .map(Event::session)
                            .toList())
                    .singleElement()
                    .satisfies(session -> assertThat(pg.events(EventKind.SESSION_END))
                            .anySatisfy(e -> {
                                assertThat(e.session()).isEqualTo(session);
                                assertThat(text(e, "reason")).isEqualTo("client closed the connection");
                            }));
        });
    }

    // ---- helpers ----

    /** A measured figure for docs/reliability.md, in the test's output file. */
    static void figure(String line) {
        System.out.println("FIGURE " + line);
    }

    /** Brings a fresh connection to {@code phase}. */
    private static void enter(RawPgClient raw, Phase phase) throws IOException {
        switch (phase) {
            case BEFORE_STARTUP -> {}
            case DURING_AUTHENTICATION -> {
                raw.send(RawPgClient.startupMessage("devin", "pg-test"));
                RawPgClient.Message m = raw.read();
                assertThat(m.tag()).as("AuthenticationSASL").isEqualTo('R');
            }
            case AFTER_LOGIN ->
                assertThat(raw.login("devin", "pg-test", pg.token)).isNull();
        }
    }

    private static RawPgClient.Answer answerTo(Phase phase, byte[] bytes) throws IOException {
        try (RawPgClient raw = RawPgClient.connect(pg.pgPort())) {
            enter(raw, phase);
            raw.send(bytes);
            raw.readTimeout(15_000);
            RawPgClient.Answer answer = raw.awaitErrorOrClose();
            assertThat(answer.closed())
                    .as(phase + ": answered with an ErrorResponse")
                    .isFalse();
            raw.shutdownOutput();
            assertThat(raw.closedAfterward())
                    .as(phase + ": closed after the error")
                    .isTrue();
            return answer;
        }
    }

    private static byte[] int32(int n) {
        return ByteBuffer.allocate(4).putInt(n).array();
    }

    private static byte[] header(char tag, int length) {
        return ByteBuffer.allocate(5).put((byte) tag).putInt(length).array();
    }

    private static long timedOutStartups() {
        return pg.events(EventKind.BLOCKED).stream()
                .filter(e -> "start-up did not finish within 2 s".equals(text(e, "reason")))
                .count();
    }

    /** Every session started on this gateway has ended on the record (none is left open by an attack). */
    private static void awaitEverySessionEnded() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Set<String> started = pg.events(EventKind.SESSION_START).stream()
                    .map(Event::session)
                    .collect(Collectors.toSet());
            Set<String> ended = pg.events(EventKind.SESSION_END).stream()
                    .map(Event::session)
                    .collect(Collectors.toSet());
            assertThat(ended).containsAll(started);
        });
    }

    /** The wait event of the database backend running the statement marked {@code marker}, or null if none. */
    private static String backendWaitEvent(String marker) throws Exception {
        try (Connection direct = pg.direct();
                Statement s = direct.createStatement();
                ResultSet rs = s.executeQuery("select coalesce(wait_event, 'none') from pg_stat_activity"
                        + " where query like '%" + marker + "%' and pid <> pg_backend_pid()")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Heap in use after a GC plus the direct memory Netty has allocated (this JVM runs the gateway). */
    private static long gatewayMemory() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        long direct = Math.max(0, PlatformDependent.usedDirectMemory());
        return runtime.totalMemory() - runtime.freeMemory() + direct;
    }
}
