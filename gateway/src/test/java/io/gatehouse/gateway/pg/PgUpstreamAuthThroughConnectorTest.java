package io.gatehouse.gateway.pg;

import static io.gatehouse.gateway.pg.PgFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.audit.EventKind;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import io.gatehouse.testkit.EmbeddedPostgresServer.PasswordRoles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link PgUpstreamAuthTest}, every connection through a connector running as a separate process; there an
 * {@code env:} reference resolves in the connector's environment, which the gateway never has.
 */
class PgUpstreamAuthThroughConnectorTest extends PgUpstreamAuthTest {
    @Override
    PgFixture fixture(Path dir, EmbeddedPostgresServer server, Map<ConfigKey, String> config) {
        return PgFixture.throughConnector(
                dir, server, config, Map.of("GH_TEST_CONNECTOR_PG_PASSWORD", PasswordRoles.PASSWORD));
    }

    @Override
    @Test
    void anEnvironmentReferenceIsResolvedByTheListenersEnvironment() throws Exception {
        pg.connection(
                "env-scram", Map.of("username", PasswordRoles.SCRAM, "secretRef", "env:GH_TEST_CONNECTOR_PG_PASSWORD"));
        pg.grant("devin", "env-scram");
        pg.connection("env-unset", Map.of("username", PasswordRoles.SCRAM, "secretRef", "env:GH_TEST_UNSET"));
        pg.grant("devin", "env-unset");
        assertThat(System.getenv("GH_TEST_CONNECTOR_PG_PASSWORD"))
                .as("only the connector has the password")
                .isNull();

        try (Connection c = DriverManager.getConnection(pg.url("env-scram", "disable"), "devin", pg.token);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select current_user")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(PasswordRoles.SCRAM);
        }
        assertThatThrownBy(() -> DriverManager.getConnection(pg.url("env-unset", "disable"), "devin", pg.token))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> {
                    assertThat(((SQLException) e).getSQLState()).isEqualTo(PgErrors.CANNOT_CONNECT);
                    assertThat(e.getMessage())
                            .contains("the credential reference 'env:GH_TEST_UNSET' is not set in the environment"
                                    + " of the connector");
                });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pg.events(EventKind.SESSION_END))
                .anySatisfy(e -> {
                    assertThat(e.connection()).isEqualTo("env-unset");
                    assertThat(text(e, "reason")).contains("'env:GH_TEST_UNSET' is not set in the environment");
                }));
        assertThat(pg.events().stream().map(Object::toString)).noneMatch(s -> s.contains(PasswordRoles.PASSWORD));
    }
}
