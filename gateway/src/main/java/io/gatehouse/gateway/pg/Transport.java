package io.gatehouse.gateway.pg;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Native epoll on Linux (measurably faster for a relay, see STACK.md), NIO elsewhere. */
final class Transport {
    private static final boolean EPOLL = Epoll.isAvailable();

    /**
     * TCP keepalive on every client and database connection: the kernel probes a connection idle for
     * {@value #KEEPALIVE_IDLE_SECONDS} s every {@value #KEEPALIVE_INTERVAL_SECONDS} s and gives up after
     * {@value #KEEPALIVE_PROBES} unanswered probes (tcp(7)), so a peer that vanished without FIN or RST (host
     * down, cable cut, NAT state dropped) ends its session, recorded, after about two minutes instead of
     * holding it forever. The timers are per socket with epoll; with NIO the system's defaults apply.
     */
    static final int KEEPALIVE_IDLE_SECONDS = 60;

    static final int KEEPALIVE_INTERVAL_SECONDS = 10;
    static final int KEEPALIVE_PROBES = 6;

    private Transport() {}

    static String name() {
        return EPOLL ? "epoll" : "nio";
    }

    /** {@code threads} event loops whose threads are named {@code name-<group>-<n>}. */
    static MultiThreadIoEventLoopGroup newGroup(String name, int threads) {
        IoHandlerFactory factory = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name), factory);
    }

    /** Keepalive (see {@link #KEEPALIVE_IDLE_SECONDS}) on the connections a listener accepts. */
    static ServerBootstrap keepAliveChildren(ServerBootstrap bootstrap) {
        bootstrap.childOption(ChannelOption.SO_KEEPALIVE, true);
        if (EPOLL) {
            bootstrap
                    .childOption(EpollChannelOption.TCP_KEEPIDLE, KEEPALIVE_IDLE_SECONDS)
                    .childOption(EpollChannelOption.TCP_KEEPINTVL, KEEPALIVE_INTERVAL_SECONDS)
                    .childOption(EpollChannelOption.TCP_KEEPCNT, KEEPALIVE_PROBES);
        }
        return bootstrap;
    }

    /** Keepalive (see {@link #KEEPALIVE_IDLE_SECONDS}) on an outgoing connection. */
    static Bootstrap keepAlive(Bootstrap bootstrap) {
        bootstrap.option(ChannelOption.SO_KEEPALIVE, true);
        if (EPOLL) {
            bootstrap
                    .option(EpollChannelOption.TCP_KEEPIDLE, KEEPALIVE_IDLE_SECONDS)
                    .option(EpollChannelOption.TCP_KEEPINTVL, KEEPALIVE_INTERVAL_SECONDS)
                    .option(EpollChannelOption.TCP_KEEPCNT, KEEPALIVE_PROBES);
        }
        return bootstrap;
    }

    static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static Class<? extends Channel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
