package io.gatehouse.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventCodec;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.Value;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.gateway.security.DevCertificateAuthority;
import io.gatehouse.gateway.testing.ConnectorProcess;
import io.gatehouse.gateway.testing.TcpForwarder;
import io.gatehouse.gateway.testing.TestGateway;
import io.gatehouse.store.LogEntry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connector and gateway coming and going: what sessions see, what is recorded, and who reconnects. */
class TunnelLifecycleTest {
    @TempDir
    Path dir;

    private static void echoConnection(TunnelFixture f) {
        TestGateway.Response r = f.gateway.post(
                "/api/v1/connections",
                f.gateway.adminToken(),
                Map.of("name", "echo", "type", "postgres", "target", f.echo.target(), "connector", "edge"));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    /** Sends a line through the forwarder and reads it back; false if the stream ended instead. */
    private static boolean echoes(Socket socket, String line) throws IOException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(bytes);
        InputStream in = socket.getInputStream();
        int read = 0;
        byte[] back = new byte[bytes.length];
        while (read < back.length) {
            int n = in.read(back, read, back.length - read);
            if (n < 0) {
                return false;
            }
            read += n;
        }
        return new String(back, StandardCharsets.UTF_8).equals(line);
    }

    private static Socket open(TcpForwarder forwarder) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), forwarder.port());
        socket.setSoTimeout(20_000);
        return socket;
    }

    @Test
    void killedConnectorEndsItsStreamsThenComesBackAfterARestart() throws Exception {
        try (TunnelFixture f = new TunnelFixture(dir);
                TcpForwarder forwarder =
                        TcpForwarder.start(f.gateway.gateway().connectors(), "edge", "127.0.0.1:1", 1)) {
            echoConnection(f);
            f.startConnector();
            try (TcpForwarder toEcho =
                            TcpForwarder.start(f.gateway.gateway().connectors(), "edge", f.echo.target(), 1);
                    Socket live = open(toEcho)) {
                assertThat(echoes(live, "before the kill")).isTrue();

                f.connector.kill();

                assertThat(live.getInputStream().read())
                        .as("the open stream ends when its connector dies")
                        .isEqualTo(-1);
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> !f.gateway.gateway().connectors().isOnline("edge"));
                JsonNode offline = f.status("edge");
                assertThat(offline.get("state").asText()).isEqualTo("offline");
                assertThat(offline.get("lastSeen").asText()).isNotBlank();
                assertThat(offline.get("address").asText()).startsWith("127.0.0.1:");

                long start = System.nanoTime();
                try (Socket refused = open(toEcho)) {
                    assertThat(refused.getInputStream().read())
                            .as("a new stream fails at once while the connector is offline")
                            .isEqualTo(-1);
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

                f.startConnector();
                try (Socket again = open(toEcho)) {
                    assertThat(echoes(again, "after the restart")).isTrue();
                }
            }
            // A target the connector cannot reach: the stream is refused with the connector's reason.
            try (Socket unreachable = open(forwarder)) {
                assertThat(unreachable.getInputStream().read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void connectorReconnectsOnItsOwnWhenTheGatewayRestarts() throws Exception {
        int tunnelPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            tunnelPort = probe.getLocalPort();
        }
        Path data = dir.resolve("gateway");
        Map<ConfigKey, String> fixed = Map.of(ConfigKey.TUNNEL_PORT, Integer.toString(tunnelPort));
        String token;
        ConnectorProcess connector;
        try (TestGateway first = TestGateway.start(data, Clock.systemUTC(), fixed)) {
            TestGateway.Response r = first.post("/api/v1/connectors", first.adminToken(), Map.of("name", "edge"));
            token = r.body().get("token").asText();
            connector = ConnectorProcess.start(
                    dir.resolve("connector"),
                    tunnelPort,
                    token,
                    data.resolve("tls").resolve("ca.crt"),
                    Map.of());
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> first.gateway().connectors().isOnline("edge"));
        }
        try (connector;
                TestGateway second = TestGateway.start(data, Clock.systemUTC(), fixed)) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> second.gateway().connectors().isOnline("edge"));
            assertThat(connector.isAlive()).isTrue();
            assertThat(connector.output()).contains("reconnecting in");
        }
    }

    @Test
    void aWrongTokenIsRefusedRecordedAndEndsTheConnector() throws Exception {
        try (TunnelFixture f = new TunnelFixture(dir)) {
            String forged = "ghc_abcdefghijkl_" + "A".repeat(43);
            try (ConnectorProcess wrong =
                    ConnectorProcess.start(dir.resolve("c1"), f.tunnelPort(), forged, f.ca(), Map.of())) {
                assertThat(wrong.awaitExit(30)).as(wrong.output()).isEqualTo(3);
                assertThat(wrong.output()).contains("the gateway refused this connector");
                assertThat(wrong.output()).doesNotContain(forged);
            }
            assertThat(f.gateway.gateway().connectors().isOnline("edge")).isFalse();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<Event> blocked = events(f, EventKind.BLOCKED);
                assertThat(blocked).anySatisfy(e -> {
                    assertThat(e.field("protocol")).isEqualTo(Value.of("tunnel"));
                    assertThat(e.field("reason")).isEqualTo(Value.of("unknown or removed connector token"));
                    assertThat(e.field("token")).isEqualTo(Value.of("abcdefghijkl"));
                });
            });
        }
    }

    @Test
    void aGatewayCertificateFromAnotherCaIsRefusedByTheConnector() throws Exception {
        try (TunnelFixture f = new TunnelFixture(dir)) {
            Path otherCa = DevCertificateAuthority.ensure(dir.resolve("other-tls"), List.of(), Clock.systemUTC())
                    .caCertificate();
            try (ConnectorProcess pinned =
                    ConnectorProcess.start(dir.resolve("c2"), f.tunnelPort(), f.connectorToken, otherCa, Map.of())) {
                assertThat(pinned.awaitExit(30)).as(pinned.output()).isEqualTo(3);
                assertThat(pinned.output()).contains("certificate is not signed by the CA in " + otherCa);
            }
            assertThat(f.gateway.gateway().connectors().isOnline("edge")).isFalse();
        }
    }

    @Test
    void aRemovedConnectorIsCutOffAndItsTokenStopsWorking() throws Exception {
        try (TunnelFixture f = new TunnelFixture(dir)) {
            f.startConnector();
            TestGateway.Response removed = f.gateway.delete("/api/v1/connectors/edge", f.gateway.adminToken());
            assertThat(removed.status()).as(removed.text()).isEqualTo(204);
            assertThat(f.connector.awaitExit(30)).as(f.connector.output()).isEqualTo(3);
            assertThat(f.gateway
                            .get("/api/v1/connectors", f.gateway.adminToken())
                            .body())
                    .isEmpty();
        }
    }

    @Test
    void aConnectorStillServingConnectionsCannotBeRemoved() {
        try (TunnelFixture f = new TunnelFixture(dir)) {
            echoConnection(f);
            TestGateway.Response r = f.gateway.delete("/api/v1/connectors/edge", f.gateway.adminToken());
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.text()).contains("still serves connections [echo]");
            TestGateway.Response unknown = f.gateway.post(
                    "/api/v1/connections",
                    f.gateway.adminToken(),
                    Map.of("name", "x", "type", "postgres", "target", "127.0.0.1:1", "connector", "nope"));
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.text()).contains("no connector named 'nope'");
        }
    }

    static List<Event> events(TunnelFixture f, EventKind kind) throws Exception {
        String origin = f.gateway.gateway().writer().origin();
        List<Event> events = new ArrayList<>();
        for (LogEntry entry : f.gateway.gateway().store().log().read(origin, 0, 100_000)) {
            Event event = EventCodec.decode(entry.entry());
            if (event.kind() == kind) {
                events.add(event);
            }
        }
        return events;
    }
}
