package io.gatehouse.gateway.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.audit.EventKind;
import io.gatehouse.gateway.recorder.Recorder;
import io.gatehouse.gateway.testing.DelegatingRecorder;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Best-effort backpressure: while the recorder reports that it is behind ({@link Recorder#bestEffortBehind}),
 * a best-effort session stops reading its client, so that statements wait instead of filling the backlog and
 * being refused; they run, recorded, once it has caught up.
 */
class PgBestEffortBackpressureTest {

    /** The gateway's real log writer, reporting "behind" when told to. */
    static final class LaggingRecorder extends DelegatingRecorder {
        volatile boolean behind;

        LaggingRecorder(Recorder real) {
            super(real);
        }

        @Override
        public boolean bestEffortBehind() {
            return behind;
        }
    }

    @Test
    void aBestEffortStatementWaitsWhileTheRecorderIsBehindThenRunsRecorded(@TempDir Path dir) throws Exception {
        try (PgFixture pg = new PgFixture(dir, EmbeddedPostgresServer.shared(), Map.of())) {
            pg.connection("pg-be", Map.of("durability", "best-effort"));
            pg.grant("devin", "pg-be");
            LaggingRecorder recorder = new LaggingRecorder(pg.gateway.gateway().writer());
            PgServices services = pg.services(recorder, Duration.ofSeconds(2));
            try (PgListener listener = PgListener.start("127.0.0.1", 0, services);
                    Connection c = DriverManager.getConnection(
                            "jdbc:postgresql://127.0.0.1:" + listener.port() + "/pg-be?sslmode=disable",
                            "devin",
                            pg.token);
                    Statement s = c.createStatement()) {
                assertThat(value(s, "select 1")).isEqualTo(1);
                recorder.behind = true;
                // the read for this statement was issued before the recorder fell behind: it runs
                assertThat(value(s, "select 2")).isEqualTo(2);
                CompletableFuture<Integer> held = CompletableFuture.supplyAsync(() -> value(s, "select 3"));
                Thread.sleep(700);
                assertThat(held).as("held back while the recorder is behind").isNotDone();

                recorder.behind = false;
                assertThat(held.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(3);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> pg.events(EventKind.COMMAND).stream()
                    .filter(e -> "pg-be".equals(e.connection()))
                    .map(e -> PgFixture.text(e, "sql"))
                    .toList()
                    .containsAll(java.util.List.of("select 1", "select 2", "select 3")));
        }
    }

    private static int value(Statement s, String sql) {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
