package io.gatehouse.audit.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * Incremental append state of an RFC 9162 §2.1.1 tree: for each set bit {@code L} of the size, the hash of the
 * perfect subtree of 2^L leaves on the right edge. That is at most 64 hashes however large the log grows, and it is
 * exactly what is needed to compute the root and to absorb the next leaf. Not thread-safe (one writer per log).
 */
public final class MerkleFrontier {
    private final byte[][] byLevel = new byte[64][];
    private long size;

    private MerkleFrontier() {}

    public static MerkleFrontier empty() {
        return new MerkleFrontier();
    }

    /** The frontier of a tree of {@code size} leaves, read from stored perfect subtrees. */
    public static MerkleFrontier restore(long size, NodeSource nodes) {
        if (size < 0) {
            throw new IllegalArgumentException("size " + size + " is negative");
        }
        MerkleFrontier frontier = new MerkleFrontier();
        for (int level = 0; level < 63; level++) {
            if ((size >>> level & 1) != 0) {
                // The right-edge perfect subtree of 2^level leaves is the last complete one at that level.
                frontier.byLevel[level] = checked(nodes.node(level, (size >>> level) - 1), level);
            }
        }
        frontier.size = size;
        return frontier;
    }

    private static byte[] checked(byte[] hash, int level) {
        if (hash == null || hash.length != Rfc6962.HASH_BYTES) {
            throw new IllegalStateException("node source returned " + (hash == null ? "null" : hash.length + " bytes")
                    + " for a level-" + level + " node, expected 32 bytes");
        }
        return hash.clone();
    }

    public long size() {
        return size;
    }

    /** The RFC 9162 root: perfect subtrees combined right to left (smallest, rightmost first). */
    public byte[] root() {
        byte[] acc = null;
        for (int level = 0; level < 64; level++) {
            if (byLevel[level] != null) {
                acc = acc == null ? byLevel[level] : Rfc6962.nodeHash(byLevel[level], acc);
            }
        }
        return acc == null ? Rfc6962.emptyRoot() : acc.clone();
    }

    /**
     * Appends a leaf and returns every perfect subtree this completes, lowest level first, starting with the leaf
     * itself at level 0; the caller persists them so that proofs can be computed later.
     */
    public List<TreeNode> append(byte[] leafHash) {
        if (leafHash.length != Rfc6962.HASH_BYTES) {
            throw new IllegalArgumentException("leaf hash is " + leafHash.length + " bytes, expected 32");
        }
        if (size == Long.MAX_VALUE) {
            throw new IllegalStateException("tree is full at " + size + " leaves");
        }
        List<TreeNode> completed = new ArrayList<>();
        byte[] node = leafHash.clone();
        int level = 0;
        completed.add(new TreeNode(0, size, node));
        // Binary carry: each set low bit of size is a left sibling waiting for a right sibling of equal height.
        while ((size >>> level & 1) != 0) {
            node = Rfc6962.nodeHash(byLevel[level], node);
            byLevel[level] = null;
            level++;
            completed.add(new TreeNode(level, size >>> level, node));
        }
        byLevel[level] = node;
        size++;
        return completed;
    }
}
