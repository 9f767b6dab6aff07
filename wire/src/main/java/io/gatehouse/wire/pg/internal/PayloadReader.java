package io.gatehouse.wire.pg.internal;

import io.gatehouse.wire.pg.Bytes;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Bounds-checked big-endian reader over one message payload. Every read past the end, every
 * string without its NUL terminator and every string that is not well-formed UTF-8 is a {@link
 * MalformedMessageException}. Strings must be strict UTF-8 so that re-encoding reproduces the
 * payload byte for byte; Gatehouse requires {@code client_encoding} UTF8 (pgJDBC always uses it).
 */
public final class PayloadReader {
    private final byte[] payload;
    private final String what;
    private int position;

    public PayloadReader(byte[] payload, String what) {
        this.payload = payload;
        this.what = what;
    }

    public int remaining() {
        return payload.length - position;
    }

    private void require(int count, String field) throws MalformedMessageException {
        if (count < 0 || count > remaining()) {
            throw new MalformedMessageException(what + ": " + field + " needs " + count + " bytes at offset " + position
                    + " but the payload has " + remaining() + " left");
        }
    }

    public byte int8(String field) throws MalformedMessageException {
        require(1, field);
        return payload[position++];
    }

    public short int16(String field) throws MalformedMessageException {
        require(2, field);
        short value = (short) (((payload[position] & 0xFF) << 8) | (payload[position + 1] & 0xFF));
        position += 2;
        return value;
    }

    public int int32(String field) throws MalformedMessageException {
        require(4, field);
        int value = ((payload[position] & 0xFF) << 24)
                | ((payload[position + 1] & 0xFF) << 16)
                | ((payload[position + 2] & 0xFF) << 8)
                | (payload[position + 3] & 0xFF);
        position += 4;
        return value;
    }

    /** A count that precedes a list; negative counts are malformed. */
    public int count16(String field) throws MalformedMessageException {
        int count = int16(field);
        if (count < 0) {
            throw new MalformedMessageException(what + ": " + field + " is negative (" + count + ")");
        }
        return count;
    }

    public Bytes bytes(int count, String field) throws MalformedMessageException {
        require(count, field);
        Bytes value = Bytes.of(payload, position, count);
        position += count;
        return value;
    }

    public Bytes rest() {
        Bytes value = Bytes.of(payload, position, remaining());
        position = payload.length;
        return value;
    }

    /** An Int32 length (-1 = NULL) followed by that many bytes; {@code null} for NULL. */
    public Bytes nullableValue(String field) throws MalformedMessageException {
        int length = int32(field + " length");
        if (length == -1) {
            return null;
        }
        if (length < -1) {
            throw new MalformedMessageException(what + ": " + field + " length " + length + " is below -1");
        }
        return bytes(length, field);
    }

    public String string(String field) throws MalformedMessageException {
        int end = position;
        while (end < payload.length && payload[end] != 0) {
            end++;
        }
        if (end == payload.length) {
            throw new MalformedMessageException(
                    what + ": " + field + " at offset " + position + " has no NUL terminator");
        }
        String value = utf8(payload, position, end - position, what, field);
        position = end + 1;
        return value;
    }

    public List<Short> shorts(int count, String field) throws MalformedMessageException {
        require(count * 2, field);
        List<Short> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(int16(field));
        }
        return values;
    }

    public void expectEnd() throws MalformedMessageException {
        if (remaining() != 0) {
            throw new MalformedMessageException(what + ": " + remaining() + " unexpected bytes after the last field");
        }
    }

    /**
     * Strict UTF-8 decoding. Fast path: all-ASCII text (nearly every identifier, SQL text and tag) is valid as it
     * is, and decodes without a CharsetDecoder (profiled as the top cost of the frontend decoder).
     */
    static String utf8(byte[] bytes, int offset, int length, String what, String field)
            throws MalformedMessageException {
        int end = offset + length;
        int i = offset;
        while (i < end && bytes[i] >= 0) {
            i++;
        }
        if (i == end) {
            return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        }
        return utf8(bytes, offset, length, what + ": " + field);
    }

    static String utf8(byte[] bytes, int offset, int length, String field) throws MalformedMessageException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException(field + " is not well-formed UTF-8");
        }
    }
}
