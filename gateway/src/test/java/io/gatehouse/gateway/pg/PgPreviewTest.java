package io.gatehouse.gateway.pg;

import static io.gatehouse.gateway.pg.PgFixture.text;
import static io.gatehouse.gateway.pg.PgListenerTest.command;
import static io.gatehouse.gateway.pg.PgListenerTest.resultOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.Value;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The row preview of {@code command.result}: on a connection recording content {@code full}, the first
 * rows as the client received them, capped by {@code recording.preview-rows} and {@code
 * recording.preview-bytes}; on a connection recording {@code commands}, none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgPreviewTest {
    static final String ROWS = "select g, 'row ' || g as label, null::text as nothing from generate_series(1, 8) g";
    PgFixture pg;

    @BeforeAll
    void start(@TempDir Path dir) {
        pg = new PgFixture(
                dir,
                EmbeddedPostgresServer.shared(),
                Map.of(ConfigKey.RECORDING_PREVIEW_ROWS, "5", ConfigKey.RECORDING_PREVIEW_BYTES, "12KiB"));
        pg.connection("pg-full", Map.of("recording", "full"));
        pg.grant("devin", "pg-full");
        pg.connection("pg-commands", Map.of("recording", "commands"));
        pg.grant("devin", "pg-commands");
    }

    @AfterAll
    void stop() {
        pg.close();
    }

    @Test
    void fullRecordsTheFirstRowsCappedByRowsAndBytesInTextAndBinaryFormat() throws Exception {
        String wide = "select repeat('x', 5000) as wide from generate_series(1, 3)";
        String huge = "select repeat('y', 40000) as huge";
        String prepared = "select g, g * 2 from generate_series(1, ?) g";
        try (Connection c = DriverManager.getConnection(pg.url("pg-full", "disable"), "devin", pg.token)) {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(ROWS)) {
                assertThat(count(rs)).isEqualTo(8);
            }
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(wide)) {
                assertThat(count(rs)).isEqualTo(3);
            }
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(huge)) {
                assertThat(count(rs)).isEqualTo(1);
            }
            try (PreparedStatement p = c.prepareStatement(prepared)) {
                for (int limit = 1; limit <= 7; limit++) { // past prepareThreshold: ints arrive in binary
                    p.setInt(1, limit);
                    try (ResultSet rs = p.executeQuery()) {
                        assertThat(count(rs)).isEqualTo(limit);
                    }
                }
            }
        }
        try (Connection c = DriverManager.getConnection(
                        pg.url("pg-full", "disable") + "&preferQueryMode=simple", "devin", pg.token);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select 'ünï' as word, 42")) {
            assertThat(count(rs)).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Event> events = pg.events();
            Event rows = resultOf(events, command(events, ROWS));
            assertThat(preview(rows))
                    .containsExactly(
                            list("1", "row 1", null),
                            list("2", "row 2", null),
                            list("3", "row 3", null),
                            list("4", "row 4", null),
                            list("5", "row 5", null));
            assertThat(rows.field("preview_truncated")).isEqualTo(new Value.Bool(true));
            assertThat(PgFixture.number(rows, "rows")).isEqualTo(8);

            Event wideResult = resultOf(events, command(events, wide));
            assertThat(preview(wideResult))
                    .as("12 KiB hold two 5,000-byte rows, not three")
                    .hasSize(2);
            assertThat(preview(wideResult).get(0).get(0)).isEqualTo("x".repeat(5000));
            assertThat(wideResult.field("preview_truncated")).isEqualTo(new Value.Bool(true));

            Event hugeResult = resultOf(events, command(events, huge));
            assertThat(preview(hugeResult))
                    .as("a row streamed in chunks is never buffered")
                    .isEmpty();
            assertThat(hugeResult.field("preview_truncated")).isEqualTo(new Value.Bool(true));
            assertThat(PgFixture.number(hugeResult, "rows")).isEqualTo(1);

            Event lastPrepared = resultOf(events, command(events, "select g, g * 2 from generate_series(1, $1) g"));
            assertThat(preview(lastPrepared))
                    .containsExactly(list("1", "2"), list("2", "4"), list("3", "6"), list("4", "8"), list("5", "10"));

            Event simple = resultOf(events, command(events, "select 'ünï' as word, 42"));
            assertThat(preview(simple)).containsExactly(list("ünï", "42"));
            assertThat(simple.field("preview_truncated")).isEqualTo(new Value.Bool(false));
        });
    }

    @Test
    void commandsRecordsNoPreview() throws Exception {
        String sql = ROWS + " /* commands */";
        try (Connection c = DriverManager.getConnection(pg.url("pg-commands", "disable"), "devin", pg.token);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(count(rs)).isEqualTo(8);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Event result = resultOf(pg.events(), command(pg.events(), sql));
            assertThat(text(result, "tag")).isEqualTo("SELECT 8");
            assertThat(result.field("preview")).isNull();
            assertThat(result.field("preview_truncated")).isNull();
        });
    }

    private static int count(ResultSet rs) throws Exception {
        int n = 0;
        while (rs.next()) {
            n++;
        }
        return n;
    }

    private static List<String> list(String... values) {
        List<String> out = new ArrayList<>();
        for (String value : values) {
            out.add(value);
        }
        return out;
    }

    private static List<List<String>> preview(Event result) {
        List<List<String>> rows = new ArrayList<>();
        if (result.field("preview") instanceof Value.List(List<Value> values)) {
            for (Value row : values) {
                List<String> columns = new ArrayList<>();
                if (row instanceof Value.List(List<Value> cells)) {
                    for (Value cell : cells) {
                        columns.add(cell instanceof Value.Str(String s) ? s : null);
                    }
                }
                rows.add(columns);
            }
        }
        return rows;
    }
}
