package io.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.Value;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.gateway.recorder.LogDamagedException;
import io.gatehouse.gateway.testing.TestEvents;
import io.gatehouse.gateway.testing.TestGateway;
import io.gatehouse.store.LogEntry;
import io.gatehouse.store.StoreException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** First start, restart, recovery checks and the operator's bad-input cases, on a real gateway. */
class GatewayLifecycleTest {
    @TempDir
    Path data;

    @Test
    void firstStartCreatesKeysCertificatesAndAnAdminTokenShownOnce() throws IOException {
        String token;
        try (TestGateway gw = TestGateway.start(data, Clock.systemUTC())) {
            token = gw.adminToken();
            assertThat(token).startsWith("gh_");
            assertThat(gw.get("/api/v1/whoami", token).body().get("role").asText())
                    .isEqualTo("admin");
        }
        Path tokenFile = data.resolve("initial-admin-token");
        assertThat(Files.readString(tokenFile).strip()).isEqualTo(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("signing.key"))))
                .isEqualTo("rw-------");
        assertThat(data.resolve("tls/ca.crt")).exists();

        try (TestGateway again = TestGateway.start(data, Clock.systemUTC())) {
            assertThat(again.adminToken())
                    .as("no second admin token on restart")
                    .isNull();
            assertThat(again.get("/api/v1/whoami", token).status()).isEqualTo(200);
        }
    }

    @Test
    void everyAdminActionIsARecordedEventWithSecretsRedacted() {
        String origin;
        try (TestGateway gw = TestGateway.start(data, Clock.systemUTC())) {
            String admin = gw.adminToken();
            gw.post("/api/v1/identities", admin, Map.of("name", "devin", "kind", "agent"));
            gw.post("/api/v1/tokens", admin, Map.of("identity", "devin"));
            gw.post(
                    "/api/v1/connections",
                    admin,
                    Map.of("name", "pg", "type", "postgres", "target", "h:5432", "password", "pw-very-secret"));
            gw.post("/api/v1/grants", admin, Map.of("identity", "devin", "connection", "pg"));
            gw.delete("/api/v1/grants/devin/pg", admin);
            origin = gw.gateway().writer().origin();
            List<Event> events = gw.gateway().store().log().read(origin, 0, 100).stream()
                    .map(LogEntry::entry)
                    .map(TestEvents::decode)
                    .toList();
            assertThat(events).allMatch(e -> e.kind() == EventKind.ADMIN);
            assertThat(events)
                    .extracting(e -> ((Value.Str) e.fields().get("action")).value())
                    .containsExactly(
                            "identity.create",
                            "token.create",
                            "identity.create",
                            "token.create",
                            "connection.create",
                            "grant.add",
                            "grant.remove");
            assertThat(events.get(2).identity()).isEqualTo("admin");
            assertThat(events.get(0).identity()).isEqualTo("gatehouse");
            Event connection = events.get(4);
            assertThat(connection.fields().get("after").toString())
                    .contains("stored (encrypted)")
                    .doesNotContain("pw-very-secret");
        }
    }

    @Test
    void neitherTokensNorPasswordsAreStoredInTheClear() throws IOException {
        String devinToken;
        try (TestGateway gw = TestGateway.start(data, Clock.systemUTC())) {
            String admin = gw.adminToken();
            gw.post("/api/v1/identities", admin, Map.of("name", "devin", "kind", "agent"));
            devinToken = gw.post("/api/v1/tokens", admin, Map.of("identity", "devin"))
                    .body()
                    .get("token")
                    .asText();
            gw.post(
                    "/api/v1/connections",
                    admin,
                    Map.of("name", "pg", "type", "postgres", "target", "h:5432", "password", "pw-very-secret"));
            // gh_<12-char id>_<43-char secret>; the secret itself may contain '_'
            String secretPart = devinToken.substring("gh_".length() + 13);
            assertThat(secretPart).hasSize(43);
            assertThat(storeBytes()).doesNotContain(secretPart).doesNotContain("pw-very-secret");
        }
        String all = storeBytes();
        assertThat(all).doesNotContain(devinToken.substring("gh_".length() + 13));
        assertThat(all).doesNotContain("pw-very-secret");
    }

    private String storeBytes() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(data)) {
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith("gatehouse.db"))
                    .toList()) {
                sb.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        return sb.toString();
    }

    @Test
    void aRestartReopensTheLogAndAppendingContinues() {
        long before;
        try (TestGateway gw = TestGateway.start(data, Clock.systemUTC())) {
            gw.post("/api/v1/identities", gw.adminToken(), Map.of("name", "devin", "kind", "agent"));
            before = gw.gateway().writer().head().size();
        }
        String admin = readAdminToken();
        try (TestGateway gw = TestGateway.start(data, Clock.systemUTC())) {
            assertThat(gw.gateway().writer().head().size()).isEqualTo(before);
            gw.post("/api/v1/identities", admin, Map.of("name", "max", "kind", "agent"));
            assertThat(gw.gateway().writer().head().size()).isEqualTo(before + 1);
        }
    }

    @Test
    void aTruncatedLogIsReportedOnStartAndNotRepaired() throws SQLException {
        try (TestGateway gw = TestGateway.start(data, Clock.systemUTC())) {
            gw.post("/api/v1/identities", gw.adminToken(), Map.of("name", "devin", "kind", "agent"));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("gatehouse.db"));
                Statement s = c.createStatement()) {
            // an attacker with write access drops the guard triggers and removes the newest event
            dropTriggers(c);
            s.executeUpdate("DELETE FROM log_entries WHERE idx = (SELECT MAX(idx) FROM log_entries)");
            s.executeUpdate("UPDATE logs SET size = size - 1");
        }
        assertThatThrownBy(() -> TestGateway.start(data, Clock.systemUTC()))
                .isInstanceOf(LogDamagedException.class)
                .hasMessageContaining("(truncated)")
                .hasMessageContaining("gatehouse audit verify");
    }

    @Test
    void aForgedCheckpointIsReportedOnStart() throws Exception {
        try (TestGateway gw = TestGateway.start(data, Clock.systemUTC())) {
            gw.post("/api/v1/identities", gw.adminToken(), Map.of("name", "devin", "kind", "agent"));
        }
        String forged = io.gatehouse.audit.note.NoteSigner.generate("gatehouse/"
                        + Files.readString(data.resolve("instance")).strip())
                .sign(new io.gatehouse.audit.note.Checkpoint("gatehouse/x", 1, new byte[32]));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("gatehouse.db"));
                Statement s = c.createStatement()) {
            dropTriggers(c);
            try (var update = c.prepareStatement(
                    "UPDATE log_checkpoints SET note = ? WHERE id = (SELECT MAX(id) FROM log_checkpoints)")) {
                update.setString(1, forged);
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
        }
        assertThatThrownBy(() -> TestGateway.start(data, Clock.systemUTC()))
                .isInstanceOf(LogDamagedException.class)
                .hasMessageContaining("does not verify with this gateway's key");
    }

    static void dropTriggers(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'trigger'")) {
            List<String> names = new java.util.ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            for (String name : names) {
                try (Statement drop = c.createStatement()) {
                    drop.executeUpdate("DROP TRIGGER " + name);
                }
            }
        }
    }

    @Test
    void aPortInUseIsNamed() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> TestGateway.start(
                            data, Clock.systemUTC(), Map.of(ConfigKey.API_PORT, Integer.toString(port))))
                    .isInstanceOf(GatewayStartupException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + port + " (api.port)");
        }
    }

    @Test
    void aDataDirectoryThatCannotBeCreatedIsNamed() throws IOException {
        Path file = Files.writeString(data.resolve("plain-file"), "x");
        assertThatThrownBy(() -> TestGateway.start(file.resolve("sub"), Clock.systemUTC()))
                .isInstanceOf(GatewayStartupException.class)
                .hasMessageContaining("data directory")
                .hasMessageContaining("plain-file");
    }

    @Test
    void aFileThatIsNotAStoreIsNamed() throws IOException {
        Files.write(
                data.resolve("gatehouse.db"),
                "this is not a database, just text padding it out".repeat(100).getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> TestGateway.start(data, Clock.systemUTC()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("gatehouse.db");
    }

    private String readAdminToken() {
        try {
            return Files.readString(data.resolve("initial-admin-token")).strip();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
