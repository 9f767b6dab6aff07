package io.gatehouse.gateway.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pg.event-loops} sets how many threads serve the PostgreSQL sessions: eight sessions on a gateway
 * configured with three loops are served by exactly three new {@code gatehouse-pg-*} threads, and all of
 * them work.
 */
class PgEventLoopsTest {

    @Test
    void sessionsShareTheConfiguredNumberOfEventLoops(@TempDir Path dir) throws Exception {
        Set<String> before = loopThreads();
        try (PgFixture pg =
                new PgFixture(dir, EmbeddedPostgresServer.shared(), Map.of(ConfigKey.PG_EVENT_LOOPS, "3"))) {
            List<Connection> sessions = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Connection c = pg.connect("devin", pg.token);
                    sessions.add(c);
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("select " + i + " * 2")) {
                        rs.next();
                        assertThat(rs.getInt(1)).isEqualTo(i * 2);
                    }
                }
                Set<String> started = loopThreads();
                started.removeAll(before);
                assertThat(started)
                        .as("event-loop threads started for 8 sessions with pg.event-loops = 3")
                        .hasSize(3);
            } finally {
                for (Connection c : sessions) {
                    c.close();
                }
            }
        }
    }

    /** Live threads of PostgreSQL session event loops (not the acceptor). */
    private static Set<String> loopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(n -> n.startsWith("gatehouse-pg-") && !n.startsWith("gatehouse-pg-accept"))
                .collect(Collectors.toSet());
    }
}
