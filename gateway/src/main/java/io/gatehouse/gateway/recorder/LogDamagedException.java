package io.gatehouse.gateway.recorder;

/** The audit log failed its integrity checks on open; the gateway refuses to append to it. */
public final class LogDamagedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LogDamagedException(String message) {
        super(message);
    }
}
