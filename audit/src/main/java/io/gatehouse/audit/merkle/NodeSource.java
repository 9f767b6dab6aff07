package io.gatehouse.audit.merkle;

/** Read access to stored perfect-subtree hashes (see {@link TreeNode}); the store implements it. */
@FunctionalInterface
public interface NodeSource {
    /**
     * The hash of the perfect subtree at ({@code level}, {@code index}); implementations throw (e.g.
     * {@link IllegalStateException}) if it is not stored.
     */
    byte[] node(int level, long index);
}
