package io.gatehouse.audit.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Inclusion and consistency proofs of RFC 9162 §2.1.3 and §2.1.4, generated from stored perfect subtrees and
 * verified with the RFC's iterative algorithms.
 *
 * <p>Generation follows the RFC's recursive definitions (PATH and SUBPROOF over D[start:end)). Every subtree they
 * name is either perfect and aligned (read from the {@link NodeSource}) or lies on the right edge of the tree at that
 * size, in which case {@link #subtreeHash} builds it from its perfect parts, so nothing but perfect subtrees is ever
 * stored. Verification never throws on a bad proof: it returns false.
 */
public final class MerkleProofs {
    private MerkleProofs() {}

    /** The root of the tree of the first {@code size} leaves. */
    public static byte[] root(long size, NodeSource nodes) {
        if (size < 0) {
            throw new IllegalArgumentException("tree size " + size + " is negative");
        }
        return size == 0 ? Rfc6962.emptyRoot() : subtreeHash(0, size, nodes);
    }

    /** RFC 9162 §2.1.3.1 PATH(index, D[0:treeSize]), deepest sibling first. */
    public static List<byte[]> inclusion(long index, long treeSize, NodeSource nodes) {
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException("leaf index " + index + " outside the tree of size " + treeSize
                    + ", expected 0.." + (treeSize - 1));
        }
        List<byte[]> proof = new ArrayList<>();
        path(index, 0, treeSize, nodes, proof);
        return proof;
    }

    private static void path(long m, long start, long end, NodeSource nodes, List<byte[]> out) {
        long n = end - start;
        if (n == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(m, start, start + k, nodes, out);
            out.add(subtreeHash(start + k, end, nodes));
        } else {
            path(m - k, start + k, end, nodes, out);
            out.add(subtreeHash(start, start + k, nodes));
        }
    }

    /**
     * RFC 9162 §2.1.4.1 PROOF(oldSize, D[0:newSize]). Empty when {@code oldSize} is 0 or equals {@code newSize}
     * (nothing to prove beyond comparing roots).
     */
    public static List<byte[]> consistency(long oldSize, long newSize, NodeSource nodes) {
        if (oldSize < 0 || oldSize > newSize) {
            throw new IllegalArgumentException(
                    "consistency needs 0 <= oldSize <= newSize, got oldSize " + oldSize + ", newSize " + newSize);
        }
        List<byte[]> proof = new ArrayList<>();
        if (oldSize > 0 && oldSize < newSize) {
            subproof(oldSize, 0, newSize, true, nodes, proof);
        }
        return proof;
    }

    private static void subproof(
            long m, long start, long end, boolean completeOld, NodeSource nodes, List<byte[]> out) {
        long n = end - start;
        if (m == n) {
            if (!completeOld) {
                out.add(subtreeHash(start, end, nodes));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(m, start, start + k, completeOld, nodes, out);
            out.add(subtreeHash(start + k, end, nodes));
        } else {
            subproof(m - k, start + k, end, false, nodes, out);
            out.add(subtreeHash(start, start + k, nodes));
        }
    }

    /**
     * MTH(D[start:end)) for a node of the RFC 9162 tree: perfect and aligned nodes come from storage; a right-edge
     * node is split as the RFC splits it (left part the largest power of two below its size).
     */
    static byte[] subtreeHash(long start, long end, NodeSource nodes) {
        long n = end - start;
        if (Long.bitCount(n) == 1 && start % n == 0) {
            int level = Long.numberOfTrailingZeros(n);
            byte[] hash = nodes.node(level, start >>> level);
            if (hash == null || hash.length != Rfc6962.HASH_BYTES) {
                throw new IllegalStateException(
                        "node source has no 32-byte hash for level " + level + ", index " + (start >>> level));
            }
            return hash.clone();
        }
        long k = largestPowerOfTwoBelow(n);
        return Rfc6962.nodeHash(subtreeHash(start, start + k, nodes), subtreeHash(start + k, end, nodes));
    }

    /** The largest power of two strictly less than {@code n} (n ≥ 2), the split point k of RFC 9162 §2.1.1. */
    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    /** RFC 9162 §2.1.3.2: does {@code proof} show leaf {@code leafHash} at {@code index} in the tree {@code root}? */
    public static boolean verifyInclusion(byte[] leafHash, long index, long treeSize, List<byte[]> proof, byte[] root) {
        if (!isHash(leafHash) || !isHash(root) || proof == null || index < 0 || index >= treeSize) {
            return false;
        }
        long fn = index;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (!isHash(p) || sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = Rfc6962.nodeHash(p, r);
                if ((fn & 1) == 0) {
                    // fn is a left child with no right sibling at these levels: climb until it is a right child.
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                r = Rfc6962.nodeHash(r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(r, root);
    }

    /**
     * RFC 9162 §2.1.4.2: is the tree {@code newRoot} of {@code newSize} leaves an append-only extension of the tree
     * {@code oldRoot} of {@code oldSize} leaves? Equal sizes need an empty proof and equal roots; an old size of 0 is
     * consistent with anything (the empty tree is a prefix of every tree) given an empty proof.
     */
    public static boolean verifyConsistency(
            long oldSize, long newSize, byte[] oldRoot, byte[] newRoot, List<byte[]> proof) {
        if (!isHash(oldRoot) || !isHash(newRoot) || proof == null || oldSize < 0 || oldSize > newSize) {
            return false;
        }
        if (oldSize == newSize) {
            return proof.isEmpty() && MessageDigest.isEqual(oldRoot, newRoot);
        }
        if (oldSize == 0) {
            return proof.isEmpty() && MessageDigest.isEqual(oldRoot, Rfc6962.emptyRoot());
        }
        if (proof.isEmpty()) {
            return false;
        }
        List<byte[]> path = new ArrayList<>(proof.size() + 1);
        if (Long.bitCount(oldSize) == 1) {
            // The old tree is a perfect subtree of the new one, so its root is the proof's starting point.
            path.add(oldRoot);
        }
        path.addAll(proof);
        for (byte[] c : path) {
            if (!isHash(c)) {
                return false;
            }
        }
        long fn = oldSize - 1;
        long sn = newSize - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = Rfc6962.nodeHash(c, fr);
                sr = Rfc6962.nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                sr = Rfc6962.nodeHash(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, oldRoot) && MessageDigest.isEqual(sr, newRoot);
    }

    private static boolean isHash(byte[] hash) {
        return hash != null && hash.length == Rfc6962.HASH_BYTES;
    }
}
