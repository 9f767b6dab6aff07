package io.gatehouse.wire.pg;

/**
 * Bounds of a tagged-message decoder.
 *
 * @param maxMessageLength largest accepted length field (payload plus four) of a message that is
 *     buffered whole; checked against the header before any payload is buffered
 * @param streamThreshold {@code DataRow} and {@code CopyData} with a payload longer than this are
 *     streamed in chunks instead of buffered (and are then not bound by {@code maxMessageLength})
 * @param chunkSize largest chunk of a streamed payload
 */
public record DecoderLimits(int maxMessageLength, int streamThreshold, int chunkSize) {
    public DecoderLimits {
        if (maxMessageLength < 4) {
            throw new IllegalArgumentException("maxMessageLength must be at least 4, got " + maxMessageLength);
        }
        if (streamThreshold < 0 || streamThreshold > maxMessageLength - 4) {
            throw new IllegalArgumentException(
                    "streamThreshold must be in [0, maxMessageLength - 4], got " + streamThreshold);
        }
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be positive, got " + chunkSize);
        }
    }

    /** 64 MiB messages, rows and COPY data above 8 KiB streamed in chunks of 64 KiB. */
    public static DecoderLimits defaults() {
        return new DecoderLimits(64 << 20, 8 << 10, 64 << 10);
    }
}
