package io.gatehouse.gateway.tunnel;

import io.gatehouse.gateway.recorder.Recorder;
import io.gatehouse.gateway.security.FailureRateLimiter;
import io.gatehouse.store.Store;
import io.gatehouse.tunnel.TunnelLogging;
import io.gatehouse.tunnel.TunnelProtocol;
import io.gatehouse.tunnel.v1.TunnelGrpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;

/**
 * The port connectors dial in to: gRPC over TLS with the gateway's certificate (connectors pin the CA that
 * issued it), every call authenticated by a connector token.
 */
public final class TunnelServer implements AutoCloseable {
    private final Server server;
    private final ExecutorService executor;

    private TunnelServer(Server server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param keyStore the gateway's certificate and key (as for the API), with {@code password}
     */
    public static TunnelServer start(
            String bind,
            int port,
            KeyStore keyStore,
            char[] password,
            Store store,
            ConnectorRegistry registry,
            FailureRateLimiter limiter,
            Recorder recorder,
            String instance,
            Clock clock) {
        TunnelLogging.quietFrameLogs();
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, password);
            AtomicInteger threads = new AtomicInteger();
            // gRPC's callbacks run here; they only hop to event loops or touch the store briefly (hello, auth).
            ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "tunnel-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            Server server = NettyServerBuilder.forAddress(
                            new InetSocketAddress(InetAddress.getByName(bind), port),
                            TlsServerCredentials.newBuilder()
                                    .keyManager(keys.getKeyManagers())
                                    .build())
                    .executor(executor)
                    // Data calls only hop each frame onto a session's event loop: run their callbacks on gRPC's own
                    // transport thread instead of handing every frame to the pool (measured: bench/tunnel.sh).
                    .callExecutor(new DataCallsDirect())
                    .maxInboundMessageSize(TunnelProtocol.MAX_MESSAGE)
                    .permitKeepAliveTime(5, TimeUnit.SECONDS)
                    .permitKeepAliveWithoutCalls(true)
                    .addService(ServerInterceptors.intercept(
                            new TunnelService(registry, instance, clock),
                            new ConnectorAuthInterceptor(store, limiter, recorder, clock)))
                    .build()
                    .start();
            return new TunnelServer(server, executor);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot listen for connectors on " + bind + ":" + port, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the gateway's TLS key cannot serve the tunnel: " + e.getMessage(), e);
        }
    }

    /** Data calls run their callbacks in the transport thread; everything else on the pool (null = default). */
    private static final class DataCallsDirect implements io.grpc.ServerCallExecutorSupplier {
        private static final java.util.concurrent.Executor DIRECT = Runnable::run;

        @Override
        public <ReqT, RespT> java.util.concurrent.Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
            return call.getMethodDescriptor()
                            .getFullMethodName()
                            .equals(TunnelGrpc.getDataMethod().getFullMethodName())
                    ? DIRECT
                    : null;
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }
}
