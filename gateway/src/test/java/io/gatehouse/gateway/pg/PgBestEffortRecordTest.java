package io.gatehouse.gateway.pg;

import static io.gatehouse.gateway.pg.PgFixture.number;
import static io.gatehouse.gateway.pg.PgFixture.parameters;
import static io.gatehouse.gateway.pg.PgFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A best-effort connection records each statement as ONE {@code command} event that carries its outcome
 * (docs/record-format.md, "Event kinds"); a fail-closed connection keeps {@code command} + {@code command.result}.
 */
class PgBestEffortRecordTest {

    @Test
    void aBestEffortStatementIsOneCommandEventCarryingItsOutcome(@TempDir Path dir) throws Exception {
        try (PgFixture pg = new PgFixture(dir)) {
            pg.connection("pg-be", Map.of("durability", "best-effort"));
            pg.grant("devin", "pg-be");
            try (Connection c = DriverManager.getConnection(pg.url("pg-be", "disable"), "devin", pg.token);
                    Statement s = c.createStatement()) {
                s.execute("create table be_items (id int primary key, name text)");
                try (PreparedStatement insert = c.prepareStatement("insert into be_items values (?, ?)")) {
                    insert.setInt(1, 7);
                    insert.setString(2, "seven");
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                }
                try (ResultSet rs = s.executeQuery("select id, name from be_items")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(2)).isEqualTo("seven");
                }
                assertThatThrownBy(() -> s.executeQuery("select 1 / (id - 7) from be_items"))
                        .isInstanceOf(SQLException.class);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> pg.events(EventKind.SESSION_END).stream()
                    .anyMatch(e -> "pg-be".equals(e.connection())));
            List<Event> session = pg.events().stream()
                    .filter(e -> "pg-be".equals(e.connection()))
                    .toList();

            assertThat(session).noneMatch(e -> e.kind() == EventKind.COMMAND_RESULT);

            Event insert = PgListenerTest.command(session, "insert into be_items values ($1, $2)");
            assertThat(text(insert, "protocol")).isEqualTo("extended");
            assertThat(parameters(insert)).containsExactly("7", "seven");
            assertThat(text(insert, "status")).isEqualTo("ok");
            assertThat(text(insert, "tag")).isEqualTo("INSERT 0 1");
            assertThat(number(insert, "rows")).isEqualTo(1L);
            assertThat(number(insert, "duration_micros")).isNotNull().isNotNegative();

            Event select = PgListenerTest.command(session, "select id, name from be_items");
            assertThat(text(select, "tag")).isEqualTo("SELECT 1");
            assertThat(number(select, "rows")).isEqualTo(1L);

            Event failed = PgListenerTest.command(session, "select 1 / (id - 7) from be_items");
            assertThat(text(failed, "status")).isEqualTo("error");
            assertThat(text(failed, "sqlstate")).isEqualTo("22012");
            assertThat(text(failed, "error")).contains("division by zero");
            assertThat(failed.field("tag")).isNull();

            // commands numbered in order, one event each, and the session end counts them
            List<Long> numbers = session.stream()
                    .filter(e -> e.kind() == EventKind.COMMAND)
                    .map(e -> number(e, "command"))
                    .toList();
            assertThat(numbers).isSorted().doesNotHaveDuplicates();
            Event end = session.stream()
                    .filter(e -> e.kind() == EventKind.SESSION_END)
                    .findFirst()
                    .orElseThrow();
            assertThat(number(end, "commands")).isEqualTo((long) numbers.size());
        }
    }

    @Test
    void aFailClosedStatementKeepsItsSeparateResultEvent(@TempDir Path dir) throws Exception {
        try (PgFixture pg = new PgFixture(dir)) {
            try (Connection c = pg.connect("devin", pg.token);
                    Statement s = c.createStatement()) {
                s.execute("create table fc_items (id int)");
                assertThat(s.executeUpdate("insert into fc_items values (1), (2)"))
                        .isEqualTo(2);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> pg.events(EventKind.SESSION_END).stream()
                    .anyMatch(e -> "pg-test".equals(e.connection())));
            List<Event> events = pg.events();
            Event insert = PgListenerTest.command(events, "insert into fc_items values (1), (2)");
            assertThat(insert.field("status"))
                    .as("no outcome inside a fail-closed command")
                    .isNull();
            Event result = PgListenerTest.resultOf(events, insert);
            assertThat(text(result, "tag")).isEqualTo("INSERT 0 2");
            assertThat(number(result, "rows")).isEqualTo(2L);
        }
    }
}
