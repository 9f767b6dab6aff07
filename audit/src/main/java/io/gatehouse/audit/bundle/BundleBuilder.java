package io.gatehouse.audit.bundle;

import io.gatehouse.audit.merkle.MerkleProofs;
import io.gatehouse.audit.merkle.NodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Assembles a {@link Bundle} for a checkpoint of {@code treeSize}: adds entries and computes their inclusion proofs
 * from the store's perfect subtrees. The caller passes the note whose size is {@code treeSize}.
 */
public final class BundleBuilder {
    private final String origin;
    private final String checkpointNote;
    private final long treeSize;
    private final NodeSource nodes;
    private final List<BundleEntry> entries = new ArrayList<>();

    public BundleBuilder(String origin, String checkpointNote, long treeSize, NodeSource nodes) {
        this.origin = Objects.requireNonNull(origin, "origin");
        this.checkpointNote = Objects.requireNonNull(checkpointNote, "checkpointNote");
        if (treeSize < 0) {
            throw new IllegalArgumentException("tree size " + treeSize + " is negative");
        }
        this.treeSize = treeSize;
        this.nodes = Objects.requireNonNull(nodes, "nodes");
    }

    /** Adds the entry at {@code index}, which must be below the checkpoint's tree size. */
    public BundleBuilder add(long index, byte[] entry) {
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException("entry index " + index + " is not covered by the checkpoint of size "
                    + treeSize + ", expected 0.." + (treeSize - 1));
        }
        entries.add(new BundleEntry(index, entry, MerkleProofs.inclusion(index, treeSize, nodes)));
        return this;
    }

    public Bundle build() {
        return new Bundle(origin, checkpointNote, entries);
    }
}
