package io.gatehouse.store;

/** The store's schema was written by a different (usually newer) Gatehouse; it is left untouched. */
public class StoreVersionException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreVersionException(String message) {
        super(message);
    }

    public StoreVersionException(String message, Throwable cause) {
        super(message, cause);
    }
}
