package io.gatehouse.gateway.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.note.NoteVerifier;
import io.gatehouse.gateway.recorder.StoreVerifier;
import io.gatehouse.gateway.testing.MixedWorkload;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short form of the soak harness ({@code bench/soak.sh}, issue 7): concurrent sessions run the mixed
 * workload through one gateway, half on a fail-closed connection and half on a best-effort one, and
 * afterwards the record is checked against what the clients did and against the database itself.
 */
class PgSoakTest {
    private static final int SESSIONS = 40;

    @Test
    void everyStatementOfManyConcurrentSessionsIsRecordedAndEveryRowHasItsRecord(@TempDir Path dir) throws Exception {
        try (PgFixture pg = new PgFixture(dir)) {
            pg.connection("pg-be", Map.of("durability", "best-effort"));
            pg.grant("devin", "pg-be");
            try (Connection direct = pg.direct()) {
                MixedWorkload.createTable(direct);
            }

            MixedWorkload.Result[] results = new MixedWorkload.Result[2];
            Thread bestEffort = Thread.ofVirtual().start(() -> results[1] = run(pg, "pg-be", SESSIONS / 2));
            results[0] = run(pg, "pg-test", 0);
            bestEffort.join();

            long statements = 0;
            long committed = 0;
            for (MixedWorkload.Result r : results) {
                assertThat(r.unexpected())
                        .as("errors the workload did not expect")
                        .isEmpty();
                assertThat(r.expectedErrors())
                        .as("each session reached its failing statement")
                        .isPositive();
                statements += r.statements();
                committed += r.committedRows();
            }
            assertThat(statements).isGreaterThan(SESSIONS * 6L);

            // Best-effort events may trail their statements; the fail-closed ones are durable already.
            String origin = pg.gateway.gateway().writer().origin();
            long expected = statements;
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() ->
                            MixedWorkload.recorded(pg.gateway.gateway().store().log(), origin, "devin")
                                            .commands()
                                    >= expected);
            MixedWorkload.Recorded recorded =
                    MixedWorkload.recorded(pg.gateway.gateway().store().log(), origin, "devin");
            assertThat(recorded.commands())
                    .as("one command event per statement the clients executed")
                    .isEqualTo(statements);

            Set<String> rows;
            try (Connection direct = pg.direct()) {
                rows = MixedWorkload.rows(direct);
            }
            assertThat((long) rows.size()).as("rows committed").isEqualTo(committed);
            assertThat(recorded.inserts())
                    .as("every row in the database has its recorded INSERT")
                    .containsAll(rows);

            StoreVerifier.Result verified = StoreVerifier.verify(
                    pg.gateway.gateway().store().log(),
                    origin,
                    NoteVerifier.parse(pg.gateway.gateway().verifierKey()));
            assertThat(verified.ok()).as(verified.summary()).isTrue();
        }
    }

    private static MixedWorkload.Result run(PgFixture pg, String connection, int firstSession) {
        try {
            return MixedWorkload.run(
                    pg.url(connection, "disable"),
                    "devin",
                    pg.token,
                    firstSession,
                    SESSIONS / 2,
                    Duration.ofSeconds(6),
                    Duration.ofMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
