package io.gatehouse.gateway.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * One tunnel stream seen as a Netty channel, so the PostgreSQL session's upstream pipeline (its login
 * handler, optional TLS to the database) runs unchanged over a connector as over a TCP socket.
 *
 * <p>Backpressure both ways, one HTTP/2 stream per channel:
 *
 * <ul>
 *   <li>Inbound: the channel asks the stream for frames only while the pipeline wants to read (auto-read is
 *       off, as the session reads after it wrote), keeping at most {@link #PREFETCH} frames in hand. gRPC stops
 *       granting HTTP/2 window to a stream whose frames are not requested, so a slow reader holds back only
 *       its own stream.
 *   <li>Outbound: frames are handed to the stream only while it is ready; otherwise they stay in the channel's
 *       outbound buffer (whose write promises stay pending, and whose high-water mark turns the channel
 *       unwritable), and the stream's on-ready signal flushes them.
 * </ul>
 *
 * <p>Every method runs on the channel's event loop; the stream's callbacks hop onto it ({@link #onData},
 * {@link #onRemoteClose}, {@link #onRemoteFailure}, {@link #onReady}).
 */
public final class TunnelChannel extends AbstractChannel {
    /** Frames requested ahead of the reader: enough to keep a bulk transfer moving, little memory per stream. */
    static final int PREFETCH = Integer.getInteger("gatehouse.tunnel.prefetch", 8);

    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    private enum State {
        OPENING,
        ACTIVE,
        CLOSED
    }

    private final DefaultChannelConfig config = new DefaultChannelConfig(this);
    private final SocketAddress remote;
    private final ArrayDeque<ByteBuf> inbound = new ArrayDeque<>();
    private ChannelPromise opened;
    private volatile State state = State.OPENING;
    private DataStream stream;
    private Map<String, String> credentials = Map.of();
    private int requested;
    private boolean readPending;
    private boolean writeBlocked;
    private String remoteClosed;

    public TunnelChannel(TunnelAddress remote) {
        super(null);
        this.remote = remote.asSocketAddress();
        config.setAutoRead(false);
    }

    /**
     * Runs {@code task} on the channel's event loop; dropped when the loop is shutting down (the gateway is
     * closing: the channel goes with it).
     */
    static void onLoop(TunnelChannel channel, Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the loop has terminated
        }
    }

    /** A promise completed when the connector has opened the stream (or failed), on {@code loop}. */
    ChannelPromise openPromise(EventLoop loop) {
        opened = new DefaultChannelPromise(this, loop);
        return opened;
    }

    /** The credentials the connector resolved for this stream; in memory only, for this session only. */
    public Map<String, String> credentials() {
        return credentials;
    }

    /** The connector opened the stream: the channel becomes active and the pipeline may log in. */
    void bind(DataStream stream, Map<String, String> credentials) {
        if (state != State.OPENING) {
            stream.close("the session ended before the stream opened");
            return;
        }
        this.stream = stream;
        this.credentials = Map.copyOf(credentials);
        state = State.ACTIVE;
        topUp();
        pipeline().fireChannelActive();
        opened.trySuccess();
    }

    /** The stream could not be opened. */
    void failOpen(String reason) {
        if (opened != null) {
            opened.tryFailure(new ConnectException(reason));
        }
        close();
    }

    void onData(ByteBuf data) {
        if (state == State.CLOSED) {
            data.release();
            return;
        }
        requested = Math.max(0, requested - 1);
        inbound.add(data);
        deliver();
    }

    /** The connector ended the stream in order: what was received is still delivered, then the channel closes. */
    void onRemoteClose(String reason) {
        remoteClosed = reason == null || reason.isEmpty() ? "the resource closed the connection" : reason;
        if (inbound.isEmpty()) {
            close();
        }
    }

    /** The stream broke (connector gone, transport error): the pipeline hears why, then the channel closes. */
    void onRemoteFailure(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.OPENING) {
            failOpen(reason);
            return;
        }
        pipeline().fireExceptionCaught(new TunnelStreamException(reason));
        close();
    }

    void onReady() {
        if (writeBlocked && state == State.ACTIVE) {
            writeBlocked = false;
            ((TunnelUnsafe) unsafe()).flushPending();
        }
    }

    private void deliver() {
        boolean delivered = false;
        while (readPending && !inbound.isEmpty()) {
            readPending = false;
            delivered = true;
            pipeline().fireChannelRead(inbound.poll());
            if (config.isAutoRead()) {
                readPending = true;
            }
        }
        if (delivered) {
            pipeline().fireChannelReadComplete();
        }
        if (remoteClosed != null && inbound.isEmpty()) {
            close();
            return;
        }
        topUp();
    }

    private void topUp() {
        if (state != State.ACTIVE || remoteClosed != null) {
            return;
        }
        int wanted = PREFETCH - requested - inbound.size();
        if (wanted > 0) {
            requested += wanted;
            stream.request(wanted);
        }
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new TunnelUnsafe();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return true; // no I/O of its own: the stream's bytes arrive through execute() on any loop
    }

    @Override
    protected SocketAddress localAddress0() {
        return null;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a tunnel stream has no local address to bind");
    }

    @Override
    protected void doDisconnect() {
        doClose();
    }

    @Override
    protected void doClose() {
        State before = state;
        state = State.CLOSED;
        ByteBuf buf;
        while ((buf = inbound.poll()) != null) {
            buf.release();
        }
        if (before == State.ACTIVE && stream != null) {
            stream.close(remoteClosed != null ? remoteClosed : "closed by the gateway");
        }
        if (opened != null) {
            opened.tryFailure(new ConnectException("the stream was closed before the connector opened it"));
        }
    }

    @Override
    protected void doBeginRead() {
        if (state != State.ACTIVE) {
            return;
        }
        readPending = true;
        deliver();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        while (true) {
            Object msg = in.current();
            if (msg == null) {
                return;
            }
            if (state != State.ACTIVE) {
                in.remove(new java.nio.channels.ClosedChannelException());
                continue;
            }
            if (!stream.isReady()) {
                writeBlocked = true;
                return;
            }
            ByteBuf buf = (ByteBuf) msg;
            stream.send(buf);
            in.remove();
        }
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf) {
            return msg;
        }
        throw new UnsupportedOperationException(
                "a tunnel stream carries bytes, not " + msg.getClass().getName());
    }

    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return state != State.CLOSED;
    }

    @Override
    public boolean isActive() {
        return state == State.ACTIVE;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    private final class TunnelUnsafe extends AbstractUnsafe {
        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("tunnel streams are opened by the connector"));
        }

        void flushPending() {
            flush0();
        }
    }
}
