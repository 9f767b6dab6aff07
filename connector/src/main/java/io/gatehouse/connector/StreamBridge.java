package io.gatehouse.connector;

import com.google.protobuf.ByteString;
import io.gatehouse.tunnel.TunnelProtocol;
import io.gatehouse.tunnel.v1.Close;
import io.gatehouse.tunnel.v1.Frame;
import io.gatehouse.tunnel.v1.StreamHello;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied connection on the connector's side: a TCP socket to the resource joined to one Data call.
 *
 * <p>Resource → gateway: a virtual thread reads the socket and sends a frame only while the call is ready
 * (otherwise it waits for gRPC's on-ready signal), so a gateway that reads slowly holds back only this
 * socket. Gateway → resource: frames are requested {@link #PREFETCH} ahead and each one is written to the
 * socket before the next is requested, so a resource that reads slowly holds back only this stream.
 *
 * <p>gRPC call methods are not thread-safe; every use of {@link #call} holds {@link #lock}.
 */
final class StreamBridge implements ClientResponseObserver<Frame, Frame> {
    private static final Logger LOG = LoggerFactory.getLogger(StreamBridge.class);
    private static final int PREFETCH = Integer.getInteger("gatehouse.tunnel.prefetch", 8);

    private final String streamId;
    private final String target;
    private final Socket socket;
    private final StreamHello hello;
    private final Consumer<StreamBridge> onEnd;
    private final Object lock = new Object();
    private final LinkedBlockingQueue<Frame> inbox = new LinkedBlockingQueue<>();
    private ClientCallStreamObserver<Frame> call;
    private boolean ended;

    StreamBridge(String streamId, String target, Socket socket, StreamHello hello, Consumer<StreamBridge> onEnd) {
        this.streamId = streamId;
        this.target = target;
        this.socket = socket;
        this.hello = hello;
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

    @Override
    public void beforeStart(ClientCallStreamObserver<Frame> requestStream) {
        this.call = requestStream;
        requestStream.disableAutoRequestWithInitial(PREFETCH);
        requestStream.setOnReadyHandler(() -> {
            synchronized (lock) {
                lock.notifyAll();
            }
        });
    }

    /** Sends the hello and starts pumping the resource's bytes to the gateway. */
    void start() {
        synchronized (lock) {
            call.onNext(Frame.newBuilder().setHello(hello).build());
        }
        // Platform threads: a virtual thread blocked on a socket is woken through the poller and then the
        // carrier pool, two handoffs per message instead of one (measured: bench/tunnel.sh round trip).
        Thread.ofPlatform()
                .daemon(true)
                .stackSize(256 * 1024)
                .name("stream-" + streamId.substring(0, 8) + "-in")
                .start(this::pumpToGateway);
        Thread.ofPlatform()
                .daemon(true)
                .stackSize(256 * 1024)
                .name("stream-" + streamId.substring(0, 8) + "-out")
                .start(this::pumpToResource);
    }

    private void pumpToGateway() {
        // Large reads: a client call is "not ready" once 32 KiB are queued (not tunable on this side), so each
        // frame costs one wait for gRPC's transport thread; bigger frames make fewer waits.
        byte[] buffer = new byte[4 * TunnelProtocol.MAX_CHUNK];
        try (InputStream in = socket.getInputStream()) {
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    end("the resource closed the connection", null);
                    return;
                }
                synchronized (lock) {
                    while (!ended && !call.isReady()) {
                        lock.wait();
                    }
                    if (ended) {
                        return;
                    }
                    call.onNext(Frame.newBuilder()
                            .setData(ByteString.copyFrom(buffer, 0, n))
                            .build());
                }
            }
        } catch (IOException e) {
            end("reading from " + target + " failed: " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end("the connector is shutting down", null);
        }
    }

    /**
     * Frames from the gateway are written by their own thread: blocking gRPC's callback thread on a slow
     * socket would also hold back this call's on-ready signal, which the other direction waits for.
     */
    @Override
    public void onNext(Frame frame) {
        inbox.add(frame); // bounded by the frames requested: at most PREFETCH wait here
    }

    private void pumpToResource() {
        try {
            OutputStream out = socket.getOutputStream();
            while (true) {
                Frame frame = inbox.take();
                switch (frame.getBodyCase()) {
                    case DATA -> {
                        frame.getData().writeTo(out);
                        out.flush();
                    }
                    case CLOSE -> {
                        end(null, null); // closes the socket, after every earlier frame was written
                        return;
                    }
                    case BODY_NOT_SET -> {
                        // The end: queued by onCompleted after the last frame, so everything the gateway
                        // sent (e.g. a CancelRequest followed at once by the close) reaches the resource
                        // before its socket closes; or queued by end() to stop this thread.
                        end(null, null);
                        return;
                    }
                    default -> {} // unknown frames are ignored (tunnel.proto, evolution rule 2)
                }
                synchronized (lock) {
                    if (ended) {
                        return;
                    }
                    call.request(1);
                }
            }
        } catch (IOException e) {
            end("writing to " + target + " failed: " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void onError(Throwable t) {
        end(null, Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        inbox.add(Frame.getDefaultInstance()); // after the frames still to be written: see pumpToResource
    }

    /** Ends the stream: tells the gateway why (when it is still listening), closes the socket, once. */
    void end(String reason, Status failure) {
        synchronized (lock) {
            if (ended) {
                return;
            }
            ended = true;
            lock.notifyAll();
            inbox.add(Frame.getDefaultInstance()); // wakes the writer to stop
            if (reason != null && failure == null) {
                try {
                    call.onNext(Frame.newBuilder()
                            .setClose(Close.newBuilder().setReason(reason))
                            .build());
                    call.onCompleted();
                } catch (RuntimeException e) {
                    // the call is already over
                }
            }
        }
        if (failure != null && failure.getCode() != Status.Code.CANCELLED) {
            LOG.info("stream {} to {} ended: {}", streamId, target, failure);
        }
        closeSocket();
        onEnd.accept(this);
    }

    /** Cancels the call (connector shutting down, or the control stream is gone). */
    void cancel(String why) {
        synchronized (lock) {
            if (!ended) {
                call.cancel(why, null);
            }
        }
        end(null, Status.CANCELLED);
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
