package io.gatehouse.gateway.pg;

import io.gatehouse.store.ConnectionRecord;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;

/**
 * Opens the byte stream from the gateway to a connection's target. The gateway's built-in connector
 * ({@link BuiltInConnector}) dials TCP itself; a remote connector (a process next to the resource that
 * dials out to the gateway) implements the same contract over its tunnel.
 *
 * <p>Contract: the returned channel has auto-read off, runs on {@code loop} (so the client's and the
 * upstream's handlers never race), and has {@code handler} as its only handler.
 */
public interface UpstreamConnector {
    /**
     * @param sessionId the session the stream serves (a remote connector logs it with the stream)
     */
    ChannelFuture connect(ConnectionRecord connection, String sessionId, EventLoop loop, ChannelHandler handler);
}
