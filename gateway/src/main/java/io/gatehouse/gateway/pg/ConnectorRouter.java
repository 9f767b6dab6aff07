package io.gatehouse.gateway.pg;

import io.gatehouse.gateway.tunnel.ConnectorRegistry;
import io.gatehouse.store.ConnectionRecord;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import java.time.Duration;

/**
 * Picks each connection's connector: the built-in one (the gateway dials the target itself) when the
 * connection names none, otherwise the named remote connector through its tunnel. Both hand back a channel
 * with the same contract ({@link UpstreamConnector}), so the session above does not care which it got.
 */
public final class ConnectorRouter implements UpstreamConnector {
    private final UpstreamConnector builtIn;
    private final ConnectorRegistry registry;
    private final Duration openTimeout;

    public ConnectorRouter(UpstreamConnector builtIn, ConnectorRegistry registry, Duration openTimeout) {
        this.builtIn = builtIn;
        this.registry = registry;
        this.openTimeout = openTimeout;
    }

    @Override
    public ChannelFuture connect(
            ConnectionRecord connection, String sessionId, EventLoop loop, ChannelHandler handler) {
        if (connection.connector() == null) {
            return builtIn.connect(connection, sessionId, loop, handler);
        }
        // The connector dials exactly host:port; PostgreSQL's default port is filled in here, as for built-in.
        BuiltInConnector.HostPort target = BuiltInConnector.HostPort.parse(connection.target());
        String hostPort =
                (target.host().contains(":") ? "[" + target.host() + "]" : target.host()) + ":" + target.port();
        ConnectionRecord normalized = new ConnectionRecord(
                connection.name(),
                connection.type(),
                hostPort,
                connection.connector(),
                connection.username(),
                connection.database(),
                connection.credential(),
                connection.content(),
                connection.durability(),
                connection.upstreamTls(),
                connection.createdAt(),
                connection.updatedAt());
        return registry.open(normalized, sessionId, loop, handler, openTimeout);
    }
}
