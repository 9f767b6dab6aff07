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
 *
 * <p>A third path shows the ceiling: {@link TlsRelayPair}, the tunnel's two extra hops and its TLS link without
 * gRPC. Every cell also reports the CPU it took (this JVM and the connector's), which moves far less than the
 * rates when other work shares the cores. All paths run once before the cells, so that they measure compiled
 * code ({@code --jit-warmup S}, 20 by default).
 */
public final class TunnelBench {
    private TunnelBench() {}

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int warmup = 3;
        int jitWarmup = 20;
        List<Integer> streams = List.of(1, 4);
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--jit-warmup" -> jitWarmup = Integer.parseInt(args[i + 1]);
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
                            TcpForwarder.start(gateway.gateway().connectors(), "bench", echo.target(), 2);
                    TlsRelayPair relay = TlsRelayPair.start(
                            dir.resolve("gateway/tls/server.crt"),
                            dir.resolve("gateway/tls/server.key"),
                            dir.resolve("gateway/tls/ca.crt"),
                            echo.port())) {
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (!gateway.gateway().connectors().isOnline("bench")) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("connector did not come online:\n" + connector.output());
                    }
                    Thread.sleep(50);
                }
                int directPort = echo.port();
                int tunnelPort = forwarder.port();
                int relayPort = relay.port();
                Cpu cpu = new Cpu(connector.pid());
                // Both JVMs compile gRPC, HTTP/2, TLS and protobuf code for many seconds (on 2 shared cores the
                // compiler threads took a core of their own 12 s in): run every path first, so that the cells
                // measure compiled code and not the compiler.
                for (int port : new int[] {relayPort, tunnelPort}) {
                    rtt(port, 0, Math.max(1, jitWarmup / 4), cpu);
                    bulk(port, 1, 0, Math.max(1, jitWarmup / 4), cpu);
                }
                System.out.printf(
                        "machine: %d cpus, load average %.2f; %d s per cell after %d s warm-up (and %d s for the JIT)%n",
                        Runtime.getRuntime().availableProcessors(),
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                                .getSystemLoadAverage(),
                        seconds,
                        warmup,
                        jitWarmup);

                if (Boolean.getBoolean("tunnelbench.trace")) {
                    System.out.println("trace of tunnel bulk, 1 stream:");
                    bulk(tunnelPort, 1, warmup, seconds, cpu);
                }
                Rtt directRtt = rtt(directPort, warmup, seconds, cpu);
                Rtt relayRtt = rtt(relayPort, warmup, seconds, cpu);
                Rtt tunnelRtt = rtt(tunnelPort, warmup, seconds, cpu);
                System.out.printf("%nround trip, 64 bytes, 1 connection%n");
                System.out.printf(
                        "%-10s %10s %10s %10s %12s %14s%n", "path", "p50", "p99", "mean", "round trips", "CPU µs/trip");
                print("direct", directRtt);
                print("tls relay", relayRtt);
                print("tunnel", tunnelRtt);
                double added = tunnelRtt.p50 - directRtt.p50;
                System.out.printf(
                        "added p50: %.0f µs (target ≤ 150 µs: %s); the TLS relay adds %.0f µs%n",
                        added, added <= 150 ? "met" : "MISSED", relayRtt.p50 - directRtt.p50);

                System.out.printf("%nbulk, echoed MB/s (each byte crosses the path twice); CPU ms per MB echoed "
                        + "(this JVM + the connector)%n");
                System.out.printf(
                        "%-8s %9s %9s %9s %15s %12s %13s   %s%n",
                        "streams",
                        "direct",
                        "tls relay",
                        "tunnel",
                        "tunnel/direct",
                        "relay/direct",
                        "tunnel/relay",
                        "CPU ms/MB direct, relay, tunnel");
                for (int n : streams) {
                    Bulk direct = bulk(directPort, n, warmup, seconds, cpu);
                    Bulk relayed = bulk(relayPort, n, warmup, seconds, cpu);
                    Bulk tunnel = bulk(tunnelPort, n, warmup, seconds, cpu);
                    double ratio = tunnel.mbps / direct.mbps;
                    System.out.printf(
                            "%-8d %9.1f %9.1f %9.1f %14.2f× %11.2f× %12.2f×   %.2f, %.2f, %.2f %s%n",
                            n,
                            direct.mbps,
                            relayed.mbps,
                            tunnel.mbps,
                            ratio,
                            relayed.mbps / direct.mbps,
                            tunnel.mbps / relayed.mbps,
                            direct.cpuMsPerMb,
                            relayed.cpuMsPerMb,
                            tunnel.cpuMsPerMb,
                            n == 1 ? "(target ≥ 0.50× direct: " + (ratio >= 0.5 ? "met" : "MISSED") + ")" : "");
                }
                System.out.printf("TLS on the relay's link: %s%n", relay.provider());
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    record Rtt(double p50, double p99, double mean, int count, double cpuMicrosPerTrip) {}

    record Bulk(double mbps, double cpuMsPerMb) {}

    /**
     * CPU time of this JVM (client, echo resource, gateway, relay) plus the connector's process: a yardstick that
     * moves much less than rates when other work shares the cores.
     */
    static final class Cpu {
        private final long connectorPid;

        Cpu(long connectorPid) {
            this.connectorPid = connectorPid;
        }

        long nanos() {
            long self = ((com.sun.management.OperatingSystemMXBean)
                            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            long connector = ProcessHandle.of(connectorPid)
                    .flatMap(p -> p.info().totalCpuDuration())
                    .map(java.time.Duration::toNanos)
                    .orElse(0L);
            return self + connector;
        }
    }

    private static void print(String path, Rtt r) {
        System.out.printf(
                "%-10s %8.0fµs %8.0fµs %8.0fµs %12d %14.0f%n", path, r.p50, r.p99, r.mean, r.count, r.cpuMicrosPerTrip);
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        return socket;
    }

    static Rtt rtt(int port, int warmup, int seconds, Cpu cpu) throws IOException {
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
            long cpuStart = cpu.nanos();
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
            long cpuUsed = cpu.nanos() - cpuStart;
            return new Rtt(
                    latencies.percentileMicros(50),
                    latencies.percentileMicros(99),
                    total / 1000.0 / latencies.count(),
                    latencies.count(),
                    cpuUsed / 1000.0 / latencies.count());
        }
    }

    /** MB/s (10^6 bytes) echoed back over {@code streams} connections at once, and the CPU it took. */
    static Bulk bulk(int port, int streams, int warmup, int seconds, Cpu cpu) throws Exception {
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
        long cpuStart = cpu.nanos();
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
        long cpuUsed = cpu.nanos() - cpuStart;
        stop.set(true);
        for (Socket socket : sockets) {
            socket.close();
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
        return new Bulk(bytes / elapsed / 1e6, cpuUsed / 1e6 / (bytes / 1e6));
    }
}
