package io.gatehouse.connector;

import io.gatehouse.tunnel.v1.TargetStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import jdk.net.ExtendedSocketOptions;

/** Whether a target ({@code host:port}) accepts a TCP connection from here, and how long that took. */
final class TargetProbe {
    private TargetProbe() {}

    static TargetStatus probe(String target, Duration timeout, Clock clock) {
        Instant at = clock.instant();
        TargetStatus.Builder status = TargetStatus.newBuilder()
                .setTarget(target)
                .setCheckedMicros(ChronoUnit.MICROS.between(Instant.EPOCH, at));
        long start = System.nanoTime();
        try (Socket socket = dial(target, timeout)) {
            return status.setReachable(true)
                    .setConnectMicros((int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - start) / 1000))
                    .build();
        } catch (IOException | IllegalArgumentException e) {
            return status.setReachable(false).setError(describe(e)).build();
        }
    }

    /** Opens a TCP connection to {@code host:port} (or {@code [v6]:port}). */
    static Socket dial(String target, Duration timeout) throws IOException {
        HostPort hp = HostPort.parse(target);
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            keepAlive(socket);
            socket.connect(new InetSocketAddress(hp.host(), hp.port()), (int) timeout.toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * TCP keepalive as on the gateway's own connections: probes after 60 s idle, every 10 s, 6 times (tcp(7)),
     * so a resource that vanished without FIN or RST ends the session after about two minutes, not never.
     */
    private static void keepAlive(Socket socket) throws IOException {
        socket.setKeepAlive(true);
        if (socket.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
            socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, 60);
            socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, 10);
            socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, 6);
        }
    }

    static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    record HostPort(String host, int port) {
        static HostPort parse(String target) {
            int colon = target.lastIndexOf(':');
            if (colon <= 0 || (target.startsWith("[") && target.lastIndexOf(']') > colon)) {
                throw new IllegalArgumentException("target '" + target + "' is not host:port");
            }
            String host = target.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                return new HostPort(host, Integer.parseInt(target.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("target '" + target + "' has a port that is not a number");
            }
        }
    }
}
