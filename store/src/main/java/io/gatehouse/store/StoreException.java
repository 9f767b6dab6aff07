package io.gatehouse.store;

/**
 * The store is unavailable or an operation on it failed. Messages name what failed and never contain
 * secrets (tokens, verifiers, credentials, database passwords).
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
