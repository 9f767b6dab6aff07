package io.gatehouse.gateway.auth;

import java.time.Duration;
import java.util.Optional;

/** Authentication refused. The message is safe to show the client: it never echoes the presented token. */
public final class AuthenticationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why; decides the status the client sees (401 for credentials, 403 for a disabled identity, 429). */
    public enum Reason {
        MISSING,
        INVALID,
        EXPIRED,
        REVOKED,
        DISABLED,
        RATE_LIMITED
    }

    private final Reason reason;
    private final transient Duration retryAfter;

    public AuthenticationException(Reason reason, String message) {
        this(reason, message, null);
    }

    public AuthenticationException(Reason reason, String message, Duration retryAfter) {
        super(message);
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    public Reason reason() {
        return reason;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
