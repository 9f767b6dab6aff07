package io.gatehouse.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.Value;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.gateway.security.ClientTls;
import io.gatehouse.gateway.testing.MutableClock;
import io.gatehouse.gateway.testing.TestGateway;
import io.gatehouse.gateway.testing.TestGateway.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue "Read the record back", the REST API: sessions listed with every filter and cursor paging, one
 * session with its decoded events, the events after an index, live follow over SSE, the per-connection
 * timeline, access control, and the integrity status turning verified once a signed checkpoint covers it.
 *
 * <p>Sessions are written the way the PostgreSQL listener writes them, through the gateway's log writer.
 * The checkpoint interval is an hour on a mutable clock, so nothing is checkpointed until a test moves the
 * clock.
 */
class SessionApiTest {
    static final long T = 1_764_000_000_000_000L; // 2025-11-24T16:00:00Z

    @TempDir
    static Path data;

    static MutableClock clock;
    static TestGateway gw;
    static String admin;
    static String devin;
    static String auditor;

    @BeforeAll
    static void start() {
        clock = MutableClock.startingNow();
        gw = TestGateway.start(data, clock, Map.of(ConfigKey.CHECKPOINT_INTERVAL, "1h"));
        admin = gw.adminToken();
        devin = identityWithToken("devin", "user");
        auditor = identityWithToken("ada", "auditor");
        // s-a: devin on pg-prod, closed; s-b: max on pg-prod, open; s-c: devin on pg-dev, open
        write(session("s-a", "devin", "pg-prod", T)
                .start()
                .command(1, "SELECT * FROM accounts WHERE id = $1", 10)
                .result(1, "ok", 20)
                .end("client closed", 100));
        write(session("s-b", "max", "pg-prod", T + 1000)
                .start()
                .command(1, "UPDATE orders SET paid = true", 1010)
                .result(1, "error", 1020));
        write(session("s-c", "devin", "pg-dev", T + 2000).start());
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void listsNewestFirstAndFiltersByEachField() {
        assertThat(ids("")).containsExactly("s-c", "s-b", "s-a");
        assertThat(ids("identity=devin")).containsExactly("s-c", "s-a");
        assertThat(ids("connection=pg-prod")).containsExactly("s-b", "s-a");
        assertThat(ids("type=postgres")).containsExactly("s-c", "s-b", "s-a");
        assertThat(ids("type=ssh")).isEmpty();
        assertThat(ids("status=open")).containsExactly("s-c", "s-b");
        assertThat(ids("status=closed")).containsExactly("s-a");
        assertThat(ids("q=ORDERS")).as("text in commands, any case").containsExactly("s-b");
        assertThat(ids("since=" + at(T + 500)))
                .as("still running at or after since")
                .containsExactly("s-c", "s-b");
        assertThat(ids("until=" + at(T + 500))).as("started by until").containsExactly("s-a");
        assertThat(ids("connection=pg-prod&status=open&identity=max")).containsExactly("s-b");

        Response bad = gw.get("/api/v1/sessions?status=maybe", admin);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().get("detail").asText()).contains("status must be open or closed");
        assertThat(gw.get("/api/v1/sessions?since=yesterday", admin).status()).isEqualTo(400);
    }

    @Test
    void listPagesWithACursor() {
        Response first = gw.get("/api/v1/sessions?limit=2", admin);
        assertThat(names(first.body().get("sessions"))).containsExactly("s-c", "s-b");
        String cursor = first.body().get("nextCursor").asText();
        Response second = gw.get("/api/v1/sessions?limit=2&cursor=" + cursor, admin);
        assertThat(names(second.body().get("sessions"))).containsExactly("s-a");
        assertThat(second.body().get("nextCursor").isNull()).isTrue();
    }

