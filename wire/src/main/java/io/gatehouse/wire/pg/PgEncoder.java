package io.gatehouse.wire.pg;

import io.gatehouse.wire.pg.internal.BackendCodec;
import io.gatehouse.wire.pg.internal.ByteSink;
import io.gatehouse.wire.pg.internal.FrontendCodec;
import io.gatehouse.wire.pg.internal.StartupCodec;

/**
 * Encodes messages to their wire bytes (tag, Int32 length counting itself, payload; startup
 * packets have no tag). For every message a decoder yields, {@code encode} returns exactly the
 * bytes it was decoded from.
 */
public final class PgEncoder {
    private PgEncoder() {}

    public static byte[] encode(FrontendMessage message) {
        ByteSink out = new ByteSink().int8(FrontendCodec.tag(message)).int32(0);
        FrontendCodec.writePayload(message, out);
        out.patchInt32(1, out.size() - 1);
        return out.toByteArray();
    }

    public static byte[] encode(BackendMessage message) {
        ByteSink out = new ByteSink().int8(BackendCodec.tag(message)).int32(0);
        BackendCodec.writePayload(message, out);
        out.patchInt32(1, out.size() - 1);
        return out.toByteArray();
    }

    public static byte[] encode(StartupPacket packet) {
        ByteSink out = new ByteSink().int32(0);
        StartupCodec.write(packet, out);
        out.patchInt32(0, out.size());
        return out.toByteArray();
    }

    /**
     * The exact bytes an item was decoded from: a whole message re-encoded, a stream start's
     * 5-byte header, a chunk's raw bytes, nothing for a stream end. Concatenating the encodings of
     * a decoder's items reproduces its input.
     */
    public static byte[] encode(Decoded<?> item) {
        return switch (item) {
            case Decoded.Message<?>(FrontendMessage message) -> encode(message);
            case Decoded.Message<?>(BackendMessage message) -> encode(message);
            case Decoded.Message<?>(StartupPacket packet) -> encode(packet);
            case Decoded.Message<?> other ->
                throw new IllegalArgumentException("not a PostgreSQL message: "
                        + other.message().getClass().getName());
            case Decoded.StreamStart<?> start ->
                new ByteSink().int8(start.tag()).int32(start.length()).toByteArray();
            case Decoded.StreamChunk<?> chunk -> chunk.bytes().toByteArray();
            case Decoded.StreamEnd<?> ignored -> new byte[0];
        };
    }
}
