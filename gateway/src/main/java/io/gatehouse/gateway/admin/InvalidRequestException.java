package io.gatehouse.gateway.admin;

/** A request that cannot be honoured as given (bad name, bad target, unknown type); maps to HTTP 400. */
public final class InvalidRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }
}
