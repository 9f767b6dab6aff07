package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.Value;
import io.gatehouse.gateway.testing.TestGateway;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue "Read the record back", the CLI: {@code sessions list/show/follow} and {@code timeline} against a
 * running gateway whose log holds two sessions on pg-prod (devin's, closed, with a long query; max's, open,
 * whose command failed) and one of devin's on pg-dev.
 */
class CliSessionsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String LONG_SQL = "SELECT id, owner, balance, created_at, updated_at FROM accounts"
            + " WHERE balance > 1000000 AND owner NOT IN (SELECT owner FROM frozen) ORDER BY balance DESC";

    @TempDir
    static Path data;

    @TempDir
    static Path home;

    static TestGateway gw;
    static Map<String, String> env;
    static long start;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(data, Clock.systemUTC());
        env = new HashMap<>();
        env.put("XDG_CONFIG_HOME", home.toString());
        env.put("GATEHOUSE_URL", "https://127.0.0.1:" + gw.gateway().apiPort());
        env.put("GATEHOUSE_CA", data.resolve("tls/ca.crt").toString());
        env.put("GATEHOUSE_TOKEN", gw.adminToken());
        start = Instant.now().minus(Duration.ofMinutes(10)).toEpochMilli() * 1000;
        long t = start;
        write(
                start("s-dev1", "devin", "pg-prod", t),
                command("s-dev1", "devin", "pg-prod", 1, LONG_SQL, t + 10),
                result("s-dev1", "devin", "pg-prod", 1, "ok", t + 20),
                end("s-dev1", "devin", "pg-prod", t + 30));
        write(
                start("s-max1", "max", "pg-prod", t + 1000),
                command("s-max1", "max", "pg-prod", 1, "DELETE FROM audit_trail", t + 1010),
                result("s-max1", "max", "pg-prod", 1, "error", t + 1020));
        write(start("s-dev2", "devin", "pg-dev", t + 2000));
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void listFiltersAndShowsLocalTimesWithZone() {
        CliRun all = CliRun.of(env, "sessions", "list");
        assertThat(all.exitCode()).as(all.err()).isZero();
        List<String> lines = all.out().lines().toList();
        assertThat(lines.get(0)).startsWith("STARTED").contains("SESSION", "IDENTITY", "CONNECTION", "INTEGRITY");
        assertThat(lines.get(1)).contains("s-dev2");
        assertThat(lines.get(2)).contains("s-max1", "max", "pg-prod", "open");
        assertThat(lines.get(3)).contains("s-dev1", "closed");
        String zone = DateTimeFormatter.ofPattern("z").format(Instant.now().atZone(ZoneId.systemDefault()));
        assertThat(lines.get(3)).contains(" " + zone);

        CliRun devin = CliRun.of(env, "sessions", "list", "--identity", "devin", "--connection", "pg-prod");
        assertThat(devin.out()).contains("s-dev1").doesNotContain("s-max1").doesNotContain("s-dev2");
        CliRun open = CliRun.of(env, "sessions", "list", "--status", "open", "--since", "1h");
        assertThat(open.out()).contains("s-max1", "s-dev2").doesNotContain("s-dev1");
        CliRun old = CliRun.of(env, "sessions", "list", "--until", "1h");
        assertThat(old.out().lines().count()).as(old.out()).isEqualTo(1); // the header only

        CliRun bad = CliRun.of(env, "sessions", "list", "--since", "yesterday");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("--since must be a duration before now");
    }

    @Test
    void listPagesWithTheCursorItPrints() throws Exception {
        CliRun first = CliRun.of(env, "sessions", "list", "--limit", "2");
        assertThat(first.out()).contains("s-dev2", "s-max1").doesNotContain("s-dev1");
        String more = first.out()
                .lines()
                .filter(l -> l.startsWith("more: --cursor "))
                .findFirst()
                .orElseThrow();
        String cursor = more.substring("more: --cursor ".length());
        CliRun second = CliRun.of(env, "sessions", "list", "--limit", "2", "--cursor", cursor, "--json");
        JsonNode page = JSON.readTree(second.out());
        assertThat(page.get("sessions")).hasSize(1);
        assertThat(page.get("sessions").get(0).get("id").asText()).isEqualTo("s-dev1");
    }

    @Test
    void showPrintsFactsAndEventsAndJsonKeepsTheFullSql() throws Exception {
        CliRun show = CliRun.of(env, "sessions", "show", "s-dev1");
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out())
                .contains("identity    devin")
                .contains("connection  pg-prod (postgres)")
                .contains("closed")
                .contains("client closed")
                .contains("session.start", "command", "command.result", "session.end")
                .contains("integrity   ");
        CliRun json = CliRun.of(env, "sessions", "show", "s-dev1", "--json");
        JsonNode s = JSON.readTree(json.out());
        assertThat(s.get("events").get(1).get("fields").get("sql").asText()).isEqualTo(LONG_SQL);
    }

    @Test
    void followPrintsAClosedSessionsEventsAndEnds() {
        CliRun follow = CliRun.of(env, "sessions", "follow", "s-dev1");
        assertThat(follow.exitCode()).as(follow.err()).isZero();
        List<String> lines = follow.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).contains("session.start", "devin@pg-prod");
        assertThat(lines.get(3)).contains("session.end", "reason='client closed'");
    }

    @Test
    void timelineShowsCommandsInOrderWithOutcomeAndShortensLongSql() throws Exception {
        CliRun timeline = CliRun.of(env, "timeline", "--connection", "pg-prod", "--since", "1h");
        assertThat(timeline.exitCode()).as(timeline.err()).isZero();
        List<String> lines = timeline.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("TIME").contains("IDENTITY", "SQL", "OUTCOME");
        assertThat(lines.get(1)).contains("devin", "s-dev1", "ok SELECT 1, 1 rows", "…");
        assertThat(lines.get(1)).doesNotContain(LONG_SQL);
        assertThat(lines.get(2)).contains("max", "DELETE FROM audit_trail", "error 42501 permission denied");
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(Table.terminalWidth()));

        CliRun json = CliRun.of(env, "timeline", "--connection", "pg-prod", "--json");
        JsonNode page = JSON.readTree(json.out());
        assertThat(page.get("commands").get(0).get("fields").get("sql").asText())
                .isEqualTo(LONG_SQL);

        CliRun missing = CliRun.of(env, "timeline");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.err()).contains("--connection");
    }

    @Test
    void helpExplainsTheFiltersWithExamples() {
        CliRun help = CliRun.of(env, "sessions", "list", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out())
                .contains("--identity", "--connection", "--since", "--status", "--json")
                .contains("gatehouse sessions list --connection pg-prod --since 1h");
        CliRun timeline = CliRun.of(env, "timeline", "--help");
        assertThat(timeline.exitCode()).isZero();
        assertThat(timeline.out()).contains("--connection", "Example: gatehouse timeline --connection pg-prod");
    }

    static void write(Event... events) throws Exception {
        for (Event e : events) {
            gw.gateway().writer().appendDurably(e, Duration.ofSeconds(5));
        }
        gw.awaitIndexed();
    }

    static Event.Builder event(EventKind kind, String session, String identity, String connection, long t) {
        return Event.builder(kind)
                .timeMicros(t)
                .session(session)
                .identity(identity)
                .connection(connection);
    }

    static Event start(String session, String identity, String connection, long t) {
        return event(EventKind.SESSION_START, session, identity, connection, t)
                .field("protocol", Value.of("postgres"))
                .field("source", Value.of("10.1.2.3:50000"))
                .field("application_name", Value.of("psql"))
                .field("token", Value.of("gh_x"))
                .build();
    }

    static Event command(String session, String identity, String connection, long n, String sql, long t) {
        return event(EventKind.COMMAND, session, identity, connection, t)
                .field("command", Value.of(n))
                .field("sql", Value.of(sql))
                .build();
    }

    static Event result(String session, String identity, String connection, long n, String status, long t) {
        Event.Builder b = event(EventKind.COMMAND_RESULT, session, identity, connection, t)
                .field("command", Value.of(n))
                .field("status", Value.of(status))
                .field("duration_micros", Value.of(1500L));
        if (status.equals("error")) {
            b.field("sqlstate", Value.of("42501")).field("error", Value.of("permission denied"));
        } else {
            b.field("tag", Value.of("SELECT 1")).field("rows", Value.of(1L));
        }
        return b.build();
    }

    static Event end(String session, String identity, String connection, long t) {
        return event(EventKind.SESSION_END, session, identity, connection, t)
                .field("reason", Value.of("client closed"))
                .field("commands", Value.of(1L))
                .build();
    }
}
