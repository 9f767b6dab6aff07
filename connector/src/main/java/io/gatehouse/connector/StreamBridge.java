package io.gatehouse.connector;

import com.google.protobuf.ByteString;
import io.gatehouse.tunnel.FrameMarshaller;
import io.gatehouse.tunnel.TunnelProtocol;
import io.gatehouse.tunnel.v1.Close;
import io.gatehouse.tunnel.v1.Frame;
import io.gatehouse.tunnel.v1.StreamHello;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied connection on the connector's side: a Netty channel to the resource joined to one Data call.
 *
 * <p>No thread of its own: the resource channel lives on the event loop that also carries the gRPC transport
 * (the connector gives both the same one-thread group), and the call's callbacks run on that loop. A frame
 * from the gateway is written to the resource on the thread that decrypted it, and the resource's bytes are
 * sent from the thread that read them.
 *
 * <p>Backpressure per stream, so a slow party on one stream holds back only that stream:
 *
 * <ul>
 *   <li>Gateway → resource: {@link #PREFETCH} frames are requested ahead, and one more only when a frame's
 *       write to the resource has completed. gRPC grants HTTP/2 window only for requested frames.
 *   <li>Resource → gateway: the resource is read (auto-read off) only while the call is ready; otherwise its
 *       on-ready signal resumes reading.
 * </ul>
 *
 * <p>Every method and callback runs on {@link #loop}; gRPC call methods are not thread-safe, and this is what
 * makes them safe here.
 */
final class StreamBridge extends ClientCall.Listener<Frame> {
    private static final Logger LOG = LoggerFactory.getLogger(StreamBridge.class);
    private static final int PREFETCH = Integer.getInteger("gatehouse.tunnel.prefetch", 8);

    private final String streamId;
    private final String target;
    private final Channel resource;
    private final EventLoop loop;
    private final Consumer<StreamBridge> onEnd;
    private ClientCall<Frame, Frame> call;
    private boolean waitingForReady;
    private boolean closingResource;
    private boolean ended;

    private StreamBridge(String streamId, String target, Channel resource, Consumer<StreamBridge> onEnd) {
        this.streamId = streamId;
        this.target = target;
        this.resource = resource;
        this.loop = resource.eventLoop();
        this.onEnd = onEnd;
    }

    /** The StreamHello for an OpenStream: the credentials the connector could resolve, and the ones it could not. */
    static StreamHello hello(String streamId, Iterable<String> references, Function<String, String> environment) {
        StreamHello.Builder hello = StreamHello.newBuilder().setStreamId(streamId);
        for (String reference : references) {
            String value = reference.startsWith("env:") ? environment.apply(reference.substring(4)) : null;
            if (value == null) {
                hello.addUnresolved(reference);
            } else {
                hello.putCredentials(reference, value);
            }
        }
        return hello.build();
    }

    /**
     * Joins {@code resource} (connected, auto-read off) to a new Data call on {@code grpc}: sends the hello and
     * starts relaying. Runs on the resource's event loop.
     */
    static StreamBridge start(
            String streamId,
            String target,
            Channel resource,
            StreamHello hello,
            io.grpc.Channel grpc,
            CallOptions options,
            Consumer<StreamBridge> onEnd) {
        StreamBridge bridge = new StreamBridge(streamId, target, resource, onEnd);
        bridge.loop.execute(() -> bridge.begin(hello, grpc, options));
        return bridge;
    }

    private void begin(StreamHello hello, io.grpc.Channel grpc, CallOptions options) {
        resource.pipeline().addLast(new ResourceSide());
        // Callbacks on the loop: inline when the transport is on it too (the connector's default), else queued.
        Executor onLoop = task -> {
            if (loop.inEventLoop()) {
                task.run();
            } else {
                loop.execute(task);
            }
        };
        // Ready until 1 MiB is queued, as at the gateway: gRPC's 32 KiB default is less than one read, which would
        // make every frame wait for the transport to flush the one before.
        call = grpc.newCall(
                FrameMarshaller.dataMethod(),
                options.withExecutor(onLoop).withOnReadyThreshold(TunnelProtocol.ON_READY_THRESHOLD));
        call.start(this, new Metadata());
        call.request(PREFETCH);
        call.sendMessage(Frame.newBuilder().setHello(hello).build());
        if (!resource.isActive()) {
            end("the resource closed the connection", false);
            return;
        }
        readWhenReady();
    }

    // ---- gateway → resource ----

    @Override
    public void onMessage(Frame frame) {
        if (ended || closingResource) {
            return;
        }
        switch (frame.getBodyCase()) {
            case DATA -> {
                ByteString data = frame.getData();
                resource.writeAndFlush(Unpooled.wrappedBuffer(data.asReadOnlyByteBuffer()))
                        .addListener((ChannelFutureListener) written -> {
                            if (written.isSuccess()) {
                                if (!ended) {
                                    call.request(1);
                                }
                            } else {
                                end(
                                        "writing to " + target + " failed: "
                                                + written.cause().getMessage(),
                                        false);
                            }
                        });
            }
            case CLOSE -> closeResourceAfterWrites(); // the call's end follows; the resource gets every byte first
            default -> call.request(1); // unknown frames are ignored (tunnel.proto, evolution rule 2)
        }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
        if (status.isOk()) {
            // The gateway completed the call after its last frame (e.g. a CancelRequest followed at once by the
            // close): the resource's socket closes after everything written to it.
            closeResourceAfterWrites();
            end(null, true);
            return;
        }
        if (!ended && status.getCode() != Status.Code.CANCELLED) {
            LOG.info("stream {} to {} ended: {}", streamId, target, status);
        }
        end(null, true);
    }

    private void closeResourceAfterWrites() {
        if (!closingResource) {
            closingResource = true;
            resource.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    // ---- resource → gateway ----

    @Override
    public void onReady() {
        if (waitingForReady && !ended) {
            waitingForReady = false;
            readWhenReady();
        }
    }

    private void readWhenReady() {
        if (call.isReady()) {
            resource.read();
        } else {
            waitingForReady = true;
        }
    }

    private final class ResourceSide extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            try {
                if (!ended) {
                    call.sendMessage(Frame.newBuilder()
                            .setData(ByteString.copyFrom(bytes.nioBuffer()))
                            .build());
                }
            } finally {
                bytes.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!ended) {
                readWhenReady();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            end(closingResource ? null : "the resource closed the connection", false);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            end("reading from " + target + " failed: " + cause.getMessage(), false);
        }
    }

    // ---- the end ----

    /**
     * Ends the stream once: tells the gateway why (unless the call is already over), closes the resource's
     * socket (after pending writes when the gateway ended in order). On the loop.
     */
    private void end(String reason, boolean callOver) {
        if (ended) {
            return;
        }
        ended = true;
        if (!callOver && call != null) {
            try {
                if (reason != null) {
                    call.sendMessage(Frame.newBuilder()
                            .setClose(Close.newBuilder().setReason(reason))
                            .build());
                }
                call.halfClose();
            } catch (RuntimeException e) {
                // the call is already over
            }
        }
        if (!closingResource) {
            resource.close();
        }
        onEnd.accept(this);
    }

    /** Cancels the call (connector shutting down, or the control stream is gone). Any thread. */
    void cancel(String why) {
        loop.execute(() -> {
            if (!ended && call != null) {
                ended = true;
                call.cancel(why, null);
                resource.close();
                onEnd.accept(this);
            }
        });
    }
}
