package io.gatehouse.gateway.pg;

import static io.gatehouse.gateway.pg.PgFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.gateway.testing.TestGateway;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL sessions when their connector dies: a clear error in the client's protocol, and the record. */
class PgConnectorTest {
    @Test
    void aConnectorKilledMidSessionEndsItWithARecordedReasonAndNewSessionsFailFast(@TempDir Path dir) throws Exception {
        try (PgFixture pg = PgFixture.throughConnector(dir, EmbeddedPostgresServer.shared(), Map.of(), Map.of())) {
            try (Connection c = pg.connect("devin", pg.token);
                    Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("select 41 + 1")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(42);
                }

                pg.connector.kill();

                assertThatThrownBy(() -> s.executeQuery("select 2"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e ->
                                assertThat(((SQLException) e).getSQLState()).startsWith("08"));
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<Event> ends = pg.events(EventKind.SESSION_END);
                assertThat(ends).anySatisfy(e -> assertThat(text(e, "reason"))
                        .contains("connector " + PgFixture.CONNECTOR + " disconnected"));
            });
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !pg.gateway.gateway().connectors().isOnline(PgFixture.CONNECTOR));
            String session = pg.events(EventKind.SESSION_START).get(0).session();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                TestGateway.Response detail =
                        pg.gateway.get("/api/v1/sessions/" + session + "?events=false", pg.gateway.adminToken());
                assertThat(detail.status()).as(detail.text()).isEqualTo(200);
                assertThat(detail.body().get("connector").asText()).isEqualTo(PgFixture.CONNECTOR);
                assertThat(detail.body().get("identityKind").asText()).isEqualTo("agent");
                assertThat(detail.body().get("status").asText()).isEqualTo("closed");
            });

            long start = System.nanoTime();
            assertThatThrownBy(() -> pg.connect("devin", pg.token))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> {
                        assertThat(((SQLException) e).getSQLState()).isEqualTo(PgErrors.CANNOT_CONNECT);
                        assertThat(e.getMessage()).contains("connector pg-net is offline");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pg.events(EventKind.SESSION_END))
                    .anySatisfy(e -> assertThat(text(e, "reason"))
                            .isEqualTo("upstream unreachable: connector pg-net is offline")));
        }
    }
}
