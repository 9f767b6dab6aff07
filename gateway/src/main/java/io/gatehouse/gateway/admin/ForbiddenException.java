package io.gatehouse.gateway.admin;

/** The caller is authenticated but its role does not allow this; maps to HTTP 403. */
public final class ForbiddenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ForbiddenException(String message) {
        super(message);
    }
}
