package io.gatehouse.audit.bundle;

import java.util.List;
import java.util.Objects;

/**
 * An offline-verifiable export (DESIGN.md, "Proofs"): the log's origin, one signed checkpoint note, and entries with
 * inclusion proofs in that checkpoint. JSON form: {@link BundleCodec}; checking: {@link BundleVerifier}.
 */
public record Bundle(String origin, String checkpointNote, List<BundleEntry> entries) {
    public Bundle {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(checkpointNote, "checkpointNote");
        entries = List.copyOf(entries);
    }
}
