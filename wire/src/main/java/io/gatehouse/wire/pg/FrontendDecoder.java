package io.gatehouse.wire.pg;

import io.gatehouse.wire.pg.internal.FrontendCodec;
import io.gatehouse.wire.pg.internal.TaggedFramer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Incremental decoder of the client-to-server stream after the startup packet (PostgreSQL
 * protocol 3.0, "Message Formats", messages marked (F); "Message Flow": Start-up, Extended Query,
 * COPY Operations).
 *
 * <p><b>States.</b> The framing state machine is that of {@link BackendDecoder} (HEADER → BODY or
 * STREAM → HEADER, FAILED absorbing). In addition the decoder holds a {@link FrontendPhase}: the
 * tag 'p' is PasswordMessage, SASLInitialResponse, SASLResponse or GSSResponse depending on the
 * authentication request the server sent last, and the bytes alone cannot tell which. The proxy
 * sets the phase with {@link #phase(FrontendPhase)} (e.g. {@code phase(phase().after(msg))} for
 * every backend message it relays) before feeding the client bytes that follow; a message is
 * interpreted with the phase current when its last byte is fed. In {@link FrontendPhase#NORMAL}
 * a 'p' decodes as {@link Unknown}, which the proxy should refuse.
 *
 * <p><b>Limits.</b> A message whose length field exceeds {@link DecoderLimits#maxMessageLength()}
 * (a huge Query or Bind) is rejected from its 5-byte header, before anything is allocated.
 * {@code CopyData} ('d') above {@link DecoderLimits#streamThreshold()} is streamed in chunks
 * (COPY FROM STDIN of any size in constant memory); 'D' is Describe in this direction and is
 * never streamed. Sync, Flush, Terminate and CopyDone must have an empty payload.
 *
 * <p><b>Round trip.</b> As for {@link BackendDecoder}: items re-encode to exactly the input.
 */
public final class FrontendDecoder {
    private static final TaggedFramer.TagRules RULES = new TaggedFramer.TagRules() {
        @Override
        public boolean streamable(char tag) {
            return tag == 'd';
        }

        @Override
        public int fixedPayloadLength(char tag) {
            return FrontendCodec.fixedPayloadLength(tag);
        }
    };

    private final TaggedFramer<FrontendMessage> framer;
    private FrontendPhase phase;

    public FrontendDecoder(DecoderLimits limits, FrontendPhase phase) {
        this.framer = new TaggedFramer<>(limits, RULES);
        this.phase = phase;
    }

    public FrontendPhase phase() {
        return phase;
    }

    public void phase(FrontendPhase phase) {
        this.phase = phase;
    }

    /** Decodes all of {@code input} (advancing its position to its limit; nothing once failed). */
    public DecodeResult<FrontendMessage> feed(ByteBuffer input) {
        List<Decoded<FrontendMessage>> items = new ArrayList<>();
        ProtocolViolation violation =
                framer.feed(input, (tag, payload) -> FrontendCodec.parse(tag, payload, phase), items);
        return new DecodeResult<>(items, Optional.ofNullable(violation));
    }

    public DecodeResult<FrontendMessage> feed(byte[] input, int offset, int length) {
        return feed(ByteBuffer.wrap(input, offset, length));
    }

    public DecodeResult<FrontendMessage> feed(byte[] input) {
        return feed(ByteBuffer.wrap(input));
    }

    public boolean failed() {
        return framer.failed();
    }
}
