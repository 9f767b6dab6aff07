package io.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.note.NoteVerifier;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.gateway.recorder.StoreVerifier;
import io.gatehouse.gateway.testing.TestGateway;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import io.gatehouse.testkit.PostgresDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway on the shared store (PostgreSQL) instead of the embedded one: same behaviour, same record. */
class GatewayOnPostgresTest {
    @TempDir
    Path data;

    @TempDir
    Path otherData;

    @Test
    void theAdminWalkthroughAndTheRecordWorkOnAPostgresStore() {
        PostgresDatabase db = EmbeddedPostgresServer.shared().createPostgresDatabase();
        Map<ConfigKey, String> store =
                Map.of(ConfigKey.STORE_URL, db.jdbcUrl(), ConfigKey.STORE_USERNAME, db.username());
        String origin;
        String key;
        try (TestGateway gw = TestGateway.start(data, Clock.systemUTC(), store)) {
            String admin = gw.adminToken();
            assertThat(gw.post("/api/v1/identities", admin, Map.of("name", "devin", "kind", "agent"))
                            .status())
                    .isEqualTo(201);
            String devin = gw.post("/api/v1/tokens", admin, Map.of("identity", "devin"))
                    .body()
                    .get("token")
                    .asText();
            assertThat(gw.get("/api/v1/whoami", devin).body().get("name").asText())
                    .isEqualTo("devin");
            assertThat(gw.get("/healthz", null).body().get("store").asText()).isEqualTo("up");
            origin = gw.gateway().writer().origin();
            key = gw.gateway().verifierKey();
        }
        // A second gateway instance on the same shared store keeps its own log; both verify.
        try (TestGateway second = TestGateway.start(otherData, Clock.systemUTC(), store)) {
            assertThat(second.adminToken())
                    .as("the shared store already has an admin")
                    .isNull();
            assertThat(second.gateway().writer().origin()).isNotEqualTo(origin);
            var log = second.gateway().store().log();
            assertThat(log.origins()).contains(origin, second.gateway().writer().origin());
            StoreVerifier.Result first = StoreVerifier.verify(log, origin, NoteVerifier.parse(key));
            assertThat(first.ok()).as(first.summary()).isTrue();
            assertThat(log.size(origin)).isEqualTo(4);
        }
    }
}
