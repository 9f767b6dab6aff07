package io.gatehouse.gateway.security;

import java.util.Objects;

/**
 * A SCRAM exchange failed: a malformed message, a proof or signature that does not verify, or a
 * feature the peer asked for and this side does not support. Checked, because bad input from the
 * network is expected: the listener turns it into its protocol's error (PostgreSQL: {@code
 * ErrorResponse} SQLSTATE 28P01 for {@link Reason#INVALID_PROOF}, 08P01 otherwise).
 *
 * <p>Messages describe the shape that was wrong and never quote a proof, key or password.
 */
public final class ScramException extends Exception {

    /** The {@code server-error-value}s of RFC 5802 §7, plus a client-side verification failure. */
    public enum Reason {
        INVALID_ENCODING("invalid-encoding"),
        EXTENSIONS_NOT_SUPPORTED("extensions-not-supported"),
        INVALID_PROOF("invalid-proof"),
        CHANNEL_BINDINGS_DONT_MATCH("channel-bindings-dont-match"),
        SERVER_DOES_SUPPORT_CHANNEL_BINDING("server-does-support-channel-binding"),
        CHANNEL_BINDING_NOT_SUPPORTED("channel-binding-not-supported"),
        UNSUPPORTED_CHANNEL_BINDING_TYPE("unsupported-channel-binding-type"),
        UNKNOWN_USER("unknown-user"),
        INVALID_USERNAME_ENCODING("invalid-username-encoding"),
        NO_RESOURCES("no-resources"),
        OTHER_ERROR("other-error"),
        /** Client side: the server's signature (RFC 5802 §3 ServerSignature) did not verify. */
        INVALID_SERVER_SIGNATURE("invalid-server-signature");

        private final String wireValue;

        Reason(String wireValue) {
            this.wireValue = wireValue;
        }

        /** The value as sent in a {@code server-final-message} {@code e=} attribute. */
        public String wireValue() {
            return wireValue;
        }
    }

    private final Reason reason;

    public ScramException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
