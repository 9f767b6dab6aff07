package io.gatehouse.gateway.tunnel;

import io.gatehouse.store.ConnectorRecord;
import io.gatehouse.tunnel.GatehouseVersion;
import io.gatehouse.tunnel.TunnelProtocol;
import io.gatehouse.tunnel.v1.ConnectorMessage;
import io.gatehouse.tunnel.v1.Frame;
import io.gatehouse.tunnel.v1.GatewayMessage;
import io.gatehouse.tunnel.v1.TunnelGrpc;
import io.gatehouse.tunnel.v1.Welcome;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway's side of tunnel.proto: control streams and data streams of authenticated connectors. */
final class TunnelService extends TunnelGrpc.TunnelImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelService.class);

    private final ConnectorRegistry registry;
    private final String instance;
    private final Clock clock;

    TunnelService(ConnectorRegistry registry, String instance, Clock clock) {
        this.registry = registry;
        this.instance = instance;
        this.clock = clock;
    }

    @Override
    public StreamObserver<ConnectorMessage> control(StreamObserver<GatewayMessage> responses) {
        ConnectorRecord connector = ConnectorAuthInterceptor.CONNECTOR.get();
        String source = ConnectorAuthInterceptor.SOURCE.get();
        return new StreamObserver<>() {
            private ConnectorLink link;

            @Override
            public void onNext(ConnectorMessage message) {
                if (link == null) {
                    hello(message);
                    return;
                }
                link.heard(clock.instant());
                switch (message.getBodyCase()) {
                    case HEARTBEAT -> {}
                    case OPEN_FAILED ->
                        registry.openFailed(
                                message.getOpenFailed().getStreamId(),
                                connector.name(),
                                message.getOpenFailed().getReason());
                    case TARGET_REPORT -> link.targets(message.getTargetReport().getTargetsList());
                    default -> {} // unknown messages are ignored (tunnel.proto, evolution rule 2)
                }
            }

            private void hello(ConnectorMessage message) {
                if (message.getBodyCase() != ConnectorMessage.BodyCase.HELLO) {
                    responses.onError(Status.FAILED_PRECONDITION
                            .withDescription("the first message on the control stream must be Hello")
                            .asRuntimeException());
                    return;
                }
                String claimed = message.getHello().getName();
                if (!claimed.isEmpty() && !claimed.equals(connector.name())) {
                    LOG.warn(
                            "connector at {} says it is {} but its token is connector {}'s",
                            source,
                            claimed,
                            connector.name());
                    responses.onError(Status.PERMISSION_DENIED
                            .withDescription("this token belongs to connector " + connector.name() + ", not " + claimed)
                            .asRuntimeException());
                    return;
                }
                link = new ConnectorLink(connector.name(), source, message.getHello(), clock.instant(), responses);
                link.send(GatewayMessage.newBuilder()
                        .setWelcome(Welcome.newBuilder()
                                .setVersion(GatehouseVersion.value())
                                .setInstance(instance)
                                .setHeartbeatIntervalMs(
                                        (int) registry.heartbeat().toMillis())
                                .setTargets(registry.targetsOf(connector.name())))
                        .build());
                registry.attach(link);
            }

            @Override
            public void onError(Throwable t) {
                if (link != null) {
                    registry.detach(
                            link, "disconnected (" + Status.fromThrowable(t).getCode() + ")");
                }
            }

            @Override
            public void onCompleted() {
                if (link != null) {
                    registry.detach(link, "said goodbye");
                    link.completed();
                } else {
                    responses.onCompleted();
                }
            }
        };
    }

    @Override
    public StreamObserver<Frame> data(StreamObserver<Frame> responses) {
        ConnectorRecord connector = ConnectorAuthInterceptor.CONNECTOR.get();
        ServerCallStreamObserver<Frame> out = (ServerCallStreamObserver<Frame>) responses;
        out.disableAutoRequest();
        out.setOnReadyThreshold(TunnelProtocol.ON_READY_THRESHOLD);
        GrpcDataStream stream = new GrpcDataStream(out, connector.name(), registry);
        out.request(1); // the StreamHello; the channel asks for the rest as it reads
        return stream;
    }
}
