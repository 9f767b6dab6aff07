package io.gatehouse.audit.merkle;

/**
 * The root hash of the perfect subtree covering leaves [index·2^level, (index+1)·2^level); level 0 is a leaf hash.
 * These are the only hashes the store persists: every other node of the RFC 9162 tree (the non-perfect right edge)
 * is computed from them.
 */
public record TreeNode(int level, long index, byte[] hash) {
    public TreeNode {
        if (level < 0 || level > 63) {
            throw new IllegalArgumentException("level " + level + " outside 0..63");
        }
        if (index < 0) {
            throw new IllegalArgumentException("index " + index + " is negative");
        }
        if (hash.length != Rfc6962.HASH_BYTES) {
            throw new IllegalArgumentException("hash is " + hash.length + " bytes, expected 32");
        }
        hash = hash.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TreeNode node
                && node.level == level
                && node.index == index
                && java.util.Arrays.equals(node.hash, hash);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(level, index, java.util.Arrays.hashCode(hash));
    }

    @Override
    public String toString() {
        return "TreeNode[level=" + level + ", index=" + index + ", hash="
                + java.util.HexFormat.of().formatHex(hash) + "]";
    }
}
