package io.gatehouse.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A loopback TCP relay to {@code target} that can stall: while frozen it accepts connections and keeps every
 * socket open, but forwards no byte in either direction, like a network path that silently drops packets
 * (no FIN, no RST, nothing for either end to notice). Thawing forwards what was held.
 */
public final class StallingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private volatile boolean frozen;
    private volatile boolean closed;

    private StallingProxy(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    public static StallingProxy start(int targetPort) {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            StallingProxy proxy = new StallingProxy(server, targetPort);
            Thread.ofPlatform().daemon().name("stalling-proxy-accept").start(proxy::accept);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public void freeze() {
        frozen = true;
    }

    public void thaw() {
        synchronized (gate) {
            frozen = false;
            gate.notifyAll();
        }
    }

    /** Client-side connections the proxy holds open now (each relayed one counts once). */
    public int openConnections() {
        return (int) sockets.stream()
                .filter(s -> s.getLocalPort() == port() && !s.isClosed())
                .count();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                sockets.add(client);
                sockets.add(upstream);
                Thread.ofPlatform().daemon().name("stalling-proxy-read").start(() -> pump(client, upstream));
                Thread.ofPlatform().daemon().name("stalling-proxy-read").start(() -> pump(upstream, client));
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    /**
     * Reads {@code from} all the time (so a close by either end is seen even while frozen) and hands the
     * bytes to a writer that holds them while the proxy is frozen.
     */
    private void pump(Socket from, Socket to) {
        BlockingQueue<byte[]> held = new LinkedBlockingQueue<>();
        Thread writer =
                Thread.ofPlatform().daemon().name("stalling-proxy-write").start(() -> write(held, to));
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                held.add(Arrays.copyOf(buffer, n));
            }
        } catch (IOException e) {
            // reset or closed under us
        } finally {
            writer.interrupt();
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void write(BlockingQueue<byte[]> held, Socket to) {
        try {
            OutputStream out = to.getOutputStream();
            while (true) {
                byte[] chunk = held.take();
                awaitThawed();
                out.write(chunk);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            closeQuietly(to);
        }
    }

    private void awaitThawed() throws InterruptedException {
        synchronized (gate) {
            while (frozen && !closed) {
                gate.wait(100);
            }
        }
    }

    private void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
        sockets.remove(socket);
    }

    @Override
    public void close() {
        closed = true;
        thaw();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        sockets.forEach(this::closeQuietly);
    }
}
