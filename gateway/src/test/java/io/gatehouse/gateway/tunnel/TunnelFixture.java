package io.gatehouse.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.gateway.testing.ConnectorProcess;
import io.gatehouse.gateway.testing.EchoServer;
import io.gatehouse.gateway.testing.TestGateway;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** A gateway, a registered connector running as its own process, and a TCP echo resource behind it. */
final class TunnelFixture implements AutoCloseable {
    final Path dir;
    final TestGateway gateway;
    final EchoServer echo;
    final String connectorToken;
    ConnectorProcess connector;

    TunnelFixture(Path dir) {
        this.dir = dir;
        gateway = TestGateway.start(dir.resolve("gateway"), Clock.systemUTC());
        echo = EchoServer.start();
        connectorToken = register("edge");
    }

    String register(String name) {
        TestGateway.Response r = gateway.post("/api/v1/connectors", gateway.adminToken(), Map.of("name", name));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.body().get("token").asText();
    }

    Path ca() {
        return dir.resolve("gateway").resolve("tls").resolve("ca.crt");
    }

    int tunnelPort() {
        return gateway.gateway().tunnelPort();
    }

    ConnectorProcess startConnector() {
        return startConnector(Map.of());
    }

    ConnectorProcess startConnector(Map<String, String> env) {
        connector = ConnectorProcess.start(dir.resolve("connector"), tunnelPort(), connectorToken, ca(), env);
        awaitOnline("edge");
        return connector;
    }

    void awaitOnline(String name) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(gateway.gateway().connectors().isOnline(name))
                        .as("connector %s online; its output:%n%s", name, connector == null ? "" : connector.output())
                        .isTrue());
    }

    JsonNode status(String name) {
        TestGateway.Response r = gateway.get("/api/v1/connectors", gateway.adminToken());
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        for (JsonNode c : r.body()) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("connector " + name + " not listed: " + r.text());
    }

    @Override
    public void close() {
        if (connector != null) {
            connector.close();
        }
        echo.close();
        gateway.close();
    }
}
