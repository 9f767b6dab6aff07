package io.gatehouse.gateway.tunnel;

import io.gatehouse.store.ConnectionRecord;
import io.gatehouse.store.ConnectorRecord;
import io.gatehouse.store.Credential;
import io.gatehouse.store.Store;
import io.gatehouse.tunnel.TunnelProtocol;
import io.gatehouse.tunnel.v1.GatewayMessage;
import io.gatehouse.tunnel.v1.Heartbeat;
import io.gatehouse.tunnel.v1.OpenStream;
import io.gatehouse.tunnel.v1.TargetStatus;
import io.gatehouse.tunnel.v1.Targets;
import io.grpc.Status;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connectors this gateway knows: which are online (their control streams), the streams being opened
 * through them, and their state for {@code gatehouse connectors list}. One connection per connector name:
 * a connector that reconnects (after a restart, or a network blip the gateway has not noticed yet) replaces
 * its older link.
 */
public final class ConnectorRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorRegistry.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Store store;
    private final Clock clock;
    private final Duration heartbeat;
    private final Map<String, ConnectorLink> online = new ConcurrentHashMap<>();
    private final Map<String, Opening> opening = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;

    /** A stream the gateway asked for and the connector has not opened yet. */
    private record Opening(String connector, TunnelChannel channel, ConnectorLink link) {}

    public ConnectorRegistry(Store store, Clock clock, Duration heartbeat) {
        this.store = store;
        this.clock = clock;
        this.heartbeat = heartbeat;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "connector-heartbeats");
            t.setDaemon(true);
            return t;
        });
        long every = heartbeat.toMillis();
        ticker.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    Duration heartbeat() {
        return heartbeat;
    }

    /** Whether the named connector has a live control stream. */
    public boolean isOnline(String connector) {
        return online.containsKey(connector);
    }

    /**
     * Asks the connection's connector for a stream to its target. The returned future completes (on
     * {@code loop}) with a {@link TunnelChannel} whose pipeline is {@code handler}, once the connector has
     * dialled the target; it fails with a message for the client when the connector is offline, cannot reach
     * the target, or does not answer within {@code timeout}.
     */
    public ChannelFuture open(
            ConnectionRecord connection, String sessionId, EventLoop loop, ChannelHandler handler, Duration timeout) {
        String name = connection.connector();
        TunnelChannel channel = new TunnelChannel(new TunnelAddress(name, connection.target()));
        channel.pipeline().addLast(handler);
        ChannelPromise opened = channel.openPromise(loop);
        loop.register(channel).addListener(registered -> {
            if (!registered.isSuccess()) {
                opened.tryFailure(registered.cause());
                return;
            }
            ConnectorLink link = online.get(name);
            if (link == null) {
                channel.failOpen("connector " + name + " is offline");
                return;
            }
            String streamId = newStreamId();
            opening.put(streamId, new Opening(name, channel, link));
            OpenStream.Builder request = OpenStream.newBuilder()
                    .setStreamId(streamId)
                    .setSessionId(sessionId)
                    .setConnection(connection.name())
                    .setTarget(connection.target())
                    .setConnectTimeoutMs((int) timeout.toMillis());
            if (connection.credential() instanceof Credential.Reference reference) {
                request.addCredentialRefs(reference.reference());
            }
            if (!link.send(GatewayMessage.newBuilder().setOpen(request).build())) {
                opening.remove(streamId);
                channel.failOpen("connector " + name + " is offline");
                return;
            }
            loop.schedule(
                    () -> {
                        if (opening.remove(streamId) != null) {
                            channel.failOpen("connector " + name + " did not open a stream to " + connection.target()
                                    + " within " + timeout.toMillis() + " ms");
                        }
                    },
                    timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(closed -> opening.remove(streamId));
        });
        return opened;
    }

    /** The channel waiting for {@code streamId}, if the connector {@code connector} was asked to open it. */
    TunnelChannel claim(String streamId, String connector) {
        Opening waiting = opening.get(streamId);
        if (waiting == null || !waiting.connector().equals(connector)) {
            return null; // unknown, timed out, or asked of another connector: never hand it to this one
        }
        opening.remove(streamId);
        waiting.link().streamOpened(waiting.channel());
        return waiting.channel();
    }

    void openFailed(String streamId, String connector, String reason) {
        Opening waiting = opening.get(streamId);
        if (waiting != null && waiting.connector().equals(connector)) {
            opening.remove(streamId);
            TunnelChannel channel = waiting.channel();
            TunnelChannel.onLoop(channel, () -> channel.failOpen("connector " + connector + ": " + reason));
        }
    }

    /** A connector said hello: it is online now, replacing any older link of the same name. */
    void attach(ConnectorLink link) {
        ConnectorLink older = online.put(link.name(), link);
        if (older != null) {
            older.end(Status.ALREADY_EXISTS.withDescription("connector " + link.name() + " connected again from "
                    + link.address() + "; this link is replaced"));
            failOpenings(older, "connector " + link.name() + " reconnected before opening the stream");
            LOG.warn(
                    "connector {} connected again from {}; its link from {} is replaced",
                    link.name(),
                    link.address(),
                    older.address());
        }
        seen(link);
        LOG.info(
                "connector {} online from {} (version {})",
                link.name(),
                link.address(),
                link.hello().getVersion());
    }

    /** The link's control stream ended: the connector is offline unless a newer link replaced it. */
    void detach(ConnectorLink link, String reason) {
        if (online.remove(link.name(), link)) {
            seen(link);
            LOG.info("connector {} offline: {}", link.name(), reason);
        }
        failOpenings(link, "connector " + link.name() + " went offline before opening the stream");
    }

    private void failOpenings(ConnectorLink link, String reason) {
        opening.entrySet().removeIf(entry -> {
            if (entry.getValue().link() != link) {
                return false;
            }
            TunnelChannel channel = entry.getValue().channel();
            TunnelChannel.onLoop(channel, () -> channel.failOpen(reason));
            return true;
        });
    }

    private void seen(ConnectorLink link) {
        try {
            store.connectors()
                    .seen(
                            link.name(),
                            clock.instant(),
                            link.address(),
                            link.hello().getVersion());
        } catch (RuntimeException e) {
            LOG.warn("cannot record when connector {} was last seen: {}", link.name(), e.getMessage());
        }
    }

    /** The targets of the connections bound to {@code connector}, for it to probe. */
    Targets targetsOf(String connector) {
        Targets.Builder targets =
                Targets.newBuilder().setProbeIntervalMs((int) TunnelProtocol.PROBE_INTERVAL.toMillis());
        store.connections().list().stream()
                .filter(c -> connector.equals(c.connector()))
                .map(ConnectionRecord::target)
                .distinct()
                .forEach(targets::addTargets);
        return targets.build();
    }

    /** Tells an online connector its (changed) list of targets; called when connections change. */
    public void targetsChanged(String connector) {
        ConnectorLink link = connector == null ? null : online.get(connector);
        if (link != null) {
            link.send(
                    GatewayMessage.newBuilder().setTargets(targetsOf(connector)).build());
        }
    }

    /** Every registered connector with its live state, by name. */
    public List<ConnectorStatus> statuses() {
        List<ConnectorStatus> statuses = new ArrayList<>();
        for (ConnectorRecord record : store.connectors().list()) {
            ConnectorLink link = online.get(record.name());
            if (link == null) {
                statuses.add(new ConnectorStatus(
                        record.name(),
                        false,
                        record.lastVersion(),
                        null,
                        record.lastAddress(),
                        null,
                        record.lastSeenAt(),
                        0,
                        List.of(),
                        record.tokenId(),
                        record.createdAt()));
            } else {
                statuses.add(new ConnectorStatus(
                        record.name(),
                        true,
                        link.hello().getVersion(),
                        link.hello().getHostname(),
                        link.address(),
                        link.connectedAt(),
                        link.lastHeard(),
                        link.streamsOpen(),
                        link.targets().stream().map(ConnectorRegistry::target).toList(),
                        record.tokenId(),
                        record.createdAt()));
            }
        }
        return statuses;
    }

    private static ConnectorStatus.Target target(TargetStatus status) {
        return new ConnectorStatus.Target(
                status.getTarget(),
                status.getReachable(),
                status.getError().isEmpty() ? null : status.getError(),
                Instant.EPOCH.plus(status.getCheckedMicros(), ChronoUnit.MICROS));
    }

    /** Ends the link of a connector that was removed: its token no longer works. */
    public void removed(String connector) {
        ConnectorLink link = online.get(connector);
        if (link != null) {
            link.end(Status.UNAUTHENTICATED.withDescription("connector " + connector + " was removed"));
            detach(link, "removed by an administrator");
            link.failStreams("connector " + connector + " was removed");
        }
    }

    private void tick() {
        Instant now = clock.instant();
        Duration silence = heartbeat.multipliedBy(TunnelProtocol.MISSED_HEARTBEATS);
        for (ConnectorLink link : online.values()) {
            if (link.lastHeard().plus(silence).isBefore(now)) {
                String why = "no heartbeat for " + silence.toSeconds() + " s";
                link.end(Status.UNAVAILABLE.withDescription(why));
                detach(link, why);
                // The transport may well stay open (a frozen process, a stalled path): its data streams would
                // never be cancelled, so the sessions on them end here, with the reason.
                link.failStreams("connector " + link.name() + " disconnected (" + why + ")");
                continue;
            }
            link.send(GatewayMessage.newBuilder()
                    .setHeartbeat(Heartbeat.newBuilder()
                            .setSentMicros(ChronoUnit.MICROS.between(Instant.EPOCH, now))
                            .setStreamsOpen(link.streamsOpen()))
                    .build());
        }
    }

    private static String newStreamId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        for (ConnectorLink link : online.values()) {
            link.end(Status.UNAVAILABLE.withDescription("the gateway is shutting down"));
        }
        online.clear();
    }
}
