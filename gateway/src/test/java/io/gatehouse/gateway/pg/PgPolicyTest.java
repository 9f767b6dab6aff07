package io.gatehouse.gateway.pg;

import static io.gatehouse.gateway.pg.PgFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.gateway.testing.TestGateway;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policy hooks: a token revoked or an identity disabled while a session is open → its next statement is
 * refused (28000), never reaches the database, is recorded as {@code blocked}, and the session ends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgPolicyTest {
    PgFixture pg;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        pg = new PgFixture(dir);
        try (Connection c = pg.direct();
                Statement s = c.createStatement()) {
            s.execute("create table guarded (who text)");
        }
    }

    @AfterAll
    void stop() {
        pg.close();
    }

    @Test
    void aTokenRevokedDuringTheSessionRefusesTheNextStatementAndEndsTheSession() throws Exception {
        pg.identity("revokee");
        pg.grant("revokee", "pg-test");
        TestGateway.Response minted =
                pg.gateway.post("/api/v1/tokens", pg.gateway.adminToken(), Map.of("identity", "revokee"));
        String token = minted.body().get("token").asText();
        String tokenId = minted.body().get("id").asText();
        String prefix = minted.body().get("prefix").asText();
        try (Connection c = pg.connect("revokee", token)) {
            insert(c, "revokee before");
            assertThat(pg.gateway
                            .delete("/api/v1/tokens/" + tokenId, pg.gateway.adminToken())
                            .status())
                    .isEqualTo(200);
            assertRefused(c, "revokee after", "not executed: token " + prefix + " was revoked during the session");
        }
        assertSessionEnded("revokee", "token " + prefix + " was revoked");
    }

    @Test
    void anIdentityDisabledDuringTheSessionRefusesTheNextStatementAndEndsTheSession() throws Exception {
        pg.identity("disablee");
        pg.grant("disablee", "pg-test");
        String token = pg.mint("disablee");
        try (Connection other = pg.connect("devin", pg.token);
                Connection c = pg.connect("disablee", token)) {
            insert(c, "disablee before");
            assertThat(pg.gateway
                            .post("/api/v1/identities/disablee/disable", pg.gateway.adminToken(), Map.of())
                            .status())
                    .isBetween(200, 204);
            assertRefused(c, "disablee after", "not executed: identity \"disablee\" was disabled during the session");
            insert(other, "devin unaffected"); // other identities' sessions go on
        }
        assertSessionEnded("disablee", "identity \"disablee\" was disabled");
        try (Connection direct = pg.direct();
                Statement s = direct.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from guarded where who = 'devin unaffected'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    private static void insert(Connection c, String who) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("insert into guarded values (?)")) {
            insert.setString(1, who);
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
    }

    private void assertRefused(Connection c, String who, String message) throws SQLException {
        assertThatThrownBy(() -> insert(c, who))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> {
                    assertThat(((SQLException) e).getSQLState()).isEqualTo(PgErrors.INVALID_AUTHORIZATION);
                    assertThat(e.getMessage()).contains(message);
                });
        assertThat(c.isValid(2)).as("the session ended").isFalse();
        try (Connection direct = pg.direct();
                Statement s = direct.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from guarded where who = '" + who + "'")) {
            rs.next();
            assertThat(rs.getInt(1))
                    .as("the refused insert never reached the database")
                    .isZero();
        }
    }

    private void assertSessionEnded(String identity, String why) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Event> events = pg.events();
            Event blocked = events.stream()
                    .filter(e -> e.kind() == EventKind.BLOCKED && identity.equals(e.identity()))
                    .filter(e -> e.session() != null && text(e, "sql") != null)
                    .findFirst()
                    .orElseThrow();
            assertThat(text(blocked, "sql")).isEqualTo("insert into guarded values ($1)");
            assertThat(text(blocked, "sqlstate")).isEqualTo("28000");
            assertThat(text(blocked, "reason")).isEqualTo("not executed: " + why + " during the session");
            Event end = events.stream()
                    .filter(e -> e.kind() == EventKind.SESSION_END
                            && blocked.session().equals(e.session()))
                    .findFirst()
                    .orElseThrow();
            assertThat(text(end, "reason")).isEqualTo("access withdrawn: " + why);
            List<Event> commands = events.stream()
                    .filter(e ->
                            e.kind() == EventKind.COMMAND && blocked.session().equals(e.session()))
                    .toList();
            assertThat(PgFixture.number(end, "commands")).isEqualTo(commands.size());
            assertThat(commands.stream()
                            .filter(e -> "insert into guarded values ($1)".equals(text(e, "sql")))
                            .map(PgFixture::parameters))
                    .as("the refused insert was never recorded as executed")
                    .containsExactly(List.of(identity + " before"));
            assertThat(events.indexOf(blocked)).isLessThan(events.indexOf(end));
        });
    }
}
