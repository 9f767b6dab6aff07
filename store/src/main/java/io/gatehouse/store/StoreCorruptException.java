package io.gatehouse.store;

/** The store location holds something that is not a Gatehouse store, or a damaged one. */
public class StoreCorruptException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreCorruptException(String message) {
        super(message);
    }

    public StoreCorruptException(String message, Throwable cause) {
        super(message, cause);
    }
}
