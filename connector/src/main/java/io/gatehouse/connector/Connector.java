package io.gatehouse.connector;

import io.gatehouse.tunnel.GatehouseVersion;
import io.gatehouse.tunnel.TunnelAuth;
import io.gatehouse.tunnel.TunnelLogging;
import io.gatehouse.tunnel.TunnelProtocol;
import io.gatehouse.tunnel.v1.ConnectorMessage;
import io.gatehouse.tunnel.v1.GatewayMessage;
import io.gatehouse.tunnel.v1.Heartbeat;
import io.gatehouse.tunnel.v1.Hello;
import io.gatehouse.tunnel.v1.OpenFailed;
import io.gatehouse.tunnel.v1.OpenStream;
import io.gatehouse.tunnel.v1.TargetReport;
import io.gatehouse.tunnel.v1.TargetStatus;
import io.gatehouse.tunnel.v1.Targets;
import io.gatehouse.tunnel.v1.TunnelGrpc;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector: dials out to the gateway, keeps one control stream open (reconnecting with backoff and
 * jitter whenever it breaks), opens a TCP connection to a target whenever the gateway asks, and reports its
 * targets' reachability. It needs no inbound port and trusts nothing but the pinned CA.
 */
public final class Connector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);

    private final ConnectorSettings settings;
    private final Clock clock;
    private final ManagedChannel channel;
    private final TunnelGrpc.TunnelStub stub;
    private final ScheduledExecutorService scheduler;
    private final Backoff backoff;
    private final Set<StreamBridge> streams = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Control control;
    private volatile boolean closing;
    private volatile String fatal;
    private volatile boolean everConnected;

    private Connector(ConnectorSettings settings, Clock clock, ManagedChannel channel) {
        this.settings = settings;
        this.clock = clock;
        this.channel = channel;
        this.stub = TunnelGrpc.newStub(channel).withCallCredentials(TunnelAuth.bearer(settings.token()));
        this.scheduler = Executors.newScheduledThreadPool(
                1, Thread.ofPlatform().name("connector").daemon(true).factory());
        this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff(), new SecureRandom());
    }

    /**
     * Starts connecting; returns at once. The connector keeps reconnecting until {@link #close()}, or until the
     * gateway refuses it for good (wrong token, name or CA): then {@link #awaitStop()} returns that reason.
     */
    public static Connector start(ConnectorSettings settings) {
        TunnelLogging.quietFrameLogs();
        ChannelCredentials tls;
        try {
            tls = TlsChannelCredentials.newBuilder()
                    .trustManager(settings.ca().toFile())
                    .build();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the gateway's CA certificate " + settings.ca() + ": " + e.getMessage());
        }
        ManagedChannel channel = NettyChannelBuilder.forTarget(settings.gateway(), tls)
                .maxInboundMessageSize(TunnelProtocol.MAX_MESSAGE)
                .keepAliveTime(10, TimeUnit.SECONDS)
                .keepAliveTimeout(5, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true)
                // Callbacks only queue frames or wake a thread: run them on the transport thread, no pool hop.
                .directExecutor()
                .build();
        Connector connector = new Connector(settings, Clock.systemUTC(), channel);
        connector.scheduler.execute(connector::connect);
        return connector;
    }

    /** Blocks until the connector stops; returns why it stopped for good, or null after {@link #close()}. */
    public String awaitStop() throws InterruptedException {
        stopped.await();
        return fatal;
    }

    /** Whether the control stream is up and welcomed. */
    public boolean online() {
        Control current = control;
        return current != null && current.welcomed;
    }

    private void connect() {
        if (closing) {
            return;
        }
        Control next = new Control();
        control = next;
        next.requests = stub.control(next);
        next.send(ConnectorMessage.newBuilder()
                .setHello(Hello.newBuilder()
                        .setName(settings.name() == null ? "" : settings.name())
                        .setVersion(GatehouseVersion.value())
                        .setHostname(hostname()))
                .build());
    }

    private void reconnectLater(String why) {
        if (closing) {
            return;
        }
        Duration delay = backoff.next();
        LOG.warn(
                "gateway {} unreachable or lost ({}); reconnecting in {} ms",
                settings.gateway(),
                why,
                delay.toMillis());
        scheduler.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void stopFor(String reason) {
        fatal = reason;
        LOG.error("{}", reason);
        close();
    }

    /** One control stream: from Hello to its end. */
    private final class Control implements StreamObserver<GatewayMessage> {
        private StreamObserver<ConnectorMessage> requests;
        private volatile boolean welcomed;
        private volatile Instant lastHeard = clock.instant();
        private volatile List<String> targets = List.of();
        private ScheduledFuture<?> heartbeats;
        private ScheduledFuture<?> probes;
        private boolean over;

        synchronized void send(ConnectorMessage message) {
            if (!over) {
                try {
                    requests.onNext(message);
                } catch (RuntimeException e) {
                    over = true;
                }
            }
        }

        @Override
        public void onNext(GatewayMessage message) {
            lastHeard = clock.instant();
            switch (message.getBodyCase()) {
                case WELCOME -> welcome(message);
                case HEARTBEAT -> {}
                case OPEN -> Thread.ofVirtual().name("open").start(() -> open(message.getOpen()));
                case TARGETS -> probeEvery(message.getTargets());
                default -> {} // unknown messages are ignored (tunnel.proto, evolution rule 2)
            }
        }

        private void welcome(GatewayMessage message) {
            welcomed = true;
            everConnected = true;
            backoff.reset();
            long every = message.getWelcome().getHeartbeatIntervalMs() > 0
                    ? message.getWelcome().getHeartbeatIntervalMs()
                    : TunnelProtocol.HEARTBEAT_INTERVAL.toMillis();
            LOG.info(
                    "connected to gateway {} (instance {}, version {})",
                    settings.gateway(),
                    message.getWelcome().getInstance(),
                    message.getWelcome().getVersion());
            heartbeats = scheduler.scheduleAtFixedRate(() -> heartbeat(every), every, every, TimeUnit.MILLISECONDS);
            probeEvery(message.getWelcome().getTargets());
        }

        private void heartbeat(long every) {
            if (lastHeard.plusMillis(every * TunnelProtocol.MISSED_HEARTBEATS).isBefore(clock.instant())) {
                LOG.warn("no heartbeat from the gateway for {} ms", every * TunnelProtocol.MISSED_HEARTBEATS);
                synchronized (this) {
                    if (!over) {
                        over = true;
                        try {
                            requests.onError(Status.DEADLINE_EXCEEDED
                                    .withDescription("gateway silent")
                                    .asRuntimeException());
                        } catch (RuntimeException ignored) {
                            // already over
                        }
                    }
                }
                ended("the gateway stopped sending heartbeats");
                return;
            }
            send(ConnectorMessage.newBuilder()
                    .setHeartbeat(Heartbeat.newBuilder()
                            .setSentMicros(ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant()))
                            .setStreamsOpen(streams.size()))
                    .build());
        }

        private synchronized void probeEvery(Targets list) {
            targets = List.copyOf(list.getTargetsList());
            if (probes != null) {
                probes.cancel(false);
            }
            long every = list.getProbeIntervalMs() > 0
                    ? list.getProbeIntervalMs()
                    : TunnelProtocol.PROBE_INTERVAL.toMillis();
            probes = scheduler.scheduleAtFixedRate(
                    () -> Thread.ofVirtual().start(this::probe), 0, every, TimeUnit.MILLISECONDS);
        }

        private void probe() {
            List<TargetStatus> statuses = new ArrayList<>();
            for (String target : targets) {
                statuses.add(TargetProbe.probe(target, Duration.ofSeconds(5), clock));
            }
            send(ConnectorMessage.newBuilder()
                    .setTargetReport(TargetReport.newBuilder().addAllTargets(statuses))
                    .build());
        }

        private void open(OpenStream request) {
            Duration timeout =
                    Duration.ofMillis(request.getConnectTimeoutMs() > 0 ? request.getConnectTimeoutMs() : 10_000);
            Socket socket;
            try {
                socket = TargetProbe.dial(request.getTarget(), timeout);
            } catch (IOException | IllegalArgumentException e) {
                LOG.info(
                        "cannot open {} for session {}: {}",
                        request.getTarget(),
                        request.getSessionId(),
                        TargetProbe.describe(e));
                send(ConnectorMessage.newBuilder()
                        .setOpenFailed(OpenFailed.newBuilder()
                                .setStreamId(request.getStreamId())
                                .setReason("cannot connect to " + request.getTarget() + ": " + TargetProbe.describe(e)))
                        .build());
                return;
            }
            StreamBridge bridge = new StreamBridge(
                    request.getStreamId(),
                    request.getTarget(),
                    socket,
                    StreamBridge.hello(request.getStreamId(), request.getCredentialRefsList(), settings.environment()),
                    streams::remove);
            streams.add(bridge);
            stub.data(bridge);
            bridge.start();
        }

        @Override
        public void onError(Throwable t) {
            Status status = Status.fromThrowable(t);
            switch (status.getCode()) {
                case UNAUTHENTICATED, PERMISSION_DENIED -> {
                    // Off the transport thread: stopping waits for the channel that thread belongs to.
                    Thread.ofVirtual()
                            .start(() -> stopFor("the gateway refused this connector: " + status.getDescription()));
                    return;
                }
                default -> {}
            }
            if (isCertificateProblem(t)) {
                String reason = ("the gateway's certificate is not signed by the CA in " + settings.ca()
                        + " (or does not name " + settings.gateway() + "): " + rootMessage(t));
                Thread.ofVirtual().start(() -> stopFor(reason));
                return;
            }
            ended(status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription()));
        }

        @Override
        public void onCompleted() {
            ended("the gateway ended the control stream");
        }

        private void ended(String why) {
            synchronized (this) {
                over = true;
                if (heartbeats != null) {
                    heartbeats.cancel(false);
                }
                if (probes != null) {
                    probes.cancel(false);
                }
            }
            if (control == this) {
                reconnectLater(why);
            }
        }
    }

    private static boolean isCertificateProblem(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException || c instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "";
        }
    }

    int streamsOpen() {
        return streams.size();
    }

    boolean everConnected() {
        return everConnected;
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        for (StreamBridge stream : List.copyOf(streams)) {
            stream.cancel("the connector is shutting down");
        }
        Control current = control;
        if (current != null) {
            synchronized (current) {
                if (!current.over) {
                    current.over = true;
                    try {
                        current.requests.onCompleted();
                    } catch (RuntimeException ignored) {
                        // already over
                    }
                }
            }
        }
        scheduler.shutdownNow();
        channel.shutdown();
        try {
            if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
        stopped.countDown();
    }
}
