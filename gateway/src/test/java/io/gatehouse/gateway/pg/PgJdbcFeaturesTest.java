package io.gatehouse.gateway.pg;

import static io.gatehouse.gateway.pg.PgFixture.number;
import static io.gatehouse.gateway.pg.PgFixture.text;
import static io.gatehouse.gateway.pg.PgListenerTest.command;
import static io.gatehouse.gateway.pg.PgListenerTest.resultOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.copy.CopyManager;

/** pgJDBC features that need more than request/reply: cancel, notifications, COPY, cursors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgJdbcFeaturesTest {
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
    void statementCancelOfASleepGoesThroughTheGatewayAndIsRecorded() throws Exception {
        try (Connection c = pg.connect("devin", pg.token);
                Statement s = c.createStatement()) {
            CompletableFuture<SQLException> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    s.execute("select pg_sleep(30) /* cancel me */");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(this::sleepIsRunning);
            long started = System.nanoTime();
            s.cancel();
            SQLException cancelled = outcome.get(20, TimeUnit.SECONDS);
            assertThat((Object) cancelled).as("the sleep failed").isNotNull();
            assertThat(cancelled.getSQLState()).as(cancelled.getMessage()).isEqualTo("57014");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
            assertThat(sleepIsRunning()).isFalse();
            try (ResultSet rs = s.executeQuery("select 'still usable'")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("still usable");
            }
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Event> events = pg.events();
            Event sleep = command(events, "select pg_sleep(30) /* cancel me */");
            Event result = resultOf(events, sleep);
            assertThat(text(result, "status")).isEqualTo("error");
            assertThat(text(result, "sqlstate")).isEqualTo("57014");
            assertThat(text(result, "error")).contains("canceling statement due to user request");
            assertThat(events).anySatisfy(e -> {
                assertThat(e.kind()).isEqualTo(EventKind.COMMAND);
                assertThat(text(e, "protocol")).isEqualTo("cancel_request");
                assertThat(e.session()).isEqualTo(sleep.session());
                assertThat(e.identity()).isEqualTo("devin");
                assertThat(text(e, "database")).isEqualTo(pg.database.name());
            });
        });
    }

    private boolean sleepIsRunning() throws SQLException {
        try (Connection direct = pg.direct();
                Statement s = direct.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity"
                        + " where query like '%cancel me%' and state = 'active' and pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    @Test
    void listenAndNotifyWorkThroughTheGateway() throws Exception {
        try (Connection listener = pg.connect("devin", pg.token);
                Connection notifier = pg.connect("devin", pg.token)) {
            try (Statement s = listener.createStatement()) {
                s.execute("LISTEN gatehouse_events");
            }
            try (PreparedStatement notify = notifier.prepareStatement("select pg_notify('gatehouse_events', ?)")) {
                notify.setString(1, "payload-ü-1");
                notify.execute();
            }
            PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(10_000);
            assertThat(received).hasSize(1);
            assertThat(received[0].getName()).isEqualTo("gatehouse_events");
            assertThat(received[0].getParameter()).isEqualTo("payload-ü-1");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Event> events = pg.events();
            assertThat(text(resultOf(events, command(events, "LISTEN gatehouse_events")), "tag"))
                    .isEqualTo("LISTEN");
            Event notify = command(events, "select pg_notify('gatehouse_events', $1)");
            assertThat(PgFixture.parameters(notify)).containsExactly("payload-ü-1");
        });
    }

    @Test
    void copyInAndOutWithCopyManagerAreRecordedWithBytesAndRows() throws Exception {
        int rows = 100_000;
        StringBuilder data = new StringBuilder();
        for (int i = 1; i <= rows; i++) {
            data.append(i).append('\t').append("row-").append(i).append('\n');
        }
        long bytes = data.toString().getBytes(StandardCharsets.UTF_8).length;
        try (Connection c = pg.connect("devin", pg.token)) {
            try (Statement s = c.createStatement()) {
                s.execute("create table copied (id int, name text)");
            }
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            assertThat(copy.copyIn("COPY copied FROM STDIN", new StringReader(data.toString())))
                    .isEqualTo(rows);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(copy.copyOut("COPY (select * from copied order by id) TO STDOUT", out))
                    .isEqualTo(rows);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(data.toString());
        }
        try (Connection direct = pg.direct();
                Statement s = direct.createStatement();
                ResultSet rs = s.executeQuery("select count(*), max(name) from copied where name = 'row-' || id")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(rows);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Event> events = pg.events();
            Event in = resultOf(events, command(events, "COPY copied FROM STDIN"));
            assertThat(text(in, "tag")).isEqualTo("COPY " + rows);
            assertThat(number(in, "rows")).isEqualTo(rows);
            assertThat(number(in, "copy_bytes")).isEqualTo(bytes);
            Event out = resultOf(events, command(events, "COPY (select * from copied order by id) TO STDOUT"));
            assertThat(text(out, "tag")).isEqualTo("COPY " + rows);
            assertThat(number(out, "rows")).isEqualTo(rows);
            assertThat(number(out, "copy_bytes")).isEqualTo(bytes);
        });
    }

    @Test
    void aMillionRowResultReadWithAFetchSizeStreamsAndIsOneRecordedStatement() throws Exception {
        String sql = "select g, repeat('x', 20) from generate_series(1, 1000000) g";
        long seen = 0;
        long sum = 0;
        try (Connection c = pg.connect("devin", pg.token)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(1000);
                try (ResultSet rs = s.executeQuery(sql)) {
                    while (rs.next()) {
                        seen++;
                        sum += rs.getLong(1);
                    }
                }
            }
            c.commit();
        }
        assertThat(seen).isEqualTo(1_000_000);
        assertThat(sum).isEqualTo(1_000_000L * 1_000_001L / 2);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Event> events = pg.events();
            List<Event> commands = events.stream()
                    .filter(e -> e.kind() == EventKind.COMMAND && sql.equals(text(e, "sql")))
                    .toList();
            assertThat(commands).hasSize(1);
            Event result = resultOf(events, commands.get(0));
            assertThat(text(result, "status")).isEqualTo("ok");
            assertThat(text(result, "tag")).startsWith("SELECT");
            assertThat(number(result, "rows")).isEqualTo(1_000_000);
            assertThat(number(result, "fetches")).isEqualTo(1001);
        });
    }
}
