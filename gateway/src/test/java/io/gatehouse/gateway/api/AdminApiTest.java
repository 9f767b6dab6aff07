package io.gatehouse.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.gateway.testing.MutableClock;
import io.gatehouse.gateway.testing.TestGateway;
import io.gatehouse.gateway.testing.TestGateway.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API end to end: a real gateway on loopback over HTTPS, driven as a client would. */
class AdminApiTest {
    @TempDir
    Path data;

    MutableClock clock = MutableClock.startingNow();
    TestGateway gw;
    String admin;

    @BeforeEach
    void start() {
        gw = TestGateway.start(data, clock);
        admin = gw.adminToken();
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    String mint(String identity, String expires) {
        Map<String, String> body =
                expires == null ? Map.of("identity", identity) : Map.of("identity", identity, "expires", expires);
        Response r = gw.post("/api/v1/tokens", admin, body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.body().get("token").asText();
    }

    void identity(String name, String kind, String role) {
        Response r = gw.post("/api/v1/identities", admin, Map.of("name", name, "kind", kind, "role", role));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    @Test
    void healthAndOpenApiAreServedWithoutAToken() {
        Response health = gw.get("/healthz", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().get("store").asText()).isEqualTo("up");
        assertThat(health.body().get("recorder").asText()).isEqualTo("writing");
        assertThat(health.body().get("refusedCommands").asLong()).isZero();
        Response openapi = gw.get("/api/v1/openapi.json", null);
        assertThat(openapi.status()).isEqualTo(200);
        assertThat(openapi.body().get("openapi").asText()).startsWith("3.");
        assertThat(openapi.body().get("paths").has("/api/v1/identities")).isTrue();
        assertThat(openapi.body().get("paths").has("/api/v1/connectors")).isTrue();
    }

    @Test
    void metricsExposeTheRecorderWithoutSecrets() {
        identity("devin", "agent", "user");
        Response metrics = gw.get("/metrics", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text())
                .contains("gatehouse_recorder_backlog 0.0")
                .contains("gatehouse_recorder_failed_batches_total 0.0")
                .contains("gatehouse_recorder_refused_commands_total 0.0")
                .contains("gatehouse_recorder_failing 0.0")
                .containsPattern("gatehouse_recorder_commits_total [1-9]")
                .containsPattern("gatehouse_log_size [3-9]\\.0")
                .contains("gatehouse_store_up 1.0")
                .contains("gatehouse_store_journal_failing 0.0")
                .containsPattern("gatehouse_store_journal_behind [0-9]+\\.0")
                .doesNotContain(admin);
        double commitSeconds = metrics.text()
                .lines()
                .filter(l -> l.startsWith("gatehouse_recorder_commit_seconds_total "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
                .findFirst()
                .orElse(-1);
        assertThat(commitSeconds)
                .as("time spent committing the admin changes")
                .isPositive()
                .isLessThan(60);
    }

    @Test
    void missingOrWrongTokensAreRefusedWithProblemJson() {
        Response none = gw.get("/api/v1/identities", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("content-type")).startsWith("application/problem+json");
        assertThat(none.header("www-authenticate")).startsWith("Bearer");
        assertThat(none.body().get("detail").asText()).contains("bearer token is required");

        Response wrong = gw.get("/api/v1/identities", "gh_aaaaaaaaaaaa_notarealtokennotarealtokennotarealtoken0");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body().get("detail").asText()).isEqualTo("the token is not valid");
        assertThat(wrong.text()).doesNotContain("notarealtoken");
    }

    @Test
    void theWalkthroughWorksAndShowsRecordingSettingsPlainly() {
        identity("devin", "agent", "user");
        String devin = mint("devin", "30d");

        Response conn = gw.post(
                "/api/v1/connections",
                admin,
                Map.of(
                        "name",
                        "pg-prod",
                        "type",
                        "postgres",
                        "target",
                        "127.0.0.1:5432",
                        "username",
                        "app",
                        "database",
                        "app",
                        "password",
                        "s3cret-pw"));
        assertThat(conn.status()).as(conn.text()).isEqualTo(201);
        assertThat(conn.body().get("recording").get("content").asText()).isEqualTo("commands");
        assertThat(conn.body().get("recording").get("durability").asText()).isEqualTo("fail-closed");
        assertThat(conn.body().get("credential").asText()).isEqualTo("stored");
        assertThat(conn.text()).doesNotContain("s3cret-pw");

        assertThat(gw.post("/api/v1/grants", admin, Map.of("identity", "devin", "connection", "pg-prod"))
                        .status())
                .isEqualTo(201);

        Response me = gw.get("/api/v1/whoami", devin);
        assertThat(me.body().get("name").asText()).isEqualTo("devin");
        assertThat(me.body().get("kind").asText()).isEqualTo("agent");

        Response mine = gw.get("/api/v1/connections", devin);
        assertThat(mine.body()).hasSize(1);
        assertThat(mine.body().get(0).get("name").asText()).isEqualTo("pg-prod");

        Response tokens = gw.get("/api/v1/tokens?identity=devin", admin);
        assertThat(tokens.body()).hasSize(1);
        assertThat(tokens.body().get(0).get("prefix").asText()).startsWith("gh_");
        assertThat(tokens.text()).doesNotContain(devin);
    }

    @Test
    void terminalConnectionsRecordEverythingByDefault() {
        Response ssh = gw.post(
                "/api/v1/connections", admin, Map.of("name", "bastion", "type", "ssh", "target", "10.0.0.5:22"));
        assertThat(ssh.body().get("recording").get("content").asText()).isEqualTo("full");
        Response off = gw.post(
                "/api/v1/connections",
                admin,
                Map.of("name", "quiet", "type", "ssh", "target", "10.0.0.5:22", "recording", "off"));
        assertThat(off.status()).isEqualTo(400);
        assertThat(off.body().get("detail").asText()).contains("off");
    }

    @Test
    void rolesDecideWhoMayReadAndWhoMayChange() {
        identity("devin", "agent", "user");
        identity("olga", "human", "auditor");
        identity("max", "agent", "user");
        String devin = mint("devin", null);
        String olga = mint("olga", null);
        mint("max", null);

        assertThat(gw.post("/api/v1/identities", devin, Map.of("name", "x", "kind", "agent"))
                        .status())
                .isEqualTo(403);
        assertThat(gw.post("/api/v1/identities", olga, Map.of("name", "x", "kind", "agent"))
                        .status())
                .isEqualTo(403);
        assertThat(gw.post("/api/v1/tokens", devin, Map.of("identity", "devin")).status())
                .isEqualTo(403);

        assertThat(gw.get("/api/v1/identities", olga).body()).hasSize(4);
        JsonNode devinSees = gw.get("/api/v1/identities", devin).body();
        assertThat(devinSees).hasSize(1);
        assertThat(devinSees.get(0).get("name").asText()).isEqualTo("devin");
        assertThat(gw.get("/api/v1/identities/max", devin).status()).isEqualTo(403);
        assertThat(gw.get("/api/v1/tokens?identity=max", devin).status()).isEqualTo(403);
        assertThat(gw.get("/api/v1/tokens", devin).body()).hasSize(1);
        assertThat(gw.get("/api/v1/tokens", olga).body()).hasSize(4);
    }

    @Test
    void revokedExpiredAndDisabledStopWorkingAtOnce() {
        identity("devin", "agent", "user");
        identity("max", "agent", "user");
        String devin = mint("devin", null);
        String shortLived = mint("max", "1h");
        assertThat(gw.get("/api/v1/whoami", shortLived).status()).isEqualTo(200);

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        Response expired = gw.get("/api/v1/whoami", shortLived);
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.body().get("detail").asText()).contains("expired");

        assertThat(gw.post("/api/v1/identities/devin/disable", admin, Map.of()).status())
                .isEqualTo(200);
        Response disabled = gw.get("/api/v1/whoami", devin);
        assertThat(disabled.status()).isEqualTo(403);
        assertThat(disabled.body().get("detail").asText()).isEqualTo("identity 'devin' is disabled");
        assertThat(gw.post("/api/v1/identities/devin/enable", admin, Map.of()).status())
                .isEqualTo(200);
        assertThat(gw.get("/api/v1/whoami", devin).status()).isEqualTo(200);

        String id = gw.get("/api/v1/tokens?identity=devin", admin)
                .body()
                .get(0)
                .get("id")
                .asText();
        assertThat(gw.delete("/api/v1/tokens/" + id, admin).status()).isEqualTo(200);
        Response revoked = gw.get("/api/v1/whoami", devin);
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.body().get("detail").asText()).contains("revoked");
        assertThat(gw.delete("/api/v1/tokens/" + id, admin).status()).isEqualTo(400);
    }

    @Test
    void repeatedFailuresFromOneAddressAreLockedOut() {
        String bad = "gh_aaaaaaaaaaaa_wrongwrongwrongwrongwrongwrongwrongwrong00";
        for (int i = 0; i < 5; i++) {
            assertThat(gw.get("/api/v1/whoami", bad).status())
                    .as("attempt " + (i + 1))
                    .isEqualTo(401);
        }
        Response locked = gw.get("/api/v1/whoami", bad);
        assertThat(locked.status()).isEqualTo(429);
        assertThat(Integer.parseInt(locked.header("retry-after"))).isPositive();
        // even the right token is refused while the address is locked out: guessing costs the guesser
        assertThat(gw.get("/api/v1/whoami", admin).status()).isEqualTo(429);
        clock.advance(Duration.ofSeconds(61));
        assertThat(gw.get("/api/v1/whoami", admin).status()).isEqualTo(200);
    }

    @Test
    void badInputGetsOneClearProblemEach() {
        List<Response> responses = new ArrayList<>();
        responses.add(gw.post("/api/v1/connections", admin, Map.of("name", "a", "type", "oracle", "target", "h:1")));
        responses.add(
                gw.post("/api/v1/connections", admin, Map.of("name", "b", "type", "postgres", "target", "nohost")));
        responses.add(gw.post("/api/v1/identities", admin, "{not json"));
        responses.add(gw.post("/api/v1/identities", admin, Map.of("name", "Bad Name", "kind", "agent")));
        responses.add(gw.post("/api/v1/identities", admin, Map.of("name", "x", "kind", "robot")));
        responses.add(gw.post("/api/v1/tokens", admin, Map.of("identity", "admin", "expires", "soon")));
        assertThat(responses).extracting(Response::status).containsOnly(400);
        assertThat(responses.get(0).body().get("detail").asText()).contains("oracle");
        assertThat(responses.get(1).body().get("detail").asText())
                .contains("nohost")
                .contains("HOST:PORT");
        assertThat(responses.get(2).body().get("detail").asText()).contains("not valid JSON");
        assertThat(responses.get(4).body().get("detail").asText()).contains("robot");

        identity("devin", "agent", "user");
        Response duplicate = gw.post("/api/v1/identities", admin, Map.of("name", "devin", "kind", "agent"));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.body().get("detail").asText()).isEqualTo("identity 'devin' already exists");

        Response grantMissing = gw.post("/api/v1/grants", admin, Map.of("identity", "devin", "connection", "nope"));
        assertThat(grantMissing.status()).isEqualTo(404);
        assertThat(grantMissing.body().get("detail").asText()).contains("nope");
        Response unknown = gw.get("/api/v1/frobnicate", admin);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("content-type")).startsWith("application/problem+json");
    }

    @Test
    void removingAConnectionRemovesItsGrants() {
        identity("devin", "agent", "user");
        gw.post("/api/v1/connections", admin, Map.of("name", "pg", "type", "postgres", "target", "h:5432"));
        gw.post("/api/v1/grants", admin, Map.of("identity", "devin", "connection", "pg"));
        assertThat(gw.get("/api/v1/grants", admin).body()).hasSize(1);
        assertThat(gw.delete("/api/v1/connections/pg", admin).status()).isEqualTo(204);
        assertThat(gw.get("/api/v1/grants", admin).body()).isEmpty();
        assertThat(gw.get("/api/v1/connections/pg", admin).status()).isEqualTo(404);
    }
}
