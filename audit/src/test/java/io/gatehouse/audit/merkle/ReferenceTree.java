package io.gatehouse.audit.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Naive recursive RFC 9162 §2.1 definitions, written straight from the RFC text, and an in-memory node store fed
 * by {@link MerkleFrontier#append}: the independent oracle for the optimised code.
 */
final class ReferenceTree implements NodeSource {
    final List<byte[]> leaves = new ArrayList<>();
    private final Map<String, byte[]> nodes = new HashMap<>();
    final MerkleFrontier frontier = MerkleFrontier.empty();

    static ReferenceTree ofSize(int n) {
        ReferenceTree tree = new ReferenceTree();
        for (int i = 0; i < n; i++) {
            tree.add(Rfc6962.leafHash(("leaf " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return tree;
    }

    void add(byte[] leafHash) {
        leaves.add(leafHash);
        for (TreeNode node : frontier.append(leafHash)) {
            nodes.put(node.level() + "/" + node.index(), node.hash());
        }
    }

    int storedNodes() {
        return nodes.size();
    }

    @Override
    public byte[] node(int level, long index) {
        byte[] hash = nodes.get(level + "/" + index);
        if (hash == null) {
            throw new IllegalStateException("no node " + level + "/" + index);
        }
        return hash;
    }

    byte[] mth(int start, int end) {
        int n = end - start;
        if (n == 0) {
            return Rfc6962.emptyRoot();
        }
        if (n == 1) {
            return leaves.get(start);
        }
        int k = 1;
        while (k * 2 < n) {
            k *= 2;
        }
        return Rfc6962.nodeHash(mth(start, start + k), mth(start + k, end));
    }

    List<byte[]> path(int m, int start, int end) {
        int n = end - start;
        if (n == 1) {
            return new ArrayList<>();
        }
        int k = 1;
        while (k * 2 < n) {
            k *= 2;
        }
        List<byte[]> out;
        if (m < k) {
            out = path(m, start, start + k);
            out.add(mth(start + k, end));
        } else {
            out = path(m - k, start + k, end);
            out.add(mth(start, start + k));
        }
        return out;
    }

    List<byte[]> subproof(int m, int start, int end, boolean b) {
        int n = end - start;
        if (m == n) {
            List<byte[]> out = new ArrayList<>();
            if (!b) {
                out.add(mth(start, end));
            }
            return out;
        }
        int k = 1;
        while (k * 2 < n) {
            k *= 2;
        }
        List<byte[]> out;
        if (m <= k) {
            out = subproof(m, start, start + k, b);
            out.add(mth(start + k, end));
        } else {
            out = subproof(m - k, start + k, end, false);
            out.add(mth(start, start + k));
        }
        return out;
    }

    static boolean sameHashes(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }
}
