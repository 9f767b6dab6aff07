package io.gatehouse.bench;

import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.SocketChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * The tunnel's ceiling: the same two extra hops, a TLS link between them, and nothing else. A near relay
 * (the gateway's place) takes plain TCP and relays it over TLS to a far relay (the connector's place), which
 * relays it in plain TCP to the target. Each relay runs on one event loop of its own, relays each read as it
 * comes (the next read once the write completed, as the gateway does), and uses the TLS library and Netty that
 * gRPC's shaded transport uses (BoringSSL when available), so the difference to the tunnel is gRPC, HTTP/2 and
 * protobuf framing — not the encryption or the extra copies through the kernel.
 */
final class TlsRelayPair implements AutoCloseable {
    private final EventLoopGroup near;
    private final EventLoopGroup far;
    private final Channel nearServer;
    private final Channel farServer;
    private final String provider;

    private TlsRelayPair(
            EventLoopGroup near, EventLoopGroup far, Channel nearServer, Channel farServer, String provider) {
        this.near = near;
        this.far = far;
        this.nearServer = nearServer;
        this.farServer = farServer;
        this.provider = provider;
    }

    /** Relays to {@code target} on loopback, with the gateway's server certificate and key (PEM) on the TLS link. */
    static TlsRelayPair start(Path certificate, Path key, Path ca, int target) throws SSLException {
        SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        SslContext server = SslContextBuilder.forServer(certificate.toFile(), key.toFile())
                .sslProvider(provider)
                .build();
        SslContext client = SslContextBuilder.forClient()
                .trustManager(ca.toFile())
                .sslProvider(provider)
                .build();
        EventLoopGroup farLoop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup nearLoop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        InetAddress loopback = InetAddress.getLoopbackAddress();
        Channel farServer = listen(
                farLoop,
                ch -> ch.pipeline().addLast(server.newHandler(ch.alloc())),
                new InetSocketAddress(loopback, target),
                null);
        int farPort = ((InetSocketAddress) farServer.localAddress()).getPort();
        Channel nearServer = listen(nearLoop, ch -> {}, new InetSocketAddress(loopback, farPort), client);
        return new TlsRelayPair(nearLoop, farLoop, nearServer, farServer, provider.name());
    }

    private static Channel listen(
            EventLoopGroup loop, Consumer<SocketChannel> inbound, InetSocketAddress next, SslContext nextTls) {
        return new ServerBootstrap()
                .group(loop)
                .channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        inbound.accept(ch);
                        ch.pipeline().addLast(new Front(next, nextTls));
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0)
                .syncUninterruptibly()
                .channel();
    }

    /** The accepted side: dials the next hop on the same loop, then relays both ways. */
    private static final class Front extends ChannelInboundHandlerAdapter {
        private final InetSocketAddress next;
        private final SslContext nextTls;
        private Channel back;

        Front(InetSocketAddress next, SslContext nextTls) {
            this.next = next;
            this.nextTls = nextTls;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel front = ctx.channel();
            new Bootstrap()
                    .group(front.eventLoop())
                    .channel(EpollSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (nextTls != null) {
                                // The peer's name, for the same certificate check the connector makes.
                                ch.pipeline()
                                        .addLast(nextTls.newHandler(ch.alloc(), next.getHostString(), next.getPort()));
                            }
                            ch.pipeline().addLast(new Relay(front));
                        }
                    })
                    .connect(next)
                    .addListener((ChannelFutureListener) connected -> {
                        if (!connected.isSuccess()) {
                            front.close();
                            return;
                        }
                        back = connected.channel();
                        back.read();
                        front.read();
                    });
            front.pipeline().addLast(new Relay(null) {
                @Override
                Channel peer() {
                    return back;
                }
            });
            front.pipeline().remove(this);
        }
    }

    /** Writes what it reads to its peer; reads again once that write completed. */
    private static class Relay extends ChannelInboundHandlerAdapter {
        private final Channel peer;

        Relay(Channel peer) {
            this.peer = peer;
        }

        Channel peer() {
            return peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            peer().writeAndFlush(msg).addListener((ChannelFutureListener) done -> {
                if (done.isSuccess()) {
                    ctx.channel().read();
                } else {
                    ctx.close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Channel other = peer();
            if (other != null) {
                other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    int port() {
        return ((InetSocketAddress) nearServer.localAddress()).getPort();
    }

    /** The TLS library on the link (OPENSSL is BoringSSL in grpc-netty-shaded, as gRPC itself uses it). */
    String provider() {
        return provider;
    }

    @Override
    public void close() {
        nearServer.close().syncUninterruptibly();
        farServer.close().syncUninterruptibly();
        near.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        far.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
