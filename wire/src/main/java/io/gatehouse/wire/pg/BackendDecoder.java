package io.gatehouse.wire.pg;

import io.gatehouse.wire.pg.internal.BackendCodec;
import io.gatehouse.wire.pg.internal.TaggedFramer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Incremental decoder of the server-to-client stream after the startup packet (PostgreSQL
 * protocol 3.0, "Message Formats", messages marked (B)).
 *
 * <p><b>States.</b> HEADER (collecting the 5-byte tag and length) → BODY (collecting a payload
 * whose length was checked first) or STREAM (forwarding a large DataRow/CopyData in chunks) →
 * HEADER; any violation → FAILED, which is absorbing. One decoder per connection; not
 * thread-safe.
 *
 * <p><b>Limits.</b> A message whose length field exceeds {@link DecoderLimits#maxMessageLength()}
 * is rejected from its header, before any payload byte is buffered. A {@code DataRow} ('D') or
 * {@code CopyData} ('d') with a payload above {@link DecoderLimits#streamThreshold()} is yielded as
 * {@link Decoded.StreamStart}, chunks of at most {@link DecoderLimits#chunkSize()} bytes and
 * {@link Decoded.StreamEnd}, so a result set or COPY TO STDOUT of any size passes in constant
 * memory; smaller ones arrive whole as {@link DataRow}/{@link CopyData} (a preview the recorder
 * may keep).
 *
 * <p><b>Round trip.</b> A payload is decoded as its type only if it is exactly the form that type
 * encodes to (no trailing bytes, strict UTF-8 strings, fixed lengths such as ReadyForQuery's one
 * byte); otherwise the decoder fails. Hence {@link PgEncoder#encode(Decoded)} of the items
 * reproduces the input byte for byte; unknown tags are kept raw as {@link Unknown}.
 *
 * <p><b>Hazards handled.</b> The tags 'D', 'd', 'S', 'E', 'C', 'H' mean different things than in
 * the frontend direction (DataRow vs Describe, ParameterStatus vs Sync, …), hence one decoder per
 * direction. A length field below 4 would otherwise loop forever or underflow; it is a violation.
 * Every 'R' subtype shares one tag and is told apart by its Int32 code.
 */
public final class BackendDecoder {
    private static final TaggedFramer.TagRules RULES = new TaggedFramer.TagRules() {
        @Override
        public boolean streamable(char tag) {
            return tag == 'D' || tag == 'd';
        }

        @Override
        public int fixedPayloadLength(char tag) {
            return BackendCodec.fixedPayloadLength(tag);
        }
    };

    private final TaggedFramer<BackendMessage> framer;

    public BackendDecoder(DecoderLimits limits) {
        this.framer = new TaggedFramer<>(limits, RULES);
    }

    /** Decodes all of {@code input} (advancing its position to its limit; nothing once failed). */
    public DecodeResult<BackendMessage> feed(ByteBuffer input) {
        List<Decoded<BackendMessage>> items = new ArrayList<>();
        ProtocolViolation violation = framer.feed(input, BackendCodec::parse, items);
        return new DecodeResult<>(items, Optional.ofNullable(violation));
    }

    public DecodeResult<BackendMessage> feed(byte[] input, int offset, int length) {
        return feed(ByteBuffer.wrap(input, offset, length));
    }

    public DecodeResult<BackendMessage> feed(byte[] input) {
        return feed(ByteBuffer.wrap(input));
    }

    public boolean failed() {
        return framer.failed();
    }
}
