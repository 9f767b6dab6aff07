package io.gatehouse.gateway.pg;

import static io.gatehouse.gateway.pg.PgFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real pgbench through the gateway in each query mode: every statement pgbench executed is one recorded
 * command, and the recorded parameters are the values pgbench sent. pgbench draws its values at random, so
 * its script also inserts each drawn value into a table: the database itself then tells which values were
 * sent, independent of what the gateway recorded.
 */
class PgbenchTest {
    /** The fixture this suite runs on; {@code ...ThroughConnectorTest} runs the same suite via a connector. */
    PgFixture fixture(Path dir, EmbeddedPostgresServer server, Map<ConfigKey, String> config) {
        return new PgFixture(dir, server, config);
    }

    static final int CLIENTS = 2;
    static final int TRANSACTIONS_PER_CLIENT = 25;
    static final String SELECT = "SELECT abalance FROM pgbench_accounts WHERE aid = ";
    static final String INSERT = "INSERT INTO sent (aid) VALUES (";

    @ParameterizedTest(name = "-M {0}")
    @ValueSource(strings = {"simple", "extended", "prepared"})
    void everyStatementPgbenchExecutesIsRecordedWithTheParametersItSent(String mode, @TempDir Path dir)
            throws Exception {
        Path pgbench = Path.of("/usr/bin/pgbench");
        assertThat(pgbench)
                .as("pgbench is installed (CI installs postgresql-client)")
                .exists();
        try (PgFixture pg = fixture(dir, EmbeddedPostgresServer.shared(), Map.of())) {
            run(dir, pg, "init", pgbench.toString(), "-i", "-q", "-n", direct(pg));
            try (Connection c = pg.direct();
                    Statement s = c.createStatement()) {
                s.execute("create table sent (aid int)");
            }
            Path script = dir.resolve("script.sql");
            Files.writeString(
                    script, String.join("\n", "\\set aid random(1, 100000)", SELECT + ":aid;", INSERT + ":aid);", ""));
            String out = run(
                    dir,
                    pg,
                    "bench",
                    pgbench.toString(),
                    "-n",
                    "-M",
                    mode,
                    "-c",
                    String.valueOf(CLIENTS),
                    "-t",
                    String.valueOf(TRANSACTIONS_PER_CLIENT),
                    "-f",
                    script.toString(),
                    "host=127.0.0.1 port=" + pg.pgPort() + " dbname=pg-test user=devin sslmode=disable");
            int transactions = CLIENTS * TRANSACTIONS_PER_CLIENT;
            assertThat(out).contains("number of transactions actually processed: " + transactions + "/" + transactions);

            List<Integer> sent = new ArrayList<>();
            try (Connection c = pg.direct();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select aid from sent order by aid")) {
                while (rs.next()) {
                    sent.add(rs.getInt(1));
                }
            }
            assertThat(sent).hasSize(transactions);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<Event> events = pg.events();
                Set<String> benchSessions = events.stream()
                        .filter(e -> e.kind() == EventKind.SESSION_START)
                        .filter(e -> "pgbench".equals(text(e, "application_name")))
                        .map(Event::session)
                        .collect(Collectors.toSet());
                List<Event> commands = events.stream()
                        .filter(e -> e.kind() == EventKind.COMMAND && benchSessions.contains(e.session()))
                        .toList();
                // two statements per transaction, nothing else: pgbench -n with a custom script sends no
                // set-up queries
                assertThat(commands).hasSize(2 * transactions);
                List<Event> selects = commands.stream()
                        .filter(e -> text(e, "sql").startsWith(SELECT))
                        .toList();
                assertThat(selects).hasSize(transactions);
                List<Integer> recorded = new ArrayList<>();
                for (Event select : selects) {
                    if (mode.equals("simple")) {
                        assertThat(text(select, "protocol")).isEqualTo("simple");
                        recorded.add(Integer.parseInt(
                                text(select, "sql").substring(SELECT.length()).replace(";", "")));
                    } else {
                        assertThat(text(select, "protocol")).isEqualTo("extended");
                        assertThat(text(select, "sql")).isEqualTo(SELECT + "$1;"); // pgbench sends its line as written
                        List<String> parameters = PgFixture.parameters(select);
                        assertThat(parameters).hasSize(1);
                        recorded.add(Integer.parseInt(parameters.get(0)));
                    }
                }
                assertThat(recorded).containsExactlyInAnyOrderElementsOf(sent);
                assertThat(commands.stream().filter(e -> text(e, "sql").startsWith(INSERT)))
                        .hasSize(transactions);
                List<Event> results = events.stream()
                        .filter(e -> e.kind() == EventKind.COMMAND_RESULT && benchSessions.contains(e.session()))
                        .toList();
                assertThat(results).hasSize(2 * transactions);
                assertThat(results.stream().map(e -> text(e, "tag"))).containsOnly("SELECT 1", "INSERT 0 1");
            });
        }
    }

    private static String direct(PgFixture pg) {
        return "host=127.0.0.1 port=" + pg.server.port() + " dbname=" + pg.database.name() + " user="
                + pg.database.username();
    }

    private static String run(Path dir, PgFixture pg, String name, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("PGPASSWORD", pg.token);
        builder.redirectErrorStream(true);
        Path output = dir.resolve(name + ".out");
        builder.redirectOutput(output.toFile());
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }
}
