package io.gatehouse.wire.pg.internal;

import io.gatehouse.wire.pg.Bytes;
import io.gatehouse.wire.pg.Decoded;
import io.gatehouse.wire.pg.DecoderLimits;
import io.gatehouse.wire.pg.ProtocolViolation;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The state machine shared by the frontend and backend decoders: splits a byte stream of tagged
 * messages (Byte1 tag, Int32 length counting itself, payload) into whole messages or, for
 * streamable tags above the threshold, stream items.
 *
 * <pre>
 *   HEADER --5 bytes--> BODY   --payload complete--> (parse) HEADER
 *                   \-> STREAM --payload complete--> (StreamEnd) HEADER
 *   any state --violation--> FAILED (absorbing: no further input is read)
 * </pre>
 *
 * Invariants: at most 5 header bytes and one payload of at most {@code maxMessageLength - 4}
 * bytes are ever buffered, and the payload array is allocated only after the length was checked;
 * a streamed payload is never buffered (each chunk is a copy of at most {@code chunkSize} bytes of
 * the current input).
 */
public final class TaggedFramer<M> {

    /** Parses one complete payload. */
    @FunctionalInterface
    public interface PayloadParser<M> {
        M parse(char tag, byte[] payload) throws MalformedMessageException;
    }

    /** Which tags this direction streams, and which tags have a fixed payload length. */
    public interface TagRules {
        boolean streamable(char tag);

        /** The payload length the tag requires, or -1 if it varies. */
        int fixedPayloadLength(char tag);
    }

    private enum State {
        HEADER,
        BODY,
        STREAM,
        FAILED
    }

    private final DecoderLimits limits;
    private final TagRules rules;
    private final byte[] header = new byte[5];
    private State state = State.HEADER;
    private int headerFilled;
    private char tag;
    private int length;
    private byte[] body;
    private int bodyFilled;
    private long streamRemaining;
    private ProtocolViolation violation;

    public TaggedFramer(DecoderLimits limits, TagRules rules) {
        this.limits = limits;
        this.rules = rules;
    }

    public boolean failed() {
        return state == State.FAILED;
    }

    public ProtocolViolation violation() {
        return violation;
    }

    /**
     * Consumes all of {@code input} (none once failed), appending completed items to {@code out}.
     * Returns the violation that stopped it, or {@code null}.
     */
    public ProtocolViolation feed(ByteBuffer input, PayloadParser<M> parser, List<Decoded<M>> out) {
        while (state != State.FAILED) {
            switch (state) {
                case HEADER -> {
                    if (!input.hasRemaining()) {
                        return null;
                    }
                    int n = Math.min(header.length - headerFilled, input.remaining());
                    input.get(header, headerFilled, n);
                    headerFilled += n;
                    if (headerFilled == header.length) {
                        headerFilled = 0;
                        startMessage(parser, out);
                    }
                }
                case BODY -> {
                    int n = Math.min(body.length - bodyFilled, input.remaining());
                    input.get(body, bodyFilled, n);
                    bodyFilled += n;
                    if (bodyFilled < body.length) {
                        return null;
                    }
                    finishBody(parser, out);
                }
                case STREAM -> {
                    if (!input.hasRemaining()) {
                        return null;
                    }
                    int n = (int) Math.min(Math.min(streamRemaining, limits.chunkSize()), input.remaining());
                    byte[] chunk = new byte[n];
                    input.get(chunk);
                    out.add(new Decoded.StreamChunk<>(Bytes.of(chunk)));
                    streamRemaining -= n;
                    if (streamRemaining == 0) {
                        out.add(new Decoded.StreamEnd<>(tag));
                        state = State.HEADER;
                    }
                }
                case FAILED -> {}
            }
        }
        return violation;
    }

    private void startMessage(PayloadParser<M> parser, List<Decoded<M>> out) {
        tag = (char) (header[0] & 0xFF);
        length = ((header[1] & 0xFF) << 24)
                | ((header[2] & 0xFF) << 16)
                | ((header[3] & 0xFF) << 8)
                | (header[4] & 0xFF);
        if (length < 4) {
            fail("length field " + length + " is below the minimum 4 (it counts itself)");
            return;
        }
        int payloadLength = length - 4;
        int fixed = rules.fixedPayloadLength(tag);
        if (fixed >= 0 && payloadLength != fixed) {
            fail("this message has a " + fixed + "-byte payload, but the length field says " + payloadLength);
            return;
        }
        if (rules.streamable(tag) && payloadLength > limits.streamThreshold()) {
            out.add(new Decoded.StreamStart<>(tag, length));
            streamRemaining = payloadLength;
            state = State.STREAM;
            return;
        }
        if (length > limits.maxMessageLength()) {
            fail("length " + length + " exceeds the limit " + limits.maxMessageLength());
            return;
        }
        body = new byte[payloadLength];
        bodyFilled = 0;
        state = State.BODY;
        if (payloadLength == 0) {
            finishBody(parser, out);
        }
    }

    private void finishBody(PayloadParser<M> parser, List<Decoded<M>> out) {
        byte[] payload = body;
        body = null;
        try {
            out.add(new Decoded.Message<>(parser.parse(tag, payload)));
            state = State.HEADER;
        } catch (MalformedMessageException e) {
            fail(e.getMessage());
        }
    }

    private void fail(String message) {
        violation = new ProtocolViolation(tag, length, message);
        state = State.FAILED;
        body = null;
    }
}
