package io.gatehouse.wire.pg;

import io.gatehouse.wire.pg.internal.MalformedMessageException;
import io.gatehouse.wire.pg.internal.StartupCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Incremental decoder of the untagged packets a client sends first ("Message Flow", Start-up;
 * "Message Formats": StartupMessage, SSLRequest, GSSENCRequest, CancelRequest).
 *
 * <p><b>States.</b> LENGTH (collecting the Int32 length) → BODY (collecting {@code length - 4}
 * bytes) → back to LENGTH after SSLRequest/GSSENCRequest/an unknown code, or → DONE after a
 * StartupMessage or CancelRequest, the last untagged packet of a connection. In DONE the decoder
 * consumes nothing more: bytes after the final packet stay in the caller's buffer (position left
 * just after the packet) and belong to the {@link FrontendDecoder}. Any violation → FAILED,
 * absorbing.
 *
 * <p><b>Limits.</b> Lengths below 8 or above {@code maxPacketLength} (PostgreSQL's own limit,
 * MAX_STARTUP_PACKET_LENGTH, is 10000) are violations detected from the 4-byte length, before
 * anything is buffered. Duplicate StartupMessage parameters are violations (the gateway and the
 * server could disagree on which one counts).
 *
 * <p><b>Hazards handled.</b> Bytes that arrive together with an SSLRequest or GSSENCRequest were
 * sent in clear before the encryption handshake; a server that kept them would let a
 * man-in-the-middle inject commands into the encrypted session (CVE-2021-23214). So SSLRequest and
 * GSSENCRequest must end their {@code feed}: anything after them in the same input is a violation.
 * The caller answers 'S'/'N' and feeds later bytes in a later call. The 3.2 CancelRequest (PG 18)
 * carries a secret key of 4 to 256 bytes; both sizes decode.
 */
public final class StartupDecoder {
    /** PostgreSQL's MAX_STARTUP_PACKET_LENGTH. */
    public static final int DEFAULT_MAX_PACKET_LENGTH = 10000;

    private enum State {
        LENGTH,
        BODY,
        DONE,
        FAILED
    }

    private final int maxPacketLength;
    private final byte[] lengthBytes = new byte[4];
    private State state = State.LENGTH;
    private int lengthFilled;
    private int length;
    private byte[] body;
    private int bodyFilled;

    public StartupDecoder(int maxPacketLength) {
        if (maxPacketLength < 8) {
            throw new IllegalArgumentException("maxPacketLength must be at least 8, got " + maxPacketLength);
        }
        this.maxPacketLength = maxPacketLength;
    }

    public StartupDecoder() {
        this(DEFAULT_MAX_PACKET_LENGTH);
    }

    /** True once a StartupMessage or CancelRequest was decoded: later bytes are not startup packets. */
    public boolean done() {
        return state == State.DONE;
    }

    public boolean failed() {
        return state == State.FAILED;
    }

    /**
     * Decodes packets from {@code input}, advancing its position; stops after the final packet
     * (see {@link #done()}) or a violation.
     */
    public DecodeResult<StartupPacket> feed(ByteBuffer input) {
        List<Decoded<StartupPacket>> items = new ArrayList<>();
        ProtocolViolation violation = null;
        while (violation == null && state != State.DONE && state != State.FAILED && input.hasRemaining()) {
            if (state == State.LENGTH) {
                int n = Math.min(4 - lengthFilled, input.remaining());
                input.get(lengthBytes, lengthFilled, n);
                lengthFilled += n;
                if (lengthFilled == 4) {
                    lengthFilled = 0;
                    length = ByteBuffer.wrap(lengthBytes).getInt();
                    if (length < 8 || length > maxPacketLength) {
                        violation =
                                fail("startup packet length " + length + " is outside [8, " + maxPacketLength + "]");
                    } else {
                        body = new byte[length - 4];
                        bodyFilled = 0;
                        state = State.BODY;
                    }
                }
            } else {
                int n = Math.min(body.length - bodyFilled, input.remaining());
                input.get(body, bodyFilled, n);
                bodyFilled += n;
                if (bodyFilled == body.length) {
                    violation = finishPacket(input, items);
                }
            }
        }
        return new DecodeResult<>(items, Optional.ofNullable(violation));
    }

    public DecodeResult<StartupPacket> feed(byte[] input) {
        return feed(ByteBuffer.wrap(input));
    }

    private ProtocolViolation finishPacket(ByteBuffer input, List<Decoded<StartupPacket>> items) {
        StartupPacket packet;
        try {
            packet = StartupCodec.parse(body);
        } catch (MalformedMessageException e) {
            return fail(e.getMessage());
        }
        body = null;
        items.add(new Decoded.Message<>(packet));
        switch (packet) {
            case SSLRequest ignored -> {
                return endOfCleartext(input, "SSLRequest");
            }
            case GSSENCRequest ignored -> {
                return endOfCleartext(input, "GSSENCRequest");
            }
            case StartupMessage ignored -> state = State.DONE;
            case CancelRequest ignored -> state = State.DONE;
            case UnknownStartupPacket ignored -> state = State.LENGTH;
        }
        return null;
    }

    private ProtocolViolation endOfCleartext(ByteBuffer input, String request) {
        if (input.hasRemaining()) {
            return fail(input.remaining() + " bytes arrived after " + request
                    + " before the encryption handshake (CVE-2021-23214)");
        }
        state = State.LENGTH;
        return null;
    }

    private ProtocolViolation fail(String message) {
        state = State.FAILED;
        body = null;
        return new ProtocolViolation((char) 0, length, message);
    }
}
