package io.gatehouse.wire.pg;

/**
 * One item yielded by a decoder. Small messages come whole as {@link Message}; a large
 * {@code DataRow} or {@code CopyData} comes as {@link StreamStart}, one or more {@link
 * StreamChunk}s and a {@link StreamEnd}, so that it never has to fit in memory.
 *
 * <p>Pass-through: {@link PgEncoder#encode(Decoded)} turns every item back into exactly the bytes
 * it was decoded from (the header for a stream start, the raw payload for a chunk, nothing for an
 * end), so a proxy can forward items instead of the raw input.
 */
public sealed interface Decoded<M> {

    /** A complete message. */
    record Message<M>(M message) implements Decoded<M> {}

    /**
     * The header of a streamed message.
     *
     * @param tag {@code 'D'} (DataRow) or {@code 'd'} (CopyData)
     * @param length the length field of the header: payload length plus four
     */
    record StreamStart<M>(char tag, int length) implements Decoded<M> {
        public int payloadLength() {
            return length - 4;
        }
    }

    /** Consecutive raw payload bytes of the streamed message, at most the configured chunk size. */
    record StreamChunk<M>(Bytes bytes) implements Decoded<M> {}

    /** The streamed message's payload is complete. */
    record StreamEnd<M>(char tag) implements Decoded<M> {}
}
