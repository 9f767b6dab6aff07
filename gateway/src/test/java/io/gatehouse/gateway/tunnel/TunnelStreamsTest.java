package io.gatehouse.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.gateway.testing.TcpForwarder;
import io.gatehouse.gateway.testing.TestGateway;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes through gateway and a separate connector process to a TCP echo resource: integrity of a large
 * transfer, many streams at once, and isolation of a stream whose reader stalls.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TunnelStreamsTest {
    TunnelFixture fixture;
    TcpForwarder forwarder;

    @BeforeAll
    void start(@TempDir Path dir) {
        fixture = new TunnelFixture(dir);
        TestGateway.Response r = fixture.gateway.post(
                "/api/v1/connections",
                fixture.gateway.adminToken(),
                Map.of("name", "echo", "type", "postgres", "target", fixture.echo.target(), "connector", "edge"));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        fixture.startConnector();
        forwarder = TcpForwarder.start(fixture.gateway.gateway().connectors(), "edge", fixture.echo.target(), 2);
    }

    @AfterAll
    void stop() {
        forwarder.close();
        fixture.close();
    }

    Socket open() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), forwarder.port());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(60_000);
        return socket;
    }

    @Test
    void listsTheConnectorOnlineWithItsVersionAddressAndReachableTargets() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode edge = fixture.status("edge");
            assertThat(edge.get("state").asText()).isEqualTo("online");
            assertThat(edge.get("version").asText()).isNotBlank();
            assertThat(edge.get("address").asText()).startsWith("127.0.0.1:");
            assertThat(edge.get("tokenId").asText()).hasSize(12);
            assertThat(edge.get("targets")).hasSize(1);
            assertThat(edge.get("targets").get(0).get("target").asText()).isEqualTo(fixture.echo.target());
            assertThat(edge.get("targets").get(0).get("reachable").asBoolean()).isTrue();
        });
        assertThat(fixture.gateway
                        .get("/api/v1/connectors", fixture.gateway.adminToken())
                        .text())
                .doesNotContain(fixture.connectorToken);
    }

    @Test
    void aGibibyteStreamsThroughTheTunnelAndBackUnchanged() throws Exception {
        long total = 1L << 30;
        try (Socket socket = open()) {
            ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
            Future<byte[]> sent = io.submit(() -> {
                MessageDigest digest = sha256();
                SplittableRandom random = new SplittableRandom(42);
                byte[] chunk = new byte[256 * 1024];
                OutputStream out = socket.getOutputStream();
                for (long written = 0; written < total; written += chunk.length) {
                    for (int i = 0; i < chunk.length; i += 8) {
                        long value = random.nextLong();
                        for (int b = 0; b < 8; b++) {
                            chunk[i + b] = (byte) (value >>> (8 * b));
                        }
                    }
                    out.write(chunk);
                    digest.update(chunk);
                }
                out.flush();
                return digest.digest();
            });
            MessageDigest received = sha256();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[256 * 1024];
            long read = 0;
            while (read < total) {
                int n = in.read(buffer);
                assertThat(n)
                        .as("the echo ended after %d of %d bytes", read, total)
                        .isPositive();
                received.update(buffer, 0, n);
                read += n;
            }
            assertThat(HexFormat.of().formatHex(received.digest()))
                    .isEqualTo(HexFormat.of().formatHex(sent.get(60, TimeUnit.SECONDS)));
            io.shutdown();
        }
    }

    @Test
    void twoHundredConcurrentStreamsEachGetTheirOwnBytesBack() throws Exception {
        int streams = 200;
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < streams; i++) {
                sockets.add(open());
            }
            List<CompletableFuture<Boolean>> results = new ArrayList<>();
            try (ExecutorService io = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < streams; i++) {
                    Socket socket = sockets.get(i);
                    int id = i;
                    results.add(CompletableFuture.supplyAsync(() -> roundTrips(socket, id), io));
                }
                CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                        .get(120, TimeUnit.SECONDS);
            }
            assertThat(results).allSatisfy(r -> assertThat(r.join()).isTrue());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                            fixture.status("edge").get("streamsOpen").asInt())
                    .isEqualTo(streams));
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                        fixture.status("edge").get("streamsOpen").asInt())
                .isZero());
    }

    /** Ten round trips of 32 KiB of bytes unique to {@code id}; true when every echo matched. */
    private static boolean roundTrips(Socket socket, int id) {
        try {
            byte[] payload = new byte[32 * 1024];
            new SplittableRandom(id).nextBytes(payload);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] back = new byte[payload.length];
            for (int round = 0; round < 10; round++) {
                socket.getOutputStream().write(payload);
                in.readFully(back);
                if (!Arrays.equals(payload, back)) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aStreamWhoseReaderStallsDoesNotHoldUpTheOthers() throws Exception {
        try (Socket stalled = open();
                Socket lively = open()) {
            // The stalled client writes 64 MiB and reads nothing: the echo's replies back up through the tunnel
            // until every buffer on that one stream is full and its writes block.
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    OutputStream out = stalled.getOutputStream();
                    for (int i = 0; i < 1024; i++) {
                        out.write(chunk);
                    }
                } catch (IOException ignored) {
                    // closed at the end of the test
                }
            });
            writer.join(Duration.ofSeconds(5));
            assertThat(writer.isAlive())
                    .as("the stalled stream's writer is blocked by backpressure, not buffered without bound")
                    .isTrue();
            assertThat(roundTrips(lively, 7)).isTrue();
            assertThat(roundTrips(lively, 8)).isTrue();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
