package io.gatehouse.gateway.pg;

import static io.gatehouse.gateway.pg.PgFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.gateway.security.FailureRateLimiter;
import io.gatehouse.gateway.security.SecretBox;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import io.gatehouse.testkit.EmbeddedPostgresServer.PasswordRoles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The gateway logs in to a database that requires a password, with each of PostgreSQL's password methods
 * (the server's pg_hba.conf gives each role one: scram-sha-256, md5, password), from a credential stored
 * encrypted through the admin API or from an {@code env:NAME} reference; a wrong credential is a clear
 * error that never shows the password.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgUpstreamAuthTest {
    /** The fixture this suite runs on; {@code ...ThroughConnectorTest} runs the same suite via a connector. */
    PgFixture fixture(Path dir, EmbeddedPostgresServer server, Map<ConfigKey, String> config) {
        return new PgFixture(dir, server, config);
    }

    static final String WRONG_PASSWORD = "Wr0ng-upstream-pw";

    PgFixture pg;

    @BeforeAll
    void start(@TempDir Path dir) {
        pg = fixture(dir, EmbeddedPostgresServer.startWithPasswordAuth(), Map.of());
        for (String role : List.of(PasswordRoles.SCRAM, PasswordRoles.MD5, PasswordRoles.CLEARTEXT)) {
            pg.connection("ok-" + role, Map.of("username", role, "password", PasswordRoles.PASSWORD));
            pg.grant("devin", "ok-" + role);
            pg.connection("bad-" + role, Map.of("username", role, "password", WRONG_PASSWORD));
            pg.grant("devin", "bad-" + role);
        }
    }

    @AfterAll
    void stop() {
        pg.close();
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({
        PasswordRoles.SCRAM + ", SCRAM-SHA-256",
        PasswordRoles.MD5 + ", md5",
        PasswordRoles.CLEARTEXT + ", password"
    })
    void aStoredPasswordLogsInUpstreamWithTheMethodTheDatabaseAsksFor(String role, String method) throws Exception {
        String direct = "jdbc:postgresql://127.0.0.1:" + pg.server.port() + "/" + pg.database.name();
        assertThatThrownBy(() -> DriverManager.getConnection(direct, role, WRONG_PASSWORD))
                .as("the database itself requires the password of " + role + " (" + method + ")")
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));

        try (Connection c = DriverManager.getConnection(pg.url("ok-" + role, "disable"), "devin", pg.token);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select current_user, current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(role);
            assertThat(rs.getString(2)).isEqualTo(pg.database.name());
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Event start = pg.events(EventKind.SESSION_START).stream()
                    .filter(e -> ("ok-" + role).equals(e.connection()))
                    .findFirst()
                    .orElseThrow();
            assertThat(text(start, "user")).isEqualTo(role);
            assertThat(PgListenerTest.command(pg.events(), "select current_user, current_database()")
                            .connection())
                    .isEqualTo("ok-" + role);
        });
    }

    @ParameterizedTest
    @CsvSource({PasswordRoles.SCRAM, PasswordRoles.MD5, PasswordRoles.CLEARTEXT})
    void aWrongStoredPasswordIsAClearErrorThatNeverShowsThePassword(String role) {
        String connection = "bad-" + role;
        assertThatThrownBy(() -> DriverManager.getConnection(pg.url(connection, "disable"), "devin", pg.token))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> {
                    assertThat(((SQLException) e).getSQLState()).isEqualTo(PgErrors.CONNECTION_FAILURE);
                    assertThat(e.getMessage())
                            .contains("connection \"" + connection + "\": upstream authentication failed")
                            .contains("as database user \"" + role + "\"")
                            .contains("SQLSTATE 28P01")
                            .doesNotContain(WRONG_PASSWORD)
                            .doesNotContain(PasswordRoles.PASSWORD);
                });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Event end = pg.events(EventKind.SESSION_END).stream()
                    .filter(e -> connection.equals(e.connection()))
                    .findFirst()
                    .orElseThrow();
            assertThat(text(end, "reason")).isEqualTo("upstream authentication failed (SQLSTATE 28P01)");
            assertThat(end.identity()).isEqualTo("devin");
            assertThat(pg.events().stream().map(Event::toString))
                    .noneMatch(s -> s.contains(WRONG_PASSWORD) || s.contains(PasswordRoles.PASSWORD));
        });
    }

    @Test
    void anEnvironmentReferenceIsResolvedByTheListenersEnvironment() throws Exception {
        pg.connection("env-scram", Map.of("username", PasswordRoles.SCRAM, "secretRef", "env:GH_TEST_PG_PASSWORD"));
        pg.grant("devin", "env-scram");
        pg.connection("env-unset", Map.of("username", PasswordRoles.SCRAM, "secretRef", "env:GH_TEST_UNSET"));
        pg.grant("devin", "env-unset");
        Map<String, String> environment = Map.of("GH_TEST_PG_PASSWORD", PasswordRoles.PASSWORD);
        PgServices defaults = PgServices.of(
                pg.gateway.gateway().store(),
                pg.gateway.gateway().writer(),
                SecretBox.ofKey(new byte[32]),
                new FailureRateLimiter(),
                SSLContext.getDefault(),
                Clock.systemUTC(),
                Duration.ofSeconds(2));
        PgServices services = defaults.withEnvironment(environment::get);
        try (PgListener listener = PgListener.start("127.0.0.1", 0, services)) {
            String base = "jdbc:postgresql://127.0.0.1:" + listener.port() + "/";
            Properties login = new Properties();
            login.setProperty("user", "devin");
            login.setProperty("password", pg.token);
            login.setProperty("sslmode", "disable");
            try (Connection c = DriverManager.getConnection(base + "env-scram", login);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select current_user")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(PasswordRoles.SCRAM);
            }
            assertThatThrownBy(() -> DriverManager.getConnection(base + "env-unset", login))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> {
                        assertThat(((SQLException) e).getSQLState()).isEqualTo(PgErrors.CANNOT_CONNECT);
                        assertThat(e.getMessage())
                                .contains("the credential reference 'env:GH_TEST_UNSET' of connection \"env-unset\""
                                        + " is not set in the gateway's environment");
                    });
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pg.events(EventKind.SESSION_END))
                .anySatisfy(e -> {
                    assertThat(e.connection()).isEqualTo("env-unset");
                    assertThat(text(e, "reason")).isEqualTo("upstream credential unavailable");
                }));
    }
}
