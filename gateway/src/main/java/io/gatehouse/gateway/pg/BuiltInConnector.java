package io.gatehouse.gateway.pg;

import io.gatehouse.store.ConnectionRecord;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.time.Duration;

/** The gateway dials the connection's {@code host:port} target itself, over plain TCP. */
public final class BuiltInConnector implements UpstreamConnector {
    private final Duration connectTimeout;

    public BuiltInConnector(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    @Override
    public ChannelFuture connect(
            ConnectionRecord connection, String sessionId, EventLoop loop, ChannelHandler handler) {
        HostPort target = HostPort.parse(connection.target());
        return Transport.keepAlive(new Bootstrap())
                .group(loop)
                .channel(Transport.socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .handler(handler)
                .connect(target.host(), target.port());
    }

    /** {@code host:port} or {@code [v6]:port}; PostgreSQL's port 5432 when none is given. */
    record HostPort(String host, int port) {
        static HostPort parse(String target) {
            String host = target;
            int port = 5432;
            int colon = target.lastIndexOf(':');
            boolean bracketed = target.startsWith("[");
            if (colon > 0 && (!bracketed || target.lastIndexOf(']') < colon)) {
                host = target.substring(0, colon);
                try {
                    port = Integer.parseInt(target.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "connection target '" + target + "' has a port that is not a number; expected host:port");
                }
            }
            if (bracketed) {
                host = host.substring(1, host.length() - 1);
            }
            return new HostPort(host, port);
        }
    }
}
