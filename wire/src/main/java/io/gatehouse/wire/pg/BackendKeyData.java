package io.gatehouse.wire.pg;

import java.nio.ByteBuffer;

/**
 * 'K': the process id and secret key a client needs to send a CancelRequest. The key is 4 bytes in
 * protocol 3.0 and up to 256 bytes in 3.2 (PostgreSQL 18). {@link #toString()} hides the key.
 */
public record BackendKeyData(int processId, Bytes secretKey) implements BackendMessage {
    public static BackendKeyData of(int processId, int secretKey) {
        return new BackendKeyData(
                processId, Bytes.of(ByteBuffer.allocate(4).putInt(secretKey).array()));
    }

    @Override
    public String toString() {
        return "BackendKeyData[processId=" + processId + ", secretKey=<" + secretKey.length() + " bytes redacted>]";
    }
}
