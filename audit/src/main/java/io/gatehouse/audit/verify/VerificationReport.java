package io.gatehouse.audit.verify;

/** The outcome of {@link LogVerifier}: all good, or the first damage found. */
public sealed interface VerificationReport {

    boolean ok();

    /**
     * Every event decoded, matched its stored leaf hash, position and origin, and every checkpoint's root was
     * recomputed from the events.
     *
     * @param rootHex root over all {@code events} (events after the latest checkpoint are not yet signed)
     * @param latestCheckpointSize size of the largest checkpoint, 0 if there is none
     */
    record Ok(long events, int checkpoints, String rootHex, long latestCheckpointSize) implements VerificationReport {
        @Override
        public boolean ok() {
            return true;
        }

        /** Events after the latest checkpoint: individually well-formed, but not yet covered by a signature. */
        public long uncoveredEvents() {
            return events - latestCheckpointSize;
        }
    }

    /** The first problem; {@code eventsRead} entries had been accepted when it was found. */
    record Damaged(Damage damage, long eventsRead) implements VerificationReport {
        @Override
        public boolean ok() {
            return false;
        }
    }
}
