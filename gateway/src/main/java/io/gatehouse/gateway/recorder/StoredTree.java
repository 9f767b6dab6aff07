package io.gatehouse.gateway.recorder;

import io.gatehouse.audit.merkle.NodeSource;
import io.gatehouse.audit.merkle.Rfc6962;
import io.gatehouse.audit.merkle.TreeNode;
import io.gatehouse.store.LogEntry;
import io.gatehouse.store.LogRepository;
import java.util.List;

/**
 * The Merkle tree of one stored log, as a {@link NodeSource}. Only perfect subtrees of level
 * {@value #STORED_LEVEL} and up are persisted (one node per 16 leaves): persisting every completed subtree
 * would double the rows written on the append path, the product's hot path. A lower subtree is recomputed
 * from its at most 16 leaf hashes, which live with the entries; proofs and recovery read O(log n) nodes,
 * so this costs them a handful of small range reads.
 */
public final class StoredTree implements NodeSource {
    /** Subtrees of this level and above are stored; lower ones are derived from leaves. */
    public static final int STORED_LEVEL = 4;

    private final LogRepository log;
    private final String origin;

    public StoredTree(LogRepository log, String origin) {
        this.log = log;
        this.origin = origin;
    }

    /** Whether the writer must persist this completed subtree. */
    public static boolean persisted(TreeNode node) {
        return node.level() >= STORED_LEVEL;
    }

    @Override
    public byte[] node(int level, long index) {
        if (level == 0 || level >= STORED_LEVEL) {
            return log.node(origin, level, index)
                    .orElseThrow(() -> Recovery.damaged(
                            origin, "tree node (level " + level + ", index " + index + ") is missing"));
        }
        int width = 1 << level;
        long first = index << level;
        List<LogEntry> leaves = log.read(origin, first, width);
        if (leaves.size() != width
                || leaves.get(0).index() != first
                || leaves.get(width - 1).index() != first + width - 1) {
            throw Recovery.damaged(origin, "leaves " + first + ".." + (first + width - 1) + " are not all present");
        }
        byte[][] level0 = new byte[width][];
        for (int i = 0; i < width; i++) {
            level0[i] = leaves.get(i).leafHash();
        }
        for (int n = width; n > 1; n /= 2) {
            for (int i = 0; i < n / 2; i++) {
                level0[i] = Rfc6962.nodeHash(level0[2 * i], level0[2 * i + 1]);
            }
        }
        return level0[0];
    }
}