    @Test
    void sessionShowsItsFactsAndDecodedEventsInOrder() {
        Response r = gw.get("/api/v1/sessions/s-a", admin);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode s = r.body();
        assertThat(s.get("identity").asText()).isEqualTo("devin");
        assertThat(s.get("connection").asText()).isEqualTo("pg-prod");
        assertThat(s.get("type").asText()).isEqualTo("postgres");
        assertThat(s.get("client").asText()).isEqualTo("10.1.2.3:50000");
        assertThat(s.get("application").asText()).isEqualTo("psql");
        assertThat(s.get("token").asText()).isEqualTo("gh_devin");
        assertThat(s.get("status").asText()).isEqualTo("closed");
        assertThat(s.get("endReason").asText()).isEqualTo("client closed");
        assertThat(s.get("started").asText()).isEqualTo(at(T));
        assertThat(s.get("ended").asText()).isEqualTo(at(T + 100));
        assertThat(s.get("commandCount").asLong()).isEqualTo(1);
        assertThat(s.get("eventCount").asLong()).isEqualTo(4);
        List<String> kinds = new ArrayList<>();
        s.get("events").forEach(e -> kinds.add(e.get("kind").asText()));
        assertThat(kinds).containsExactly("session.start", "command", "command.result", "session.end");
        JsonNode command = s.get("events").get(1);
        assertThat(command.get("fields").get("sql").asText()).isEqualTo("SELECT * FROM accounts WHERE id = $1");
        assertThat(command.get("fields").get("parameters").get(0).asText()).isEqualTo("42");
        assertThat(s.get("events").get(2).get("fields").get("rows").asLong()).isEqualTo(1);

        long commandIndex = command.get("index").asLong();
        Response after = gw.get("/api/v1/sessions/s-a/events?after=" + commandIndex, admin);
        List<String> rest = new ArrayList<>();
        after.body().get("events").forEach(e -> rest.add(e.get("kind").asText()));
        assertThat(rest).containsExactly("command.result", "session.end");

        JsonNode factsOnly = gw.get("/api/v1/sessions/s-a?events=false", admin).body();
        assertThat(factsOnly.has("events")).as("events=false").isFalse();
        assertThat(factsOnly.get("integrity").get("status").asText()).isNotEmpty();
        assertThat(factsOnly.get("commandCount").asLong()).isEqualTo(1);

        assertThat(gw.get("/api/v1/sessions/nope", admin).status()).isEqualTo(404);
    }

    @Test
    void aUserReadsOnlyOwnSessionsAndAnAuditorReadsAll() {
        assertThat(ids("", devin)).containsExactly("s-c", "s-a");
        assertThat(gw.get("/api/v1/sessions?identity=max", devin).status()).isEqualTo(403);
        assertThat(gw.get("/api/v1/sessions/s-a", devin).status()).isEqualTo(200);
        assertThat(gw.get("/api/v1/sessions/s-b", devin).status())
                .as("another identity's session does not exist for devin")
                .isEqualTo(404);
        assertThat(gw.get("/api/v1/sessions/s-b/events", devin).status()).isEqualTo(404);
        assertThat(gw.get("/api/v1/timeline?connection=pg-prod", devin).status())
                .isEqualTo(403);

        assertThat(ids("", auditor)).containsExactly("s-c", "s-b", "s-a");
        assertThat(gw.get("/api/v1/sessions/s-b", auditor).status()).isEqualTo(200);
        assertThat(gw.get("/api/v1/timeline?connection=pg-prod", auditor).status())
                .isEqualTo(200);
        assertThat(gw.get("/api/v1/sessions", null).status()).isEqualTo(401);
    }

    @Test
    void timelineListsOneConnectionsCommandsAcrossIdentitiesInOrderWithOutcome() {
        Response r = gw.get("/api/v1/timeline?connection=pg-prod", auditor);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode commands = r.body().get("commands");
        assertThat(commands).hasSize(2);
        assertThat(commands.get(0).get("identity").asText()).isEqualTo("devin");
        assertThat(commands.get(0).get("session").asText()).isEqualTo("s-a");
        assertThat(commands.get(0).get("fields").get("sql").asText()).startsWith("SELECT * FROM accounts");
        assertThat(commands.get(0).get("result").get("status").asText()).isEqualTo("ok");
        assertThat(commands.get(0).get("result").get("rows").asLong()).isEqualTo(1);
        assertThat(commands.get(1).get("identity").asText()).isEqualTo("max");
        assertThat(commands.get(1).get("result").get("status").asText()).isEqualTo("error");
        assertThat(commands.get(1).get("result").get("sqlstate").asText()).isEqualTo("42501");

        Response page = gw.get("/api/v1/timeline?connection=pg-prod&limit=1", auditor);
        assertThat(page.body().get("commands").get(0).get("session").asText()).isEqualTo("s-a");
        String cursor = page.body().get("nextCursor").asText();
        Response next = gw.get("/api/v1/timeline?connection=pg-prod&limit=1&cursor=" + cursor, auditor);
        assertThat(next.body().get("commands").get(0).get("session").asText()).isEqualTo("s-b");

        Response later = gw.get("/api/v1/timeline?connection=pg-prod&since=" + at(T + 500), auditor);
        assertThat(later.body().get("commands")).hasSize(1);
        assertThat(gw.get("/api/v1/timeline", auditor).status()).isEqualTo(400);
    }

