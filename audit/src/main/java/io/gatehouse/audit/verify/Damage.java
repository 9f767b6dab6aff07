package io.gatehouse.audit.verify;

import java.util.Objects;

/**
 * One integrity problem found by a verifier: what kind, where, and a message for people.
 *
 * @param message names the values found and expected, e.g. "event at index 4 has seq 5"
 */
public record Damage(Kind kind, Location location, String message) {
    public Damage {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(message, "message");
    }

    public enum Kind {
        /** The entry bytes are not a canonical event encoding. */
        ENTRY_MALFORMED,
        /** SHA-256(0x00 ‖ entry) differs from the stored leaf hash: the event content was changed. */
        LEAF_HASH_MISMATCH,
        /** The event's own seq differs from its position: an event was deleted, inserted or moved. */
        SEQUENCE_MISMATCH,
        /** The caller's index is not the next position (a gap or reordering in the store's index). */
        INDEX_NOT_CONTIGUOUS,
        /** The event's log field, or a bundle's origin, is not the origin of the log being verified. */
        ORIGIN_MISMATCH,
        /** A checkpoint covers more events than the log has: the tail was cut off. */
        LOG_TRUNCATED,
        /** The checkpoint note or its body is malformed. */
        CHECKPOINT_MALFORMED,
        /** The checkpoint carries no signature by the trusted key (e.g. signed with another key). */
        CHECKPOINT_NOT_SIGNED_BY_KEY,
        /** The trusted key's signature does not verify: the note's origin, size or root was modified. */
        CHECKPOINT_BAD_SIGNATURE,
        /** Consecutive checkpoints contradict each other (size decreased, or same size with another root). */
        CHECKPOINTS_INCONSISTENT,
        /** The root recomputed from the log at the checkpoint's size differs from the signed root. */
        CHECKPOINT_ROOT_MISMATCH,
        /** A bundle entry's inclusion proof does not lead to the checkpoint root: the entry was edited. */
        INCLUSION_PROOF_FAILED,
        /** A bundle entry's index is not below the checkpoint's size. */
        INDEX_BEYOND_CHECKPOINT,
        /** A bundle entry cannot be checked because the bundle's checkpoint was rejected. */
        CHECKPOINT_UNTRUSTED;

        /** The kind for a checkpoint note that {@link io.gatehouse.audit.note.NoteVerifier} rejected. */
        public static Kind forCheckpoint(io.gatehouse.audit.note.CheckpointException.Reason reason) {
            return switch (reason) {
                case MALFORMED_NOTE, MALFORMED_BODY -> CHECKPOINT_MALFORMED;
                case NO_SIGNATURE_BY_KEY -> CHECKPOINT_NOT_SIGNED_BY_KEY;
                case BAD_SIGNATURE -> CHECKPOINT_BAD_SIGNATURE;
            };
        }
    }

    /** Where the damage is. */
    public sealed interface Location {}

    /** At the entry with this 0-based index. */
    public record AtEntry(long index) implements Location {}

    /** At the checkpoint with this 0-based position in the list given to the verifier, of this tree size. */
    public record AtCheckpoint(int number, long size) implements Location {}

    /**
     * At a checkpoint whose root does not match: the change lies in entries {@code firstIndex..lastIndex}, after the
     * previous checkpoint that matched (or from 0).
     */
    public record CheckpointRange(int number, long size, long firstIndex, long lastIndex) implements Location {}

    /** The log as a whole, e.g. shorter than a checkpoint; {@code events} is how many it has. */
    public record WholeLog(long events) implements Location {}
}
