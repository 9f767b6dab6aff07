package io.gatehouse.gateway.security;

/**
 * A sealed value could not be opened: it was altered, sealed under another key or another
 * associated data, or is not a sealed value at all. The message never holds plaintext or key
 * material.
 */
public final class SecretBoxException extends RuntimeException {
    public SecretBoxException(String message) {
        super(message);
    }

    public SecretBoxException(String message, Throwable cause) {
        super(message, cause);
    }
}
