package io.gatehouse.gateway.pg;

import static io.gatehouse.gateway.pg.PgFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.gateway.config.ConfigKey;
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

/** The listener's limits: {@code pg.max-message-size} (54000) and the failed-login lockout (53300). */
class PgLimitsTest {
    @Test
    void aQueryLargerThanMaxMessageSizeIsRefusedWith54000AndEndsTheRecordedSession(@TempDir Path dir) throws Exception {
        try (PgFixture pg =
                new PgFixture(dir, EmbeddedPostgresServer.shared(), Map.of(ConfigKey.PG_MAX_MESSAGE_SIZE, "64KiB"))) {
            String oversized = "select length('" + "z".repeat(100_000) + "') /* oversized */";
            try (Connection c = pg.connect("devin", pg.token);
                    Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("select length('" + "z".repeat(60_000) + "')")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("below the limit still works").isEqualTo(60_000);
                }
                assertThatThrownBy(() -> s.executeQuery(oversized))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> {
                            assertThat(((SQLException) e).getSQLState()).isEqualTo(PgErrors.TOO_LARGE);
                            assertThat(e.getMessage()).contains("exceeds the gateway's limit of 65536");
                        });
                assertThat(c.isValid(2)).as("the session ended").isFalse();
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<Event> events = pg.events();
                assertThat(events.stream().filter(e -> e.kind() == EventKind.COMMAND))
                        .noneMatch(e -> String.valueOf(text(e, "sql")).contains("/* oversized */"));
                assertThat(pg.events(EventKind.SESSION_END)).anySatisfy(e -> assertThat(text(e, "reason"))
                        .matches("message of \\d+ bytes exceeds the gateway's limit of 65536"));
            });
        }
    }

    @Test
    void repeatedFailedLoginsLockTheAddressOutWith53300EvenWithTheRightToken(@TempDir Path dir) {
        try (PgFixture pg =
                new PgFixture(dir, EmbeddedPostgresServer.shared(), Map.of(ConfigKey.AUTH_MAX_FAILURES, "2"))) {
            String wrong = pg.token.substring(0, pg.token.length() - 1) + (pg.token.endsWith("A") ? "B" : "A");
            for (int attempt = 0; attempt < 2; attempt++) {
                assertSqlState(() -> pg.connect("devin", wrong), PgErrors.INVALID_PASSWORD);
            }
            assertThatThrownBy(() -> pg.connect("devin", pg.token).close())
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> {
                        assertThat(((SQLException) e).getSQLState()).isEqualTo(PgErrors.TOO_MANY);
                        assertThat(e.getMessage()).contains("too many failed authentications from 127.0.0.1");
                    });
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<Event> blocked = pg.events(EventKind.BLOCKED);
                assertThat(blocked.stream().map(e -> text(e, "sqlstate"))).containsExactly("28P01", "28P01", "53300");
                assertThat(text(blocked.get(2), "user")).isEqualTo("devin");
                assertThat(pg.events().stream().map(Event::toString))
                        .noneMatch(s -> s.contains(pg.token) || s.contains(wrong));
            });
        }
    }

    interface Connect {
        Connection open() throws SQLException;
    }

    private static void assertSqlState(Connect connect, String sqlState) {
        assertThatThrownBy(() -> connect.open().close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo(sqlState));
    }
}
