package io.gatehouse.bench;

import io.gatehouse.gateway.testing.ConnectorProcess;
import io.gatehouse.gateway.testing.EchoServer;
import io.gatehouse.gateway.testing.TcpForwarder;
import io.gatehouse.gateway.testing.TestGateway;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 4's benchmark: one TCP stream to an echo resource, directly and through gateway + connector (a
 * separate process, dialled out over gRPC/TLS), measured side by side in one run.
 *
 * <ul>
 *   <li>round trip: 64-byte ping-pong on one connection; p50/p99 and the added p50 (target ≤ 150 µs);
 *   <li>bulk: a writer streams 256 KiB writes while a reader drains the echo; MB/s of bytes echoed back
 *       (each byte crosses the path twice), with 1 and more streams in parallel (target ≥ 50 % of direct).
 * </ul>
 */
public final class TunnelBench {
    private TunnelBench() {}

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int warmup = 3;
        List<Integer> streams = List.of(1, 4);
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--streams" ->
                    streams = Arrays.stream(args[i + 1].split(","))
                            .map(Integer::parseInt)
                            .toList();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("gatehouse-tunnel-bench");
        try (EchoServer echo = EchoServer.start();
                TestGateway gateway = TestGateway.start(dir.resolve("gateway"), Clock.systemUTC())) {
            TestGateway.Response r = gateway.post("/api/v1/connectors", gateway.adminToken(), Map.of("name", "bench"));
            String token = r.body().get("token").asText();
            try (ConnectorProcess connector = ConnectorProcess.start(
                            dir.resolve("connector"),
                            gateway.gateway().tunnelPort(),
                            token,
                            dir.resolve("gateway/tls/ca.crt"),
                            Map.of());
                    TcpForwarder forwarder =
                            TcpForwarder.start(gateway.gateway().connectors(), "bench", echo.target(), 2)) {
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (!gateway.gateway().connectors().isOnline("bench")) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("connector did not come online:\n" + connector.output());
                    }
                    Thread.sleep(50);
                }
                System.out.printf(
                        "machine: %d cpus, load average %.2f; %d s per cell after %d s warm-up%n",
                        Runtime.getRuntime().availableProcessors(),
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                                .getSystemLoadAverage(),
                        seconds,
                        warmup);
                int directPort = echo.port();
                int tunnelPort = forwarder.port();

                if (Boolean.getBoolean("tunnelbench.trace")) {
                    System.out.println("trace of tunnel bulk, 1 stream:");
                    bulk(tunnelPort, 1, warmup, seconds);
                }
                Rtt directRtt = rtt(directPort, warmup, seconds);
                Rtt tunnelRtt = rtt(tunnelPort, warmup, seconds);
                System.out.printf("%nround trip, 64 bytes, 1 connection%n");
                System.out.printf("%-8s %10s %10s %10s %12s%n", "path", "p50", "p99", "mean", "round trips");
                print("direct", directRtt);
                print("tunnel", tunnelRtt);
                double added = tunnelRtt.p50 - directRtt.p50;
                System.out.printf("added p50: %.0f µs (target ≤ 150 µs: %s)%n", added, added <= 150 ? "met" : "MISSED");

                System.out.printf("%nbulk, echoed MB/s (each byte crosses the path twice)%n");
                System.out.printf("%-8s %8s %12s %12s %8s%n", "streams", "", "direct", "tunnel", "ratio");
                for (int n : streams) {
                    double direct = bulk(directPort, n, warmup, seconds);
                    double tunnel = bulk(tunnelPort, n, warmup, seconds);
                    double ratio = tunnel / direct;
                    System.out.printf(
                            "%-8d %8s %12.1f %12.1f %7.2f× %s%n",
                            n,
                            "",
                            direct,
                            tunnel,
                            ratio,
                            n == 1 ? "(target ≥ 0.50×: " + (ratio >= 0.5 ? "met" : "MISSED") + ")" : "");
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    record Rtt(double p50, double p99, double mean, int count) {}

    private static void print(String path, Rtt r) {
        System.out.printf("%-8s %8.0fµs %8.0fµs %8.0fµs %12d%n", path, r.p50, r.p99, r.mean, r.count);
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        return socket;
    }

    static Rtt rtt(int port, int warmup, int seconds) throws IOException {
        try (Socket socket = connect(port)) {
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] ping = new byte[64];
            byte[] pong = new byte[64];
            long warmEnd = System.nanoTime() + warmup * 1_000_000_000L;
            while (System.nanoTime() < warmEnd) {
                out.write(ping);
                in.readFully(pong);
            }
            Latencies latencies = new Latencies();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long total = 0;
            while (true) {
                long start = System.nanoTime();
                if (start >= end) {
                    break;
                }
                out.write(ping);
                in.readFully(pong);
                long took = System.nanoTime() - start;
                latencies.add(took);
                total += took;
            }
            return new Rtt(
                    latencies.percentileMicros(50),
                    latencies.percentileMicros(99),
                    total / 1000.0 / latencies.count(),
                    latencies.count());
        }
    }

    /** MB/s (10^6 bytes) echoed back over {@code streams} connections at once. */
    static double bulk(int port, int streams, int warmup, int seconds) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong received = new AtomicLong();
        List<Socket> sockets = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            Socket socket = connect(port);
            sockets.add(socket);
            threads.add(Thread.ofPlatform().start(() -> {
                byte[] chunk = new byte[256 * 1024];
                try {
                    OutputStream out = socket.getOutputStream();
                    while (!stop.get()) {
                        out.write(chunk);
                    }
                } catch (IOException ignored) {
                    // closed at the end
                }
            }));
            threads.add(Thread.ofPlatform().start(() -> {
                byte[] buffer = new byte[256 * 1024];
                try {
                    InputStream in = socket.getInputStream();
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        received.addAndGet(n);
                    }
                } catch (IOException ignored) {
                    // closed at the end
                }
            }));
        }
        Thread.sleep(warmup * 1000L);
        long startBytes = received.get();
        long start = System.nanoTime();
        if (Boolean.getBoolean("tunnelbench.trace")) {
            long last = startBytes;
            for (int s = 0; s < seconds * 4; s++) {
                Thread.sleep(250);
                long now = received.get();
                System.out.printf(
                        "  +%5.2fs %8.1f MB/s%n", (System.nanoTime() - start) / 1e9, (now - last) / 0.25 / 1e6);
                last = now;
            }
        } else {
            Thread.sleep(seconds * 1000L);
        }
        long bytes = received.get() - startBytes;
        double elapsed = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Socket socket : sockets) {
            socket.close();
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
        return bytes / elapsed / 1e6;
    }
}
