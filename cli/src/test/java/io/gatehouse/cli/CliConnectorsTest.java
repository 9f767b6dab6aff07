package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.gateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `gatehouse connectors add|list|remove` and `gatehouse connector` against a real gateway on loopback. */
class CliConnectorsTest {
    @TempDir
    Path data;

    @TempDir
    Path home;

    TestGateway gw;
    Map<String, String> env = new HashMap<>();

    @BeforeEach
    void start() {
        gw = TestGateway.start(data, Clock.systemUTC());
        env.put("XDG_CONFIG_HOME", home.toString());
        env.put("GATEHOUSE_URL", "https://127.0.0.1:" + gw.gateway().apiPort());
        env.put("GATEHOUSE_CA", data.resolve("tls/ca.crt").toString());
        env.put("GATEHOUSE_TOKEN", gw.adminToken());
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    CliRun run(String... args) {
        return CliRun.of(env, args);
    }

    @Test
    void aConnectorIsRegisteredRunsShowsOnlineAndStopsWhenRemoved() throws Exception {
        CliRun add = run("connectors", "add", "pg-net");
        assertThat(add.exitCode()).as(add.err()).isZero();
        assertThat(add.out()).matches("ghc_[a-z2-7]{12}_[A-Za-z0-9_-]{43}\\R");
        Path tokenFile = home.resolve("pg-net.token");
        Files.writeString(tokenFile, add.out());

        CliRun offline = run("connectors", "list");
        assertThat(offline.out())
                .contains("NAME", "STATE", "LAST SEEN")
                .contains("pg-net")
                .contains("offline");

        String gateway = "127.0.0.1:" + gw.gateway().tunnelPort();
        CompletableFuture<CliRun> running = CompletableFuture.supplyAsync(() -> run(
                "connector",
                "--gateway",
                gateway,
                "--ca",
                data.resolve("tls/ca.crt").toString(),
                "--token-file",
                tokenFile.toString(),
                "--name",
                "pg-net"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(run("connectors", "list").out()).contains("online"));
        CliRun json = run("connectors", "list", "--json");
        assertThat(json.out())
                .contains("\"state\" : \"online\"")
                .doesNotContain(add.out().strip());

        assertThat(run("connectors", "remove", "pg-net").out()).contains("connector pg-net removed");
        CliRun ended = running.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(ended.exitCode()).isEqualTo(3);
        assertThat(ended.err()).contains("gatehouse: the gateway refused this connector: connector pg-net was removed");
    }

    @Test
    void theConnectorExplainsAMissingTokenAndAWrongName() throws Exception {
        CliRun missing = run(
                "connector",
                "--gateway",
                "127.0.0.1:1",
                "--ca",
                data.resolve("tls/ca.crt").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("no connector token").contains("gatehouse connectors add NAME");

        String token = run("connectors", "add", "edge").out().strip();
        env.put("GATEHOUSE_CONNECTOR_TOKEN", token);
        CliRun wrongName = run(
                "connector",
                "--gateway",
                "127.0.0.1:" + gw.gateway().tunnelPort(),
                "--ca",
                data.resolve("tls/ca.crt").toString(),
                "--name",
                "impostor");
        assertThat(wrongName.exitCode()).isEqualTo(3);
        assertThat(wrongName.err()).contains("this token belongs to connector edge, not impostor");
        assertThat(wrongName.err() + wrongName.out()).doesNotContain(token);
    }
}
