package io.gatehouse.gateway.pg;

import static io.gatehouse.gateway.pg.PgFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.audit.EventKind;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.gateway.testing.NettyLeakCheck;
import io.gatehouse.gateway.testing.StallingProxy;
import io.gatehouse.gateway.testing.ThreadCensus;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults between the gateway and what it reaches (issue 7, part 3): a connector that freezes (SIGSTOP: its
 * sockets stay open, it just stops answering), a database that restarts, a network path that stalls. Each
 * session must end with its reason in the log, nothing may wait longer than a configured timeout, and no
 * thread or buffer may be left behind (Netty's leak detector at PARANOID for the whole class).
 */
@ExtendWith(NettyLeakCheck.class)
class PgResourceFaultsTest {
    private static final Duration NO_HANG = Duration.ofSeconds(20);

    @Test
    void aFrozenConnectorEndsItsSessionsAfterThreeMissedHeartbeatsAndServesAgainWhenThawed(@TempDir Path dir)
            throws Exception {
        try (PgFixture pg = PgFixture.throughConnector(
                dir, EmbeddedPostgresServer.shared(), Map.of(ConfigKey.TUNNEL_HEARTBEAT, "1s"), Map.of())) {
            int baseline = warmUpAndCountThreads(pg);
            try (Connection c = pg.connect("devin", pg.token);
                    Statement s = c.createStatement()) {
                assertThat(answer(s, "select 41 + 1")).isEqualTo(42);
                pg.connector.freeze();
                long start = System.nanoTime();
                // The statement reaches the tunnel but no one answers; the gateway notices the silence (3 x 1 s)
                // and ends the session, well before the client's own 30 s socket timeout.
                assertThatThrownBy(() -> s.executeQuery("select 2"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e ->
                                assertThat(((SQLException) e).getSQLState()).startsWith("08"));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                PgHostileClientsTest.figure("frozen connector: the in-flight statement failed after " + took.toMillis()
                        + " ms (heartbeat 1 s)");
                assertThat(took).isLessThan(NO_HANG);
            }
            await().atMost(NO_HANG).untilAsserted(() -> assertThat(pg.events(EventKind.SESSION_END))
                    .anySatisfy(e -> assertThat(text(e, "reason")).contains("connector " + PgFixture.CONNECTOR)));
            assertThat(pg.gateway.gateway().connectors().isOnline(PgFixture.CONNECTOR))
                    .isFalse();

            pg.connector.thaw();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> pg.gateway.gateway().connectors().isOnline(PgFixture.CONNECTOR));
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                try (Connection again = pg.connect("devin", pg.token);
                        Statement s = again.createStatement()) {
                    assertThat(answer(s, "select 7")).isEqualTo(7);
                }
            });
            assertThreadsBackTo(baseline);
        }
    }

    @Test
    void aDatabaseRestartEndsOpenSessionsWithARecordedReasonAndNewSessionsWorkAfterIt(@TempDir Path dir)
            throws Exception {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.startRestartable();
        for (boolean throughConnector : new boolean[] {false, true}) {
            Path here = dir.resolve(throughConnector ? "connector" : "built-in");
            try (PgFixture pg = new PgFixture(here, server, Map.of(), throughConnector ? Map.of() : null)) {
                int baseline = warmUpAndCountThreads(pg);
                try (Connection c = pg.connect("devin", pg.token);
                        Statement s = c.createStatement()) {
                    s.execute("create table if not exists survives(n int)");
                    s.execute("insert into survives values (1)");
                    server.restart();
                    // PostgreSQL's fast shutdown sends FATAL 57P01 and closes; the gateway relays it or, if
                    // the close came first, answers 08006 itself.
                    assertThatThrownBy(() -> s.executeQuery("select 2"))
                            .isInstanceOf(SQLException.class)
                            .satisfies(e ->
                                    assertThat(((SQLException) e).getSQLState()).isIn("57P01", "08006", "08003"));
                }
                await().atMost(NO_HANG).untilAsserted(() -> assertThat(pg.events(EventKind.SESSION_END))
                        .anySatisfy(e -> assertThat(text(e, "reason")).isEqualTo("upstream closed")));
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                    try (Connection again = pg.connect("devin", pg.token);
                            Statement s = again.createStatement()) {
                        assertThat(answer(s, "select count(*) from survives")).isGreaterThanOrEqualTo(1);
                    }
                });
                assertThreadsBackTo(baseline);
            }
        }
    }

    @Test
    void aStalledNetworkToTheDatabaseCutsTheLoginAtTheStartupTimeoutAndAnAbandonedQueryFreesItsUpstream(
            @TempDir Path dir) throws Exception {
        try (PgFixture pg = new PgFixture(
                        dir, EmbeddedPostgresServer.shared(), Map.of(ConfigKey.PG_STARTUP_TIMEOUT, "3s"));
                StallingProxy proxy = StallingProxy.start(pg.server.port())) {
            pg.connection("pg-stalled", Map.of("target", "127.0.0.1:" + proxy.port()));
            pg.grant("devin", "pg-stalled");
            int baseline = warmUpAndCountThreads(pg);
            String url = pg.url("pg-stalled", "disable").replace("socketTimeout=30", "socketTimeout=4");

            // 1. Mid-query: the client gives up after its own socket timeout; the gateway ends the session and
            // closes its upstream connection (the proxy sees it go), rather than keeping it forever.
            try (Connection c = DriverManager.getConnection(url, "devin", pg.token);
                    Statement s = c.createStatement()) {
                assertThat(answer(s, "select 1")).isEqualTo(1);
                proxy.freeze();
                assertThatThrownBy(() -> s.executeQuery("select 2"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e ->
                                assertThat(((SQLException) e).getSQLState()).startsWith("08"));
            }
            await().atMost(NO_HANG).untilAsserted(() -> {
                assertThat(pg.events(EventKind.SESSION_END).stream()
                                .filter(e -> "pg-stalled".equals(e.connection()))
                                .map(e -> text(e, "reason")))
                        .contains("client closed the connection");
                assertThat(proxy.openConnections()).isZero();
            });

            // 2. Login: the database never answers the gateway's StartupMessage; pg.startup-timeout cuts it.
            long start = System.nanoTime();
            assertThatThrownBy(() -> DriverManager.getConnection(
                                    url.replace("socketTimeout=4", "socketTimeout=60"), "devin", pg.token)
                            .close())
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> {
                        assertThat(((SQLException) e).getSQLState()).isEqualTo(PgErrors.CANNOT_CONNECT);
                        assertThat(e.getMessage()).contains("did not complete its login", "within 3 s");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(NO_HANG);
            await().atMost(NO_HANG).untilAsserted(() -> assertThat(
                            pg.events(EventKind.SESSION_END).stream().map(e -> text(e, "reason")))
                    .contains("upstream login timed out after 3 s"));

            proxy.thaw();
            try (Connection c = DriverManager.getConnection(url, "devin", pg.token);
                    Statement s = c.createStatement()) {
                assertThat(answer(s, "select 3")).isEqualTo(3);
            }
            assertThreadsBackTo(baseline);
        }
    }

    private static int answer(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * One complete session first, so that the threads started lazily on first use (event loops, the store's
     * pool, JDBC's cleaner) are part of the baseline; then the count.
     */
    private static int warmUpAndCountThreads(PgFixture pg) throws SQLException {
        for (int i = 0; i < 4; i++) { // event-loop threads start one per new channel, up to 2 per core
            try (Connection c = pg.connect("devin", pg.token);
                    Statement s = c.createStatement()) {
                answer(s, "select 1");
            }
        }
        return ThreadCensus.count();
    }

    private static void assertThreadsBackTo(int baseline) {
        PgHostileClientsTest.figure(
                "threads: baseline " + baseline + ", right after the faults " + ThreadCensus.count());
        await().atMost(NO_HANG).untilAsserted(() -> assertThat(ThreadCensus.names())
                .as("platform threads after the sessions ended (baseline " + baseline + ")")
                .hasSizeLessThanOrEqualTo(baseline));
    }
}
