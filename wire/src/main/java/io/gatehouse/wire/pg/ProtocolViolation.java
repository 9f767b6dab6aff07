package io.gatehouse.wire.pg;

/**
 * Why a decoder stopped: the peer sent something that is not PostgreSQL protocol 3.x as this
 * decoder was told to expect it. A decoder that reports a violation stays failed; the session
 * should answer with an {@code ErrorResponse} (SQLSTATE 08P01, protocol_violation) and close.
 *
 * @param tag the message tag, or {@code 0} for untagged startup packets and unknown tags
 * @param length the length field from the header, or {@code -1} if not yet known
 * @param message what was wrong, naming the value found and the limit or form expected; never
 *     contains message content (it may be a password)
 */
public record ProtocolViolation(char tag, long length, String message) {
    @Override
    public String toString() {
        return "ProtocolViolation[" + (tag == 0 ? "" : "tag '" + tag + "', ") + "length " + length + ": " + message
                + "]";
    }
}
