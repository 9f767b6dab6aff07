package io.gatehouse.gateway;

/** The gateway cannot start; the message is one line that names the problem and what to do. */
public final class GatewayStartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GatewayStartupException(String message) {
        super(message);
    }

    public GatewayStartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
