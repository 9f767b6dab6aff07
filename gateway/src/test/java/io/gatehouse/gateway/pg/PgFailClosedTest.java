package io.gatehouse.gateway.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.gateway.recorder.Recorder;
import io.gatehouse.gateway.testing.DelegatingRecorder;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the recording store unavailable, a statement is refused and never reaches the database. */
class PgFailClosedTest {
    /** The fixture this suite runs on; {@code ...ThroughConnectorTest} runs the same suite via a connector. */
    PgFixture fixture(Path dir, EmbeddedPostgresServer server, Map<ConfigKey, String> config) {
        return new PgFixture(dir, server, config);
    }

    /** The gateway's real log writer until switched "down": then no append ever becomes durable. */
    static final class SwitchableRecorder extends DelegatingRecorder {
        volatile boolean down;

        SwitchableRecorder(Recorder real) {
            super(real);
        }

        @Override
        public CompletableFuture<Long> append(Event draft) {
            return down ? new CompletableFuture<>() : real.append(draft);
        }

        @Override
        public void appendBestEffort(Event draft) {
            if (!down) {
                real.appendBestEffort(draft);
            }
        }
    }

    @Test
    void aStatementWhoseRecordIsNotDurableIsRefusedAndNeverReachesTheDatabase(@TempDir Path dir) throws Exception {
        try (PgFixture pg = fixture(dir, EmbeddedPostgresServer.shared(), Map.of())) {
            SwitchableRecorder recorder =
                    new SwitchableRecorder(pg.gateway.gateway().writer());
            PgServices services = pg.services(recorder, Duration.ofMillis(300));
            try (PgListener listener = PgListener.start("127.0.0.1", 0, services);
                    Connection c = DriverManager.getConnection(
                            "jdbc:postgresql://127.0.0.1:" + listener.port() + "/pg-test?sslmode=disable",
                            "devin",
                            pg.token);
                    Statement s = c.createStatement()) {
                s.execute("create table guarded (id int)");
                recorder.down = true;
                assertThatThrownBy(() -> s.executeUpdate("insert into guarded values (1)"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> {
                            assertThat(((SQLException) e).getSQLState()).isEqualTo(PgErrors.RECORDING_UNAVAILABLE);
                            assertThat(e.getMessage()).contains("not executed: the recording store is unavailable");
                        });
            }
            try (Connection direct = pg.direct();
                    Statement s = direct.createStatement();
                    ResultSet rs = s.executeQuery("select count(*) from guarded")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    /**
     * The real log writer, except that while "down" no waited-for record becomes durable (the store fails
     * every batch), while best-effort events are kept and written, as the writer does once the store is back.
     */
    static final class FailingStoreRecorder extends DelegatingRecorder {
        volatile boolean down;

        FailingStoreRecorder(Recorder real) {
            super(real);
        }

        @Override
        public CompletableFuture<Long> append(Event draft) {
            return down
                    ? CompletableFuture.failedFuture(new io.gatehouse.gateway.recorder.RecordingUnavailableException(
                            "the recording store is unavailable: disk full (test)"))
                    : real.append(draft);
        }
    }

    @Test
    void aRefusedStatementIsRecordedAsBlockedAndNotAsACommandWithAnUnknownOutcome(@TempDir Path dir) throws Exception {
        try (PgFixture pg = fixture(dir, EmbeddedPostgresServer.shared(), Map.of())) {
            FailingStoreRecorder recorder =
                    new FailingStoreRecorder(pg.gateway.gateway().writer());
            PgServices services = pg.services(recorder, Duration.ofMillis(300));
            try (PgListener listener = PgListener.start("127.0.0.1", 0, services);
                    Connection c = DriverManager.getConnection(
                            "jdbc:postgresql://127.0.0.1:" + listener.port() + "/pg-test?sslmode=disable",
                            "devin",
                            pg.token);
                    Statement s = c.createStatement()) {
                s.execute("create table refused (id int)");
                recorder.down = true;
                assertThatThrownBy(() -> s.executeUpdate("insert into refused values (42)"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e ->
                                assertThat(((SQLException) e).getSQLState()).isEqualTo(PgErrors.RECORDING_UNAVAILABLE));
            }
            String session = await().atMost(Duration.ofSeconds(20))
                    .until(
                            () -> pg.events(EventKind.BLOCKED).stream()
                                    .filter(e -> "insert into refused values (42)".equals(PgFixture.text(e, "sql")))
                                    .findFirst(),
                            java.util.Optional::isPresent)
                    .get()
                    .session();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> pg.events(EventKind.SESSION_END).stream().anyMatch(e -> session.equals(e.session())));
            List<Event> events = pg.events().stream()
                    .filter(e -> session.equals(e.session()))
                    .toList();
            Event blocked = events.stream()
                    .filter(e -> e.kind() == EventKind.BLOCKED)
                    .findFirst()
                    .orElseThrow();
            assertThat(PgFixture.text(blocked, "sqlstate")).isEqualTo(PgErrors.RECORDING_UNAVAILABLE);
            assertThat(PgFixture.text(blocked, "reason")).isEqualTo(PgErrors.NOT_RECORDED_MESSAGE);
            assertThat(events)
                    .as("no outcome for the refused statement: it never ran")
                    .noneMatch(
                            e -> e.kind() == EventKind.COMMAND_RESULT && "unknown".equals(PgFixture.text(e, "status")));
            long commands =
                    events.stream().filter(e -> e.kind() == EventKind.COMMAND).count();
            Event end = events.stream()
                    .filter(e -> e.kind() == EventKind.SESSION_END)
                    .findFirst()
                    .orElseThrow();
            assertThat(PgFixture.number(end, "commands"))
                    .as("session.end counts the commands the log holds")
                    .isEqualTo(commands);
            assertThat(events.stream().filter(e -> e.kind() == EventKind.COMMAND))
                    .noneMatch(e -> "insert into refused values (42)".equals(PgFixture.text(e, "sql")));
            try (Connection direct = pg.direct();
                    Statement s = direct.createStatement();
                    ResultSet rs = s.executeQuery("select count(*) from refused")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    /** A recorder whose best-effort backlog is full, as when the store has been down for a while. */
    static final class FullBacklogRecorder extends DelegatingRecorder {
        volatile boolean full;

        FullBacklogRecorder(Recorder real) {
            super(real);
        }

        @Override
        public void appendBestEffort(Event draft) {
            if (full) {
                throw new io.gatehouse.gateway.recorder.RecordingUnavailableException(
                        "the best-effort backlog is full (test); refusing rather than losing records");
            }
            real.appendBestEffort(draft);
        }

        @Override
        public void reserveBestEffort(int events) {
            if (full) {
                throw new io.gatehouse.gateway.recorder.RecordingUnavailableException(
                        "the best-effort backlog is full (test); refusing rather than losing records");
            }
        }

        @Override
        public void appendReserved(Event draft) {
            real.appendBestEffort(draft); // its room was reserved while there was some: never refused
        }

        @Override
        public void releaseReserved(int events) {
            // nothing was reserved in the real writer (reserveBestEffort above does not pass on)
        }
    }

    @Test
    void aBestEffortStatementIsRefusedPromptlyWhenEvenTheBacklogIsFull(@TempDir Path dir) throws Exception {
        try (PgFixture pg = fixture(dir, EmbeddedPostgresServer.shared(), Map.of())) {
            pg.connection("pg-be", java.util.Map.of("durability", "best-effort"));
            pg.grant("devin", "pg-be");
            FullBacklogRecorder recorder =
                    new FullBacklogRecorder(pg.gateway.gateway().writer());
            PgServices services = pg.services(recorder, Duration.ofMillis(300));
            try (PgListener listener = PgListener.start("127.0.0.1", 0, services);
                    Connection c = DriverManager.getConnection(
                            "jdbc:postgresql://127.0.0.1:" + listener.port()
                                    + "/pg-be?sslmode=disable&socketTimeout=20",
                            "devin",
                            pg.token);
                    Statement s = c.createStatement()) {
                s.execute("create table spared (id int)");
                recorder.full = true;
                // Before the fix this hung: the exception escaped the Netty handler and nobody answered; a hang
                // would end in the socket timeout with 08006, not in this 58000 refusal.
                assertThatThrownBy(() -> s.executeUpdate("insert into spared values (1)"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> {
                            assertThat(((SQLException) e).getSQLState()).isEqualTo(PgErrors.RECORDING_UNAVAILABLE);
                            assertThat(e.getMessage()).contains("not executed").contains("backlog is full");
                        });
            }
            try (Connection direct = pg.direct();
                    Statement s = direct.createStatement();
                    ResultSet rs = s.executeQuery("select count(*) from spared")) {
                rs.next();
                assertThat(rs.getInt(1))
                        .as("nothing reached the database unrecorded")
                        .isZero();
            }
        }
    }
}
