package io.gatehouse.gateway.tunnel;

import com.google.protobuf.ByteString;
import io.gatehouse.tunnel.TunnelProtocol;
import io.gatehouse.tunnel.v1.Close;
import io.gatehouse.tunnel.v1.Frame;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The gateway's end of one Data call: the first frame names the stream (StreamHello) and binds the call to
 * the {@link TunnelChannel} waiting for it; later frames carry bytes or the close. gRPC's callbacks arrive
 * on its executor and hop onto the channel's event loop; the channel drives the outbound side from there.
 */
final class GrpcDataStream implements StreamObserver<Frame>, DataStream {
    private final ServerCallStreamObserver<Frame> out;
    private final String connector;
    private final ConnectorRegistry registry;
    private volatile TunnelChannel channel;
    private boolean completed;

    GrpcDataStream(ServerCallStreamObserver<Frame> out, String connector, ConnectorRegistry registry) {
        this.out = out;
        this.connector = connector;
        this.registry = registry;
        out.setOnReadyHandler(() -> {
            TunnelChannel bound = channel;
            if (bound != null) {
                TunnelChannel.onLoop(bound, bound::onReady);
            }
        });
        out.setOnCancelHandler(() -> failed("connector " + connector + " disconnected (the stream was cancelled)"));
    }

    @Override
    public void onNext(Frame frame) {
        TunnelChannel bound = channel;
        if (bound == null) {
            if (frame.getBodyCase() != Frame.BodyCase.HELLO) {
                out.onError(Status.FAILED_PRECONDITION
                        .withDescription("the first frame of a data stream must be StreamHello")
                        .asRuntimeException());
                return;
            }
            TunnelChannel waiting = registry.claim(frame.getHello().getStreamId(), connector);
            if (waiting == null) {
                out.onError(Status.NOT_FOUND
                        .withDescription("no stream " + frame.getHello().getStreamId() + " is waiting for connector "
                                + connector + " (it timed out or was never asked for)")
                        .asRuntimeException());
                return;
            }
            channel = waiting;
            java.util.Map<String, String> credentials = frame.getHello().getCredentialsMap();
            TunnelChannel.onLoop(waiting, () -> waiting.bind(this, credentials));
            return;
        }
        switch (frame.getBodyCase()) {
            case DATA -> {
                ByteString data = frame.getData();
                TunnelChannel.onLoop(bound, () -> bound.onData(Unpooled.wrappedBuffer(data.asReadOnlyByteBuffer())));
            }
            case CLOSE -> {
                String reason = frame.getClose().getReason();
                TunnelChannel.onLoop(bound, () -> bound.onRemoteClose(reason));
            }
            default -> out.request(1); // unknown frames are ignored (tunnel.proto, evolution rule 2)
        }
    }

    @Override
    public void onError(Throwable t) {
        failed("connector " + connector + " disconnected ("
                + Status.fromThrowable(t).getCode() + ")");
    }

    @Override
    public void onCompleted() {
        TunnelChannel bound = channel;
        if (bound != null) {
            TunnelChannel.onLoop(bound, () -> bound.onRemoteClose(null));
        }
    }

    private void failed(String reason) {
        TunnelChannel bound = channel;
        if (bound != null) {
            TunnelChannel.onLoop(bound, () -> bound.onRemoteFailure(reason));
        }
    }

    // ---- DataStream: called on the channel's event loop ----

    @Override
    public void request(int frames) {
        out.request(frames);
    }

    @Override
    public boolean isReady() {
        return out.isReady();
    }

    @Override
    public void send(ByteBuf data) {
        int index = data.readerIndex();
        int end = data.writerIndex();
        try {
            while (index < end) {
                int length = Math.min(TunnelProtocol.MAX_CHUNK, end - index);
                out.onNext(Frame.newBuilder()
                        .setData(ByteString.copyFrom(data.nioBuffer(index, length)))
                        .build());
                index += length;
            }
        } catch (RuntimeException e) { // cancelled meanwhile: the cancel handler ends the channel
            return;
        }
    }

    @Override
    public void close(String reason) {
        if (completed) {
            return;
        }
        completed = true;
        try {
            out.onNext(Frame.newBuilder()
                    .setClose(Close.newBuilder().setReason(reason))
                    .build());
            out.onCompleted();
        } catch (RuntimeException e) {
            // already cancelled by the connector
        }
    }
}
