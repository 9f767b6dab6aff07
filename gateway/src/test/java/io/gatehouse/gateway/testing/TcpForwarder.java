package io.gatehouse.gateway.testing;

import io.gatehouse.gateway.tunnel.ConnectorRegistry;
import io.gatehouse.store.ConnectionRecord;
import io.gatehouse.store.ConnectionType;
import io.gatehouse.store.Credential;
import io.gatehouse.store.Durability;
import io.gatehouse.store.RecordingContent;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP port whose every connection is relayed through a connector's tunnel to {@code target}: the
 * generic byte path of the tunnel, measured and tested without any protocol on top. Relays with
 * read-after-write backpressure in both directions, like the PostgreSQL listener.
 */
public final class TcpForwarder implements AutoCloseable {
    private final MultiThreadIoEventLoopGroup group;
    private final Channel server;
    private final AtomicInteger sessions;

    private TcpForwarder(MultiThreadIoEventLoopGroup group, Channel server, AtomicInteger sessions) {
        this.group = group;
        this.server = server;
        this.sessions = sessions;
    }

    public static TcpForwarder start(ConnectorRegistry registry, String connector, String target, int threads) {
        boolean epoll = Epoll.isAvailable();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(
                threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        ConnectionRecord connection = new ConnectionRecord(
                "tcp-forward",
                ConnectionType.POSTGRES,
                target,
                connector,
                null,
                null,
                new Credential.None(),
                RecordingContent.COMMANDS,
                Durability.BEST_EFFORT,
                null,
                null);
        AtomicInteger ids = new AtomicInteger();
        AtomicInteger sessions = new AtomicInteger();
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel client) {
                            client.pipeline()
                                    .addLast(new ClientSide(
                                            registry, connection, "fwd-" + ids.incrementAndGet(), sessions));
                        }
                    })
                    .bind(InetAddress.getLoopbackAddress(), 0)
                    .sync()
                    .channel();
            return new TcpForwarder(group, server, sessions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    public int sessions() {
        return sessions.get();
    }

    private static final class ClientSide extends ChannelInboundHandlerAdapter {
        private final ConnectorRegistry registry;
        private final ConnectionRecord connection;
        private final String sessionId;
        private final AtomicInteger sessions;
        private Channel upstream;

        ClientSide(ConnectorRegistry registry, ConnectionRecord connection, String sessionId, AtomicInteger sessions) {
            this.registry = registry;
            this.connection = connection;
            this.sessionId = sessionId;
            this.sessions = sessions;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            sessions.incrementAndGet();
            Channel client = ctx.channel();
            registry.open(connection, sessionId, client.eventLoop(), new Relay(client), Duration.ofSeconds(10))
                    .addListener((ChannelFutureListener) opened -> {
                        if (!opened.isSuccess()) {
                            client.close();
                            return;
                        }
                        upstream = opened.channel();
                        upstream.read();
                        client.read();
                    });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            upstream.writeAndFlush(msg).addListener((ChannelFutureListener) done -> {
                if (done.isSuccess()) {
                    ctx.channel().read();
                } else {
                    done.channel().close();
                    ctx.close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            sessions.decrementAndGet();
            if (upstream != null) {
                upstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The tunnel side: relays to the client, reading the next frame only after the write completed. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel client;

        Relay(Channel client) {
            this.client = client;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            client.writeAndFlush(msg).addListener((ChannelFutureListener) done -> {
                if (done.isSuccess()) {
                    ctx.channel().read();
                } else {
                    ctx.close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
