package io.gatehouse.gateway.tunnel;

import io.gatehouse.tunnel.v1.GatewayMessage;
import io.gatehouse.tunnel.v1.Hello;
import io.gatehouse.tunnel.v1.TargetStatus;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One connector that is online: its control stream and what it told us. Sends are serialized here because
 * open requests come from many event loops, heartbeats from the ticker and target lists from the admin API.
 */
final class ConnectorLink {
    private final String name;
    private final String address;
    private final Hello hello;
    private final Instant connectedAt;
    private final StreamObserver<GatewayMessage> control;
    /** The data streams opened through this link and not closed yet. */
    private final Set<TunnelChannel> streams = ConcurrentHashMap.newKeySet();

    private volatile Instant lastHeard;
    private volatile List<TargetStatus> targets = List.of();
    private boolean closed;

    ConnectorLink(String name, String address, Hello hello, Instant now, StreamObserver<GatewayMessage> control) {
        this.name = name;
        this.address = address;
        this.hello = hello;
        this.connectedAt = now;
        this.lastHeard = now;
        this.control = control;
    }

    String name() {
        return name;
    }

    String address() {
        return address;
    }

    Hello hello() {
        return hello;
    }

    Instant connectedAt() {
        return connectedAt;
    }

    Instant lastHeard() {
        return lastHeard;
    }

    void heard(Instant at) {
        lastHeard = at;
    }

    List<TargetStatus> targets() {
        return targets;
    }

    void targets(List<TargetStatus> reported) {
        targets = List.copyOf(reported);
    }

    int streamsOpen() {
        return streams.size();
    }

    void streamOpened(TunnelChannel channel) {
        streams.add(channel);
        channel.closeFuture().addListener(closed -> streams.remove(channel));
    }

    /**
     * Ends every data stream of this link with {@code reason}. Needed when the link is given up while its
     * transport stays open (a connector that froze or whose network stalls: no RST ever cancels the data
     * calls), or the sessions on those streams would wait for bytes that never come.
     */
    void failStreams(String reason) {
        for (TunnelChannel channel : streams) {
            TunnelChannel.onLoop(channel, () -> channel.onRemoteFailure(reason));
        }
    }

    /** Sends on the control stream; false when the link is already closed. */
    synchronized boolean send(GatewayMessage message) {
        if (closed) {
            return false;
        }
        try {
            control.onNext(message);
            return true;
        } catch (RuntimeException e) { // the call was cancelled under us
            closed = true;
            return false;
        }
    }

    /** Ends the control stream (e.g. replaced by a newer connection, or silent too long). */
    synchronized void end(Status status) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            control.onError(status.asRuntimeException());
        } catch (RuntimeException ignored) {
            // already cancelled by the peer
        }
    }

    synchronized void completed() {
        if (!closed) {
            closed = true;
            try {
                control.onCompleted();
            } catch (RuntimeException ignored) {
                // already cancelled by the peer
            }
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }
}
