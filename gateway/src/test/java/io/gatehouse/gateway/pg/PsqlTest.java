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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real psql client over TLS: a meta-command, a multi-statement string, {@code \\copy} both ways, a
 * 1 MiB statement and Unicode, each recorded as sent.
 */
class PsqlTest {
    /** The fixture this suite runs on; {@code ...ThroughConnectorTest} runs the same suite via a connector. */
    PgFixture fixture(Path dir, EmbeddedPostgresServer server, Map<ConfigKey, String> config) {
        return new PgFixture(dir, server, config);
    }

    @Test
    void psqlRunsAMetaCommandAndAMultiStatementStringThroughTheGateway(@TempDir Path dir) throws Exception {
        Path psql = Path.of("/usr/bin/psql");
        assertThat(psql).as("psql is installed (CI installs postgresql-client)").exists();
        try (PgFixture pg = fixture(dir, EmbeddedPostgresServer.shared(), Map.of())) {
            String multi =
                    "create table notes (body text); insert into notes values ('ünïcode'); select count(*) from notes";
            ProcessBuilder builder = new ProcessBuilder(
                    psql.toString(),
                    "host=127.0.0.1 port=" + pg.pgPort() + " dbname=pg-test user=devin sslmode=require",
                    "-X",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-c",
                    multi,
                    "-c",
                    "\\dt");
            builder.environment().put("PGPASSWORD", pg.token);
            builder.redirectErrorStream(true);
            Path output = dir.resolve("psql.out");
            builder.redirectOutput(output.toFile());
            Process process = builder.start();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(out).isZero();
            assertThat(out).contains("notes").contains("1");

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<String> sql = pg.events(EventKind.COMMAND).stream()
                        .map(e -> text(e, "sql"))
                        .toList();
                assertThat(sql).contains(multi);
                assertThat(sql).anySatisfy(s -> assertThat(s).contains("pg_catalog.pg_class"));
                // the multi-statement string: one command, one result with every statement's tag
                assertThat(pg.events(EventKind.COMMAND_RESULT))
                        .anySatisfy(e -> assertThat(String.valueOf(e.field("tags")))
                                .contains("CREATE TABLE", "INSERT 0 1", "SELECT 1"));
            });
        }
    }

    @Test
    void psqlCopiesBothWaysAndSendsA1MiBStatementAndUnicode(@TempDir Path dir) throws Exception {
        try (PgFixture pg = fixture(dir, EmbeddedPostgresServer.shared(), Map.of())) {
            int rows = 5_000;
            StringBuilder data = new StringBuilder();
            for (int i = 1; i <= rows; i++) {
                data.append(i)
                        .append('\t')
                        .append("zeile-")
                        .append(i)
                        .append("-ü€😀")
                        .append('\n');
            }
            Path in = dir.resolve("in.tsv");
            Path out = dir.resolve("out.tsv");
            Files.writeString(in, data, StandardCharsets.UTF_8);
            String big = "select length('" + "x".repeat(1 << 20) + "') as big";
            String unicode = "select 'grüße, 日本語, emoji 😀' as greeting";
            Path script = dir.resolve("script.sql");
            Files.writeString(
                    script,
                    String.join(
                            "\n",
                            "create table lines (id int, body text);",
                            "\\copy lines from '" + in + "'",
                            "\\copy (select * from lines order by id) to '" + out + "'",
                            big + ";",
                            unicode + ";",
                            ""),
                    StandardCharsets.UTF_8);
            String output = psql(dir, pg, "-f", script.toString());
            assertThat(output).contains("COPY " + rows).contains("1048576").contains("grüße, 日本語, emoji 😀");
            assertThat(Files.readString(out, StandardCharsets.UTF_8)).isEqualTo(data.toString());

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<Event> events = pg.events();
                Event copyIn = events.stream()
                        .filter(e -> e.kind() == EventKind.COMMAND)
                        .filter(e -> String.valueOf(text(e, "sql")).matches("(?i)copy\\s+lines\\s+from\\s+stdin.*"))
                        .findFirst()
                        .orElseThrow();
                Event copyInResult = PgListenerTest.resultOf(events, copyIn);
                assertThat(text(copyInResult, "tag")).isEqualTo("COPY " + rows);
                assertThat(PgFixture.number(copyInResult, "copy_bytes"))
                        .isEqualTo(data.toString().getBytes(StandardCharsets.UTF_8).length);
                Event copyOut = events.stream()
                        .filter(e -> e.kind() == EventKind.COMMAND)
                        .filter(e -> String.valueOf(text(e, "sql")).matches("(?i)copy\\s+\\(.*\\)\\s+to\\s+stdout.*"))
                        .findFirst()
                        .orElseThrow();
                Event copyOutResult = PgListenerTest.resultOf(events, copyOut);
                assertThat(text(copyOutResult, "tag")).isEqualTo("COPY " + rows);
                assertThat(PgFixture.number(copyOutResult, "rows")).isEqualTo(rows);
                Event bigCommand = PgListenerTest.command(events, big + ";");
                assertThat(text(bigCommand, "sql")).hasSize(big.length() + 1);
                assertThat(text(PgListenerTest.resultOf(events, bigCommand), "tag"))
                        .isEqualTo("SELECT 1");
                Event greeting = PgListenerTest.command(events, unicode + ";");
                assertThat(text(PgListenerTest.resultOf(events, greeting), "tag"))
                        .isEqualTo("SELECT 1");
            });
        }
    }

    private static String psql(Path dir, PgFixture pg, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "/usr/bin/psql",
                "host=127.0.0.1 port=" + pg.pgPort() + " dbname=pg-test user=devin sslmode=require",
                "-X",
                "-v",
                "ON_ERROR_STOP=1"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("PGPASSWORD", pg.token);
        builder.environment().put("PGCLIENTENCODING", "UTF8");
        builder.redirectErrorStream(true);
        Path output = dir.resolve("psql-" + System.nanoTime() + ".out");
        builder.redirectOutput(output.toFile());
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }
}
