package io.gatehouse.wire.pg.internal;

import io.gatehouse.wire.pg.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Growable big-endian output buffer used by the encoders. */
public final class ByteSink {
    private byte[] buffer = new byte[64];
    private int size;

    private void ensure(int extra) {
        if (size + extra > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + extra));
        }
    }

    public int size() {
        return size;
    }

    public ByteSink int8(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
        return this;
    }

    public ByteSink int16(int value) {
        ensure(2);
        buffer[size++] = (byte) (value >>> 8);
        buffer[size++] = (byte) value;
        return this;
    }

    public ByteSink int32(int value) {
        ensure(4);
        buffer[size++] = (byte) (value >>> 24);
        buffer[size++] = (byte) (value >>> 16);
        buffer[size++] = (byte) (value >>> 8);
        buffer[size++] = (byte) value;
        return this;
    }

    public ByteSink bytes(Bytes value) {
        ensure(value.length());
        value.copyTo(buffer, size);
        size += value.length();
        return this;
    }

    public ByteSink bytes(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, buffer, size, value.length);
        size += value.length;
        return this;
    }

    /** NUL-terminated UTF-8. */
    public ByteSink string(String value) {
        return bytes(value.getBytes(StandardCharsets.UTF_8)).int8(0);
    }

    /** Int32 length (-1 for {@code null}) then the bytes. */
    public ByteSink nullableValue(Bytes value) {
        if (value == null) {
            return int32(-1);
        }
        return int32(value.length()).bytes(value);
    }

    public ByteSink shorts(List<Short> values) {
        int16(values.size());
        for (short value : values) {
            int16(value);
        }
        return this;
    }

    /** Overwrites four bytes at {@code offset} (for a length field written before its payload). */
    public void patchInt32(int offset, int value) {
        buffer[offset] = (byte) (value >>> 24);
        buffer[offset + 1] = (byte) (value >>> 16);
        buffer[offset + 2] = (byte) (value >>> 8);
        buffer[offset + 3] = (byte) value;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }
}
