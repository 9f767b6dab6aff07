package io.gatehouse.wire.pg;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string with value equality, used for every binary field of a message (column
 * values, COPY data, SASL payloads), so that messages are comparable records and no caller can
 * change a decoded message behind the recorder's back. Construction and {@link #toByteArray()}
 * copy; {@link #length()}, {@link #byteAt(int)} and {@link #copyTo(byte[], int)} do not.
 */
public final class Bytes {
    private static final Bytes EMPTY = new Bytes(new byte[0]);
    private static final int TO_STRING_LIMIT = 32;

    private final byte[] bytes;

    private Bytes(byte[] owned) {
        this.bytes = owned;
    }

    public static Bytes of(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
    }

    public static Bytes of(byte[] bytes, int offset, int length) {
        return length == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    public static Bytes empty() {
        return EMPTY;
    }

    public int length() {
        return bytes.length;
    }

    public byte byteAt(int index) {
        return bytes[index];
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    public void copyTo(byte[] target, int offset) {
        System.arraycopy(bytes, 0, target, offset, bytes.length);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Bytes that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Hex of at most the first 32 bytes, then the total length. */
    @Override
    public String toString() {
        if (bytes.length <= TO_STRING_LIMIT) {
            return "\\x" + HexFormat.of().formatHex(bytes);
        }
        return "\\x" + HexFormat.of().formatHex(bytes, 0, TO_STRING_LIMIT) + "…(" + bytes.length + " bytes)";
    }
}
