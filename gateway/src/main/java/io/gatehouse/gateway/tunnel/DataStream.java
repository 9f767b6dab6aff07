package io.gatehouse.gateway.tunnel;

import io.netty.buffer.ByteBuf;

/** The outbound side of one tunnel stream, as {@link TunnelChannel} drives it (always from its event loop). */
interface DataStream {
    /** Asks for {@code frames} more inbound frames. */
    void request(int frames);

    /** Whether the stream takes more outbound data without buffering beyond its threshold. */
    boolean isReady();

    /** Sends the readable bytes of {@code data} (split into chunks as needed); does not release it. */
    void send(ByteBuf data);

    /** Ends the stream with a Close frame carrying {@code reason}, then completes the call. */
    void close(String reason);
}
