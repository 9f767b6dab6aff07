package io.gatehouse.wire.pg.internal;

/**
 * Thrown by {@link PayloadReader} and the message parsers when a payload does not have the form
 * its tag requires. Decoders catch it and turn it into a {@code ProtocolViolation}; it never
 * leaves the decoders. No stack trace: it is expected input, not a bug.
 */
public final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message, null, false, false);
    }
}
