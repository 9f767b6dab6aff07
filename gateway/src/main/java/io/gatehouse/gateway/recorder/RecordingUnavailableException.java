package io.gatehouse.gateway.recorder;

/**
 * The record could not be made durable (store down, deadline passed, queue full). A fail-closed caller must
 * refuse the action it was about to take. The message never contains event content.
 */
public final class RecordingUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RecordingUnavailableException(String message) {
        super(message);
    }

    public RecordingUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
