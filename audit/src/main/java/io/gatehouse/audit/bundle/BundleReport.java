package io.gatehouse.audit.bundle;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.note.Checkpoint;
import io.gatehouse.audit.verify.Damage;
import java.util.List;
import java.util.Optional;

/**
 * Result of {@link BundleVerifier}: the checkpoint if trusted (else why not), and one result per entry in bundle
 * order.
 */
public record BundleReport(
        Optional<Checkpoint> checkpoint, Optional<Damage> checkpointDamage, List<EntryResult> entries) {
    public BundleReport {
        entries = List.copyOf(entries);
    }

    /** True if the checkpoint is trusted and every entry verified. */
    public boolean ok() {
        return checkpointDamage.isEmpty() && entries.stream().allMatch(e -> e instanceof EntryResult.Verified);
    }

    public sealed interface EntryResult {
        long index();

        /** Proven to be at {@code index} of the signed log. */
        record Verified(long index, Event event) implements EntryResult {}

        record Rejected(long index, Damage damage) implements EntryResult {}
    }
}
