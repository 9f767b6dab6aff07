package io.gatehouse.store;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The hash of a perfect subtree of the log's Merkle tree: the subtree at {@code level} covering
 * leaves {@code [index * 2^level, (index + 1) * 2^level)}. Level 0 is a leaf hash.
 */
// byte[] components are the agreed API; equals/hashCode compare contents, arrays are not copied.
@SuppressWarnings("ArrayRecordComponent")
public record TreeNode(int level, long index, byte[] hash) {
    public TreeNode {
        if (level < 0 || level > 62) {
            throw new IllegalArgumentException("tree node level " + level + " is outside 0..62");
        }
        if (index < 0) {
            throw new IllegalArgumentException("tree node index " + index + " is negative");
        }
        Objects.requireNonNull(hash, "hash");
    }

    /** One past the last leaf this subtree covers. */
    public long leafEnd() {
        return Math.multiplyExact(index + 1, 1L << level);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TreeNode that
                && level == that.level
                && index == that.index
                && Arrays.equals(hash, that.hash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(level, index, Arrays.hashCode(hash));
    }

    @Override
    public String toString() {
        return "TreeNode[level=" + level + ", index=" + index + ", hash="
                + HexFormat.of().formatHex(hash) + "]";
    }
}
