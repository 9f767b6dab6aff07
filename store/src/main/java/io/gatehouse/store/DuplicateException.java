package io.gatehouse.store;

/** An object with the same key already exists, e.g. {@code identity 'devin' already exists}. */
public class DuplicateException extends StoreException {
    private static final long serialVersionUID = 1L;

    public DuplicateException(String message) {
        super(message);
    }

    public DuplicateException(String message, Throwable cause) {
        super(message, cause);
    }
}
