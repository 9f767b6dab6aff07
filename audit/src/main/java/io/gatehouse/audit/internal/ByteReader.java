package io.gatehouse.audit.internal;

import io.gatehouse.audit.MalformedRecordException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Bounds-checked reader over untrusted bytes. Every length is checked against the bytes that remain before anything
 * is allocated, so a forged length cannot make the decoder allocate more than the input size.
 */
public final class ByteReader {
    private final byte[] bytes;
    private int offset;

    public ByteReader(byte[] bytes) {
        this.bytes = bytes;
    }

    public int offset() {
        return offset;
    }

    public int remaining() {
        return bytes.length - offset;
    }

    private void need(int n, String what) throws MalformedRecordException {
        if (n > remaining()) {
            throw new MalformedRecordException(
                    offset, what + " needs " + n + " bytes but only " + remaining() + " remain");
        }
    }

    public int u8(String what) throws MalformedRecordException {
        need(1, what);
        return bytes[offset++] & 0xff;
    }

    public long i64(String what) throws MalformedRecordException {
        need(8, what);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[offset++] & 0xff);
        }
        return value;
    }

    /**
     * A u32 count of items that each take at least {@code minItemBytes}; rejected if the remaining bytes cannot hold
     * that many.
     */
    public int count(String what, int minItemBytes) throws MalformedRecordException {
        int start = offset;
        need(4, what);
        long value = 0;
        for (int i = 0; i < 4; i++) {
            value = (value << 8) | (bytes[offset++] & 0xff);
        }
        if (value * minItemBytes > remaining()) {
            throw new MalformedRecordException(
                    start, what + " is " + value + " but only " + remaining() + " bytes remain");
        }
        return (int) value;
    }

    public byte[] bytes(int n, String what) throws MalformedRecordException {
        need(n, what);
        byte[] out = Arrays.copyOfRange(bytes, offset, offset + n);
        offset += n;
        return out;
    }

    /** A u32 length-prefixed byte string. */
    public byte[] strBytes(String what) throws MalformedRecordException {
        return bytes(count(what + " length", 1), what);
    }

    /** A u32 length-prefixed strict UTF-8 string. */
    public String str(String what) throws MalformedRecordException {
        int start = offset;
        return utf8(strBytes(what), start, what);
    }

    /**
     * Strict UTF-8: malformed sequences, overlong forms and encoded surrogates are errors, not replaced, so that the
     * string re-encodes to exactly the same bytes.
     */
    public String utf8(byte[] raw, int at, String what) throws MalformedRecordException {
        if (ascii(raw)) { // most fields are ASCII: one copy, no decoder (the sessions indexer decodes every event)
            return new String(raw, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedRecordException(at, what + " is not valid UTF-8", e);
        }
    }

    private static boolean ascii(byte[] raw) {
        for (byte b : raw) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }
}
