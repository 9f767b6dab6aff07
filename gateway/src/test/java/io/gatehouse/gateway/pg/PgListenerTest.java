package io.gatehouse.gateway.pg;

import static io.gatehouse.gateway.pg.PgFixture.number;
import static io.gatehouse.gateway.pg.PgFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** pgJDBC through the gateway to a real PostgreSQL: it works as if direct, and every statement is recorded. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgListenerTest {
    /** The fixture this suite runs on; {@code ...ThroughConnectorTest} runs the same suite via a connector. */
    PgFixture fixture(Path dir, EmbeddedPostgresServer server, Map<ConfigKey, String> config) {
        return new PgFixture(dir, server, config);
    }

    PgFixture pg;

    @BeforeAll
    void start(@TempDir Path dir) {
        pg = fixture(dir, EmbeddedPostgresServer.shared(), Map.of());
    }

    @AfterAll
    void stop() {
        pg.close();
    }

    @Test
    void preparedStatementsBatchesAndRollbackWorkAndAreRecordedInContent() throws Exception {
        try (Connection c = pg.connect("devin", pg.token)) {
            try (Statement s = c.createStatement()) {
                s.execute("create table items (id int primary key, name text)");
            }
            try (PreparedStatement insert = c.prepareStatement("insert into items values (?, ?)")) {
                for (int i = 1; i <= 7; i++) { // past pgJDBC's prepareThreshold (5): a named statement re-used
                    insert.setInt(1, i);
                    insert.setString(2, "name-" + i);
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                }
                for (int i = 100; i < 103; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "batch-" + i);
                    insert.addBatch();
                }
                assertThat(insert.executeBatch()).containsExactly(1, 1, 1);
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("insert into items values (999, 'rolled back')");
            }
            c.rollback();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select count(*) from items")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(10);
            }
        }
        try (Connection direct = pg.direct();
                Statement s = direct.createStatement();
                ResultSet rs = s.executeQuery("select count(*), count(*) filter (where id = 999) from items")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(10);
            assertThat(rs.getInt(2)).isZero();
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(this::preparedStatementsRecorded);
    }

    private void preparedStatementsRecorded() {
        List<Event> events = pg.events();
        List<Event> inserts = events.stream()
                .filter(e -> e.kind() == EventKind.COMMAND)
                .filter(e -> "insert into items values ($1, $2)".equals(text(e, "sql")))
                .toList();
        assertThat(inserts).hasSize(10);
        assertThat(inserts).allSatisfy(e -> {
            assertThat(e.identity()).isEqualTo("devin");
            assertThat(e.connection()).isEqualTo("pg-test");
            assertThat(text(e, "protocol")).isEqualTo("extended");
        });
        assertThat(inserts.stream().map(PgFixture::parameters).toList())
                .startsWith(List.of("1", "name-1"), List.of("2", "name-2"))
                .contains(List.of("7", "name-7"), List.of("102", "batch-102"));
        String session = inserts.get(0).session();
        Event firstResult = resultOf(events, inserts.get(0));
        assertThat(text(firstResult, "tag")).isEqualTo("INSERT 0 1");
        assertThat(number(firstResult, "rows")).isEqualTo(1);
        assertThat(text(firstResult, "status")).isEqualTo("ok");

        Event rolledBack = command(events, "insert into items values (999, 'rolled back')");
        assertThat(text(resultOf(events, rolledBack), "tag")).isEqualTo("INSERT 0 1");
        Event rollback = command(events, "ROLLBACK");
        assertThat(text(resultOf(events, rollback), "tag")).isEqualTo("ROLLBACK");
        Event count = command(events, "select count(*) from items");
        assertThat(text(resultOf(events, count), "tag")).isEqualTo("SELECT 1");

        Event start = events.stream()
                .filter(e -> e.kind() == EventKind.SESSION_START && session.equals(e.session()))
                .findFirst()
                .orElseThrow();
        assertThat(text(start, "database")).isEqualTo(pg.database.name());
        assertThat(text(start, "connector")).isEqualTo(pg.throughConnector() ? PgFixture.CONNECTOR : "built-in");
        assertThat(events.indexOf(start)).isLessThan(events.indexOf(inserts.get(0)));
        Event end = events.stream()
                .filter(e -> e.kind() == EventKind.SESSION_END && session.equals(e.session()))
                .findFirst()
                .orElseThrow();
        assertThat(number(end, "commands")).isGreaterThanOrEqualTo(14);
    }

    @Test
    void anErrorInTheMiddleOfAPipelineIsRecordedAndTheRestIsSkipped() throws Exception {
        try (Connection c = pg.connect("devin", pg.token)) {
            try (Statement s = c.createStatement()) {
                s.execute("create table pipeline (id int primary key)");
            }
            try (PreparedStatement insert = c.prepareStatement("insert into pipeline values (?)")) {
                for (int id : new int[] {1, 1, 2}) {
                    insert.setInt(1, id);
                    insert.addBatch();
                }
                assertThatThrownBy(insert::executeBatch)
                        .isInstanceOf(BatchUpdateException.class)
                        .satisfies(e ->
                                assertThat(((SQLException) e).getSQLState()).isEqualTo("23505"));
            }
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(this::pipelineRecorded);
    }

    private void pipelineRecorded() {
        List<Event> events = pg.events();
        List<Event> commands = events.stream()
                .filter(e -> e.kind() == EventKind.COMMAND)
                .filter(e -> "insert into pipeline values ($1)".equals(text(e, "sql")))
                .toList();
        assertThat(commands).hasSize(3);
        assertThat(commands.stream().map(PgFixture::parameters).toList())
                .containsExactly(List.of("1"), List.of("1"), List.of("2"));
        assertThat(text(resultOf(events, commands.get(0)), "status")).isEqualTo("ok");
        Event failed = resultOf(events, commands.get(1));
        assertThat(text(failed, "status")).isEqualTo("error");
        assertThat(text(failed, "sqlstate")).isEqualTo("23505");
        assertThat(text(failed, "error")).contains("duplicate key");
        assertThat(text(resultOf(events, commands.get(2)), "status")).isEqualTo("skipped");
    }

    @Test
    void tlsAndSimpleProtocolWork() throws Exception {
        try (Connection c = DriverManager.getConnection(
                        pg.url("pg-test", "require") + "&preferQueryMode=simple", "devin", pg.token);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select 'über' || 1")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("über1");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Event command = command(pg.events(), "select 'über' || 1");
            assertThat(text(command, "protocol")).isEqualTo("simple");
            assertThat(text(resultOf(pg.events(), command), "tag")).isEqualTo("SELECT 1");
        });
    }

    @Test
    void refusalsCarryTheirSqlStateAndAreRecorded() throws Exception {
        pg.identity("nogrant");
        String noGrantToken = pg.mint("nogrant");
        pg.identity("disabled");
        String disabledToken = pg.mint("disabled");
        pg.grant("disabled", "pg-test");
        assertThat(pg.gateway
                        .post("/api/v1/identities/disabled/disable", pg.gateway.adminToken(), Map.of())
                        .status())
                .isBetween(200, 204);

        String token = pg.mint("devin");
        String wrong = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
        assertRefused(() -> pg.connect("devin", wrong), "28P01");
        assertRefused(() -> pg.connect("nobody", pg.token), "28P01");
        assertRefused(
                () -> DriverManager.getConnection(pg.url("no-such-connection", "disable"), "devin", pg.token), "3D000");
        assertRefused(() -> pg.connect("nogrant", noGrantToken), "28000");
        assertRefused(() -> pg.connect("disabled", disabledToken), "28000");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> refusalsRecorded(noGrantToken));
    }

    private void refusalsRecorded(String noGrantToken) {
        List<Event> blocked = pg.events(EventKind.BLOCKED);
        assertThat(blocked.stream().map(e -> text(e, "sqlstate")).toList()).contains("28P01", "3D000", "28000");
        assertThat(blocked)
                .anySatisfy(e -> {
                    assertThat(e.identity()).isEqualTo("nogrant");
                    assertThat(text(e, "reason")).contains("no grant on connection \"pg-test\"");
                })
                .anySatisfy(e -> {
                    assertThat(e.identity()).isEqualTo("disabled");
                    assertThat(text(e, "reason")).contains("is disabled");
                })
                .anySatisfy(e -> {
                    assertThat(e.identity()).isNull();
                    assertThat(text(e, "user")).isEqualTo("nobody");
                });
        assertThat(pg.events().stream().map(Event::toString).toList())
                .noneMatch(s -> s.contains(pg.token) || s.contains(noGrantToken));
    }

    interface Connect {
        Connection open() throws SQLException;
    }

    private static void assertRefused(Connect connect, String sqlState) {
        assertThatThrownBy(() -> connect.open().close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState())
                        .as(e.getMessage())
                        .isEqualTo(sqlState));
    }

    static Event command(List<Event> events, String sql) {
        return events.stream()
                .filter(e -> e.kind() == EventKind.COMMAND && sql.equals(text(e, "sql")))
                .reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("no command event for " + sql));
    }

    static Event resultOf(List<Event> events, Event command) {
        return events.stream()
                .filter(e -> e.kind() == EventKind.COMMAND_RESULT)
                .filter(e -> Objects.equals(e.session(), command.session()))
                .filter(e -> Objects.equals(number(e, "command"), number(command, "command")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no result for " + command));
    }
}