    @Test
    void aCommandThatCarriesItsOwnOutcomeShowsItAsItsResult() {
        SessionEvents best = session("s-be", "devin", "pg-best", T + 5000).start();
        best.out.add(best.event(EventKind.COMMAND, T + 5010)
                .field("command", Value.of(1L))
                .field("sql", Value.of("SELECT * FROM t"))
                .field("status", Value.of("ok"))
                .field("tag", Value.of("SELECT 3"))
                .field("rows", Value.of(3L))
                .field("duration_micros", Value.of(900L))
                .build());
        write(best);

        JsonNode commands =
                gw.get("/api/v1/timeline?connection=pg-best", admin).body().get("commands");
        assertThat(commands).hasSize(1);
        JsonNode result = commands.get(0).get("result");
        assertThat(result.get("index").asLong())
                .isEqualTo(commands.get(0).get("index").asLong());
        assertThat(result.get("status").asText()).isEqualTo("ok");
        assertThat(result.get("rows").asLong()).isEqualTo(3);
        assertThat(result.has("sql")).as("only outcome fields").isFalse();
    }

    @Test
    void integrityTurnsVerifiedOnceASignedCheckpointCoversTheSession() {
        write(session("s-i", "devin", "pg-prod", T + 3000).start().command(1, "select 1", 3010));
        JsonNode before = gw.get("/api/v1/sessions/s-i", admin).body();
        assertThat(before.get("integrity").get("status").asText()).isEqualTo("pending");
        assertThat(before.get("events").get(1).get("integrity").get("status").asText())
                .isEqualTo("pending");

        clock.advance(Duration.ofHours(2)); // the next write is followed by a checkpoint
        write(session("s-i", "devin", "pg-prod", T + 3000).result(1, "ok", 3020));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode after = gw.get("/api/v1/sessions/s-i", admin).body();
            assertThat(after.get("integrity").get("status").asText()).isEqualTo("verified");
            JsonNode event = after.get("events").get(2).get("integrity");
            assertThat(event.get("status").asText()).isEqualTo("verified");
            assertThat(event.get("checkpointSize").asLong())
                    .isGreaterThan(after.get("lastIndex").asLong());
        });
    }

    @Test
    void followCatchesUpThenStreamsAnEventAppendedAfterConnecting() throws Exception {
        write(session("s-f", "devin", "pg-prod", T + 4000).start().command(1, "select 2", 4010));
        HttpClient http = HttpClient.newBuilder()
                .sslContext(ClientTls.trusting(data.resolve("tls").resolve("ca.crt")))
                .build();
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + gw.gateway().apiPort() + "/api/v1/sessions/s-f/follow"))
                .header("Authorization", "Bearer " + admin)
                .build();
        HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().start(() -> response.body()
                .filter(line -> line.startsWith("data:"))
                .forEach(line -> events.add(json(line.substring(5).strip()))));
        try {
            JsonNode start = events.poll(10, TimeUnit.SECONDS);
            JsonNode command = events.poll(10, TimeUnit.SECONDS);
            assertThat(start).isNotNull();
            assertThat(start.get("kind").asText()).isEqualTo("session.start");
            assertThat(command.get("kind").asText()).isEqualTo("command");

            write(session("s-f", "devin", "pg-prod", T + 4000).command(2, "select 3", 4020));
            JsonNode live = events.poll(10, TimeUnit.SECONDS);
            assertThat(live).as("the event appended after connecting").isNotNull();
            assertThat(live.get("fields").get("sql").asText()).isEqualTo("select 3");

            write(session("s-f", "devin", "pg-prod", T + 4000).end("client closed", 4030));
            JsonNode end = events.poll(10, TimeUnit.SECONDS);
            assertThat(end.get("kind").asText()).isEqualTo("session.end");
            reader.join(Duration.ofSeconds(10));
            assertThat(reader.isAlive()).as("the stream ends after session.end").isFalse();
        } finally {
            reader.interrupt();
        }
    }

    @Test
    void theOpenApiDocumentDescribesTheReadBackEndpoints() {
        JsonNode paths = gw.get("/api/v1/openapi.json", null).body().get("paths");
        assertThat(paths.has("/api/v1/sessions")).isTrue();
        assertThat(paths.has("/api/v1/sessions/{id}")).isTrue();
        assertThat(paths.has("/api/v1/sessions/{id}/events")).isTrue();
        assertThat(paths.has("/api/v1/sessions/{id}/follow")).isTrue();
        assertThat(paths.has("/api/v1/timeline")).isTrue();
        List<String> filters = new ArrayList<>();
        paths.get("/api/v1/sessions")
                .get("get")
                .get("parameters")
                .forEach(p -> filters.add(p.get("name").asText()));
        assertThat(filters)
                .containsExactly("identity", "connection", "type", "status", "since", "until", "q", "limit", "cursor");
    }

    // --- helpers ---

    static String identityWithToken(String name, String role) {
        Response created = gw.post("/api/v1/identities", admin, Map.of("name", name, "kind", "human", "role", role));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        Response token = gw.post("/api/v1/tokens", admin, Map.of("identity", name));
        assertThat(token.status()).as(token.text()).isEqualTo(201);
        return token.body().get("token").asText();
    }

    static List<String> ids(String query) {
        return ids(query, admin);
    }

    static List<String> ids(String query, String token) {
        Response r = gw.get("/api/v1/sessions?" + query, token);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return names(r.body().get("sessions"));
    }

    static List<String> names(JsonNode sessions) {
        List<String> out = new ArrayList<>();
        sessions.forEach(s -> out.add(s.get("id").asText()));
        return out;
    }

    static String at(long micros) {
        return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000)
                .toString();
    }

    static JsonNode json(String text) {
        try {
            return TestGateway.JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void write(SessionEvents events) {
        for (Event e : events.out) {
            try {
                gw.gateway().writer().appendDurably(e, Duration.ofSeconds(5));
            } catch (Exception failure) {
                throw new IllegalStateException(failure);
            }
        }
        gw.awaitIndexed();
    }

    static SessionEvents session(String id, String identity, String connection, long start) {
        return new SessionEvents(id, identity, connection, start);
    }

    /** A session's events as the PostgreSQL listener writes them; times are microseconds after {@link #T}. */
    static final class SessionEvents {
        final String id;
        final String identity;
        final String connection;
        final long start;
        final List<Event> out = new ArrayList<>();

        SessionEvents(String id, String identity, String connection, long start) {
            this.id = id;
            this.identity = identity;
            this.connection = connection;
            this.start = start;
        }

        Event.Builder event(EventKind kind, long time) {
            return Event.builder(kind)
                    .timeMicros(time)
                    .session(id)
                    .identity(identity)
                    .connection(connection);
        }

        SessionEvents start() {
            out.add(event(EventKind.SESSION_START, start)
                    .field("protocol", Value.of("postgres"))
                    .field("source", Value.of("10.1.2.3:50000"))
                    .field("application_name", Value.of("psql"))
                    .field("token", Value.of("gh_" + identity))
                    .field("database", Value.of("app"))
                    .build());
            return this;
        }

        SessionEvents command(long number, String sql, long time) {
            out.add(event(EventKind.COMMAND, T + time)
                    .field("command", Value.of(number))
                    .field("protocol", Value.of("extended"))
                    .field("sql", Value.of(sql))
                    .field("parameters", Value.of(List.of(Value.of("42"))))
                    .build());
            return this;
        }

        SessionEvents result(long number, String status, long time) {
            Event.Builder b = event(EventKind.COMMAND_RESULT, T + time)
                    .field("command", Value.of(number))
                    .field("status", Value.of(status))
                    .field("duration_micros", Value.of(250L));
            if (status.equals("error")) {
                b.field("sqlstate", Value.of("42501")).field("error", Value.of("permission denied"));
            } else {
                b.field("tag", Value.of("SELECT 1")).field("rows", Value.of(1L));
            }
            out.add(b.build());
            return this;
        }

        SessionEvents end(String reason, long time) {
            out.add(event(EventKind.SESSION_END, T + time)
                    .field("reason", Value.of(reason))
                    .field("commands", Value.of(1L))
                    .build());
            return this;
        }
    }
}
