package io.gatehouse.wire.pg;

import java.nio.ByteBuffer;

/**
 * Cancel the query running in backend {@code processId}, authenticated by the key from
 * BackendKeyData: 4 bytes in protocol 3.0, up to 256 bytes in 3.2 (PostgreSQL 18). {@link
 * #toString()} hides the key.
 */
public record CancelRequest(int processId, Bytes secretKey) implements StartupPacket {
    public static CancelRequest of(int processId, int secretKey) {
        return new CancelRequest(
                processId, Bytes.of(ByteBuffer.allocate(4).putInt(secretKey).array()));
    }

    @Override
    public String toString() {
        return "CancelRequest[processId=" + processId + ", secretKey=<" + secretKey.length() + " bytes redacted>]";
    }
}
