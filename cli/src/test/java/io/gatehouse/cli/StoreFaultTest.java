package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventCodec;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.MalformedRecordException;
import io.gatehouse.audit.Value;
import io.gatehouse.gateway.testing.GatewayProcess;
import io.gatehouse.store.LogEntry;
import io.gatehouse.store.Store;
import io.gatehouse.store.StoreSettings;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import io.gatehouse.testkit.KillablePostgresServer;
import io.gatehouse.testkit.PostgresDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, store faults: the gateway (a separate process) loses its store in the middle of a workload and
 * gets it back, without being restarted. While the store is gone, a fail-closed statement is refused with
 * {@code 58000 not executed: the recording store is unavailable} and does not reach the database; a
 * best-effort connection keeps working, its records held in the bounded backlog that {@code /healthz} and
 * {@code /metrics} report; when the store is back, the backlog is written, fail-closed statements run again,
 * and the log verifies with every best-effort statement of the outage in it.
 *
 * <p>Two ways to lose the store: the PostgreSQL store's server killed with SIGKILL (and started again), and
 * the SQLite store unable to grow its files. For the latter the test lowers the gateway process's
 * {@code RLIMIT_FSIZE} to one byte with {@code prlimit(1)} (no privileges needed for one's own child): every
 * write the store makes then fails in the kernel with {@code EFBIG} (the JVM ignores {@code SIGXFSZ}), as a
 * write on a full filesystem fails with {@code ENOSPC}. Mounting a small filesystem would need root;
 * {@code PRAGMA max_page_count} would need a hook into the store's private writer connection and fails above
 * the filesystem. docs/reliability.md explains the choice.
 */
class StoreFaultTest {
    private static final String NOT_RECORDED = "not executed: the recording store is unavailable";

    @TempDir
    Path work;

    @Test
    void aKilledPostgresStoreRefusesFailClosedStatementsKeepsBestEffortOnesAndRecoversWhenItIsBack() throws Exception {
        try (KillablePostgresServer storeServer = KillablePostgresServer.start(work.resolve("store-pg"))) {
            String storeUrl = storeServer.createDatabase("gatehouse_store");
            Map<String, String> env =
                    Map.of("GATEHOUSE_STORE_URL", storeUrl, "GATEHOUSE_STORE_USERNAME", storeServer.username());
            Outage outage = new Outage() {
                @Override
                public void begin(GatewayProcess gateway) {
                    storeServer.kill();
                }

                @Override
                public void end(GatewayProcess gateway) {
                    storeServer.restart();
                }
            };
            Path data = work.resolve("data");
            String key = exercise(data, env, outage, "down");
            List<Event> events;
            try (Store store = Store.open(StoreSettings.of(storeUrl).withCredentials(storeServer.username(), ""))) {
                events = events(store);
            }
            CliRun verify = CliRun.of(
                    Map.of("GATEHOUSE_STORE_USERNAME", storeServer.username()),
                    "audit",
                    "verify",
                    "--store-url",
                    storeUrl,
                    "--key",
                    key);
            assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
            assertRecorded(events);
            report("PostgreSQL store killed (SIGKILL) and restarted", verify);
        }
    }

    @Test
    void aSqliteStoreThatCannotWriteRefusesFailClosedStatementsKeepsBestEffortOnesAndRecovers() throws Exception {
        Outage outage = new Outage() {
            private String previous;

            @Override
            public void begin(GatewayProcess gateway) {
                previous = prlimit(gateway.pid(), null).strip();
                prlimit(gateway.pid(), "1:"); // soft limit only: the process may raise it back to the hard one
            }

            @Override
            public void end(GatewayProcess gateway) {
                prlimit(gateway.pid(), previous + ":");
            }
        };
        Path data = work.resolve("data");
        exercise(data, Map.of(), outage, "up");
        List<Event> events;
        try (Store store = Store.open(StoreSettings.sqlite(data.resolve("gatehouse.db")))) {
            events = events(store);
        }
        CliRun verify = CliRun.of(Map.of(), "audit", "verify", "--data", data.toString());
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
        assertRecorded(events);
        report("SQLite store unable to write (RLIMIT_FSIZE 1 byte), then able again", verify);
    }

    /** The figures of a passed scenario, for docs/reliability.md: fixed by the assertions above. */
    private static void report(String scenario, CliRun verify) {
        System.out.println("store fault: " + scenario + ": fail-closed statements refused with 58000: 1, in the"
                + " database: 0; new fail-closed session during the outage refused; best-effort statements during"
                + " the outage: 5 run, 5 recorded after it; healthz back to ok without a restart; "
                + verify.out().lines().findFirst().orElse(""));
    }

    /** How the store is taken away from a running gateway and given back. */
    interface Outage {
        void begin(GatewayProcess gateway);

        void end(GatewayProcess gateway);
    }

    /**
     * The workload around one outage, with what must hold during and after it; returns the log's verifier key.
     * {@code storeDuring} is what {@code /healthz} reports as the store's state during the outage ("down" when
     * the server is gone; "up" when the SQLite file is readable but cannot grow: then the backlog and the failed
     * batches are what make the gateway degraded).
     */
    private String exercise(Path data, Map<String, String> env, Outage outage, String storeDuring) throws Exception {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        PostgresDatabase database = server.createPostgresDatabase();
        try (Connection direct = direct(database);
                Statement s = direct.createStatement()) {
            s.execute("CREATE TABLE fault_rows (v text PRIMARY KEY)");
        }
        GatewayProcess gateway = GatewayProcess.start(
                GatewayProcess.classpathLauncher(Main.class.getName()), data, withFastCheckpoints(env));
        try {
            String token;
            try {
                token = configure(gateway, database, server.port());
            } catch (RuntimeException e) {
                throw new AssertionError("setting up failed; the gateway's log:\n" + tail(gateway.log()), e);
            }
            String key = gateway.call("/api/v1/audit/key", null, null).text().strip();
            try (Connection failClosed = connect(gateway, "pg-fc", token);
                    Connection bestEffort = connect(gateway, "pg-be", token)) {
                insert(failClosed, "fc-before");
                insert(bestEffort, "be-before");

                outage.begin(gateway);
                assertThatThrownBy(() -> insert(failClosed, "fc-during"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> {
                            assertThat(((SQLException) e).getSQLState()).isEqualTo("58000");
                            assertThat(e.getMessage()).contains(NOT_RECORDED);
                        });
                for (int i = 1; i <= 5; i++) {
                    insert(bestEffort, "be-during-" + i);
                }
                assertThat(rows(database))
                        .as("the refused statement did not reach the database; best-effort ones did")
                        .doesNotContain("fc-during")
                        .contains("be-during-1", "be-during-5");
                JsonNode health = gateway.call("/healthz", null, null).body();
                assertThat(health.get("status").asText()).as(health.toString()).isEqualTo("degraded");
                assertThat(health.get("store").asText()).as(health.toString()).isEqualTo(storeDuring);
                assertThat(health.get("backlog").asInt())
                        .as("best-effort records held while the store is away: " + health)
                        .isPositive();
                // A batch counts as failed once the store has answered with an error or the attempt timed out
                // (a PostgreSQL store: 5 s waiting for a connection), which can be after the refusal above.
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .untilAsserted(() -> {
                            JsonNode h = gateway.call("/healthz", null, null).body();
                            assertThat(h.get("failedBatches").asLong())
                                    .as(h.toString())
                                    .isPositive();
                            // the recorder's own state: "failing" even where the store still reads ("up")
                            assertThat(h.get("recorder").asText())
                                    .as(h.toString())
                                    .isEqualTo("failing");
                        });
                assertThat(gateway.call("/healthz", null, null)
                                .body()
                                .get("refusedCommands")
                                .asLong())
                        .as("the refused fail-closed statement, counted")
                        .isEqualTo(1);
                try (Connection late = connect(gateway, "pg-fc", token)) {
                    insert(late, "fc-new-during");
                    throw new AssertionError("a new fail-closed session ran a statement while the store was away");
                } catch (SQLException refused) {
                    // 58000 when the session's start cannot be recorded; 08006 when even the token cannot be
                    // looked up (the PostgreSQL store is gone): either way the session never starts.
                    assertThat(refused.getSQLState()).isIn("58000", "08006");
                    assertThat(refused.getMessage()).contains("unavailable");
                }

                outage.end(gateway);
                await().atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(200))
                        .untilAsserted(() -> {
                            GatewayProcess.Api.Response r = gateway.call("/healthz", null, null);
                            assertThat(r.status())
                                    .as(() -> r.text() + "\n" + tail(gateway.log()))
                                    .isEqualTo(200);
                            assertThat(r.body().get("backlog").asInt()).isZero();
                            assertThat(r.body().get("recorder").asText()).isEqualTo("writing");
                        });
                insert(bestEffort, "be-after");
                assertThat(metric(gateway, "gatehouse_recorder_failed_batches_total"))
                        .as("the failed batches of the outage, counted")
                        .isPositive();
                assertThat(metric(gateway, "gatehouse_recorder_refused_commands_total"))
                        .as("the fail-closed statement refused during the outage")
                        .isEqualTo(1.0);
                assertThat(metric(gateway, "gatehouse_recorder_failing")).isZero();
            }
            try (Connection failClosed = connect(gateway, "pg-fc", token)) {
                insert(failClosed, "fc-after");
            }
            assertThat(rows(database))
                    .containsExactlyInAnyOrder(
                            "fc-before",
                            "be-before",
                            "be-during-1",
                            "be-during-2",
                            "be-during-3",
                            "be-during-4",
                            "be-during-5",
                            "be-after",
                            "fc-after");
            assertThat(gateway.stop()).as(gateway.log()).isIn(0, 143);
            return key;
        } finally {
            gateway.close();
        }
    }

    /** After the outage: every statement that ran is in the log, and the refused session's end says why. */
    private static void assertRecorded(List<Event> events) {
        events.forEach(e ->
                System.out.println("EVENT " + e.seq() + " " + e.kind() + " " + e.session() + " " + e.fields())); // TEMP
        TreeSet<String> recorded = new TreeSet<>();
        for (Event e : events) {
            if (e.kind() == EventKind.COMMAND && e.field("sql") instanceof Value.Str(String sql)) {
                int quote = sql.indexOf('\'');
                if (quote >= 0) {
                    recorded.add(sql.substring(quote + 1, sql.indexOf('\'', quote + 1)));
                }
            }
        }
        assertThat(recorded)
                .as("every statement that reached the database has its command event")
                .contains(
                        "fc-before",
                        "be-before",
                        "be-during-1",
                        "be-during-2",
                        "be-during-3",
                        "be-during-4",
                        "be-during-5",
                        "be-after",
                        "fc-after")
                .as("the refused statement has no command event: its record never became durable")
                .doesNotContain("fc-during");
        assertThat(events)
                .as("the refused statement, recorded as blocked once the store was back")
                .anySatisfy(e -> {
                    assertThat(e.kind()).isEqualTo(EventKind.BLOCKED);
                    assertThat(e.field("sql")).isEqualTo(Value.of("INSERT INTO fault_rows (v) VALUES ('fc-during')"));
                    assertThat(e.field("sqlstate")).isEqualTo(Value.of("58000"));
                    assertThat(e.field("reason")).isEqualTo(Value.of(NOT_RECORDED));
                });
        assertThat(events)
                .as("the refused session's end, written once the store was back")
                .anySatisfy(e -> {
                    assertThat(e.kind()).isEqualTo(EventKind.SESSION_END);
                    assertThat(e.field("reason"))
                            .isInstanceOfSatisfying(Value.Str.class, reason -> assertThat(reason.value())
                                    .startsWith("recording unavailable"));
                });
    }

    /** The last lines of a gateway's log, for a failure message. */
    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static String configure(GatewayProcess gateway, PostgresDatabase database, int port) {
        String admin = gateway.initialAdminToken();
        gateway.call("/api/v1/identities", admin, Map.of("name", "agent", "kind", "agent", "role", "user"))
                .expect(201);
        String token = gateway.call("/api/v1/tokens", admin, Map.of("identity", "agent"))
                .expect(201)
                .get("token")
                .asText();
        for (String durability : List.of("fail-closed", "best-effort")) {
            String name = durability.equals("fail-closed") ? "pg-fc" : "pg-be";
            gateway.call(
                            "/api/v1/connections",
                            admin,
                            Map.of(
                                    "name",
                                    name,
                                    "type",
                                    "postgres",
                                    "target",
                                    "127.0.0.1:" + port,
                                    "username",
                                    database.username(),
                                    "database",
                                    database.name(),
                                    "durability",
                                    durability))
                    .expect(201);
            gateway.call("/api/v1/grants", admin, Map.of("identity", "agent", "connection", name))
                    .expect(201);
        }
        return token;
    }

    private static Map<String, String> withFastCheckpoints(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("GATEHOUSE_CHECKPOINT_INTERVAL", "200ms");
        return all;
    }

    private static Connection connect(GatewayProcess gateway, String connection, String token) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + gateway.pgPort() + "/" + connection
                        + "?sslmode=disable&connectTimeout=10&socketTimeout=60",
                "agent",
                token);
    }

    /** One autocommit insert; {@code value} is a fixed test string without quotes. */
    private static void insert(Connection c, String value) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO fault_rows (v) VALUES ('" + value + "')");
        }
    }

    private static List<String> rows(PostgresDatabase database) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = direct(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT v FROM fault_rows")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private static Connection direct(PostgresDatabase database) throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
    }

    private static double metric(GatewayProcess gateway, String name) {
        return gateway.call("/metrics", null, null)
                .text()
                .lines()
                .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static List<Event> events(Store store) throws MalformedRecordException {
        String origin = store.log().origins().get(0);
        List<Event> events = new ArrayList<>();
        for (LogEntry entry : store.log().read(origin, 0, 100_000)) {
            events.add(EventCodec.decode(entry.entry()));
        }
        return events;
    }

    /**
     * {@code prlimit --pid PID --fsize=VALUE}, or with {@code value} null the current soft limit. prlimit(1) is
     * util-linux, present wherever the tests run; setting a process's soft limit needs no privilege.
     */
    private static String prlimit(long pid, String value) {
        List<String> command = value == null
                ? List.of("prlimit", "--pid", Long.toString(pid), "--fsize", "--output=SOFT", "--noheadings")
                : List.of("prlimit", "--pid", Long.toString(pid), "--fsize=" + value);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(command + ": " + out).isZero();
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
