package io.gatehouse.gateway.pg;

import static io.gatehouse.gateway.pg.PgFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.audit.EventKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real psql client over TLS: a meta-command and a multi-statement string, recorded as sent. */
class PsqlTest {
    @Test
    void psqlRunsAMetaCommandAndAMultiStatementStringThroughTheGateway(@TempDir Path dir) throws Exception {
        Path psql = Path.of("/usr/bin/psql");
        assertThat(psql).as("psql is installed (CI installs postgresql-client)").exists();
        try (PgFixture pg = new PgFixture(dir)) {
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
}
