package io.gatehouse.gateway.pg;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL protocol listener: one Netty server channel; every accepted connection gets its own
 * {@link ClientSession} with auto-read off. Close stops accepting and closes every open session.
 */
public final class PgListener implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService blocking;
    private final SessionPolicy policy;
    private final Channel server;

    private PgListener(
            EventLoopGroup boss,
            EventLoopGroup workers,
            ExecutorService blocking,
            SessionPolicy policy,
            Channel server) {
        this.policy = policy;
        this.boss = boss;
        this.workers = workers;
        this.blocking = blocking;
        this.server = server;
    }

    /** Binds {@code bind:port} (port 0: any free port), one event loop per available processor. */
    public static PgListener start(String bind, int port, PgServices services) {
        return start(bind, port, services, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Binds {@code bind:port} (port 0: any free port, see {@link #port()}) with {@code eventLoops} threads for
     * the sessions; each session's client and upstream connection share one of them.
     *
     * <p>Why not Netty's default of twice the processors: a session's work is short and never blocks, so
     * more loops than cores only add context switches. On 2 cores, 2 loops instead of 4 measured 5–15 % less
     * gateway CPU per statement under pgbench (docs/benchmarks.md, session 5).
     */
    public static PgListener start(String bind, int port, PgServices services, int eventLoops) {
        if (eventLoops < 1) {
            throw new IllegalArgumentException("eventLoops must be at least 1, not " + eventLoops);
        }
        EventLoopGroup boss = Transport.newGroup("gatehouse-pg-accept", 1);
        EventLoopGroup workers = Transport.newGroup("gatehouse-pg", eventLoops);
        ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
        ClientAuthorizer authorizer = new ClientAuthorizer(services.store());
        CancelRegistry cancels = new CancelRegistry();
        SessionPolicy policy = new SessionPolicy(services.revocations());
        try {
            Channel server = Transport.keepAliveChildren(new ServerBootstrap())
                    .group(boss, workers)
                    .channel(Transport.serverChannel())
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            channel.pipeline()
                                    .addLast(new ClientSession(services, authorizer, cancels, policy, blocking));
                        }
                    })
                    .bind(bind, port)
                    .syncUninterruptibly()
                    .channel();
            return new PgListener(boss, workers, blocking, policy, server);
        } catch (RuntimeException e) {
            policy.close();
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            blocking.shutdownNow();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** {@code epoll} or {@code nio}. */
    public String transport() {
        return Transport.name();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        blocking.shutdownNow();
        policy.close();
    }
}
