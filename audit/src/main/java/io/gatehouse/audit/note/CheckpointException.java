package io.gatehouse.audit.note;

/** A checkpoint note that cannot be trusted; {@link #reason()} says why. */
public final class CheckpointException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** Not a signed note: bad characters, no blank line before signatures, malformed signature line. */
        MALFORMED_NOTE,
        /** Well-formed, but no signature line carries this verifier's key name and key hash. */
        NO_SIGNATURE_BY_KEY,
        /** A signature by this key is present and does not verify over the note text. */
        BAD_SIGNATURE,
        /** Correctly signed, but the text is not a checkpoint body (origin, size, root hash). */
        MALFORMED_BODY
    }

    private final Reason reason;

    public CheckpointException(Reason reason, String message) {
        super(reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
